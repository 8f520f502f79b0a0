import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../src/package-root.js";
import { RULES_FILE } from "./metrics-used.js";
import { installed, skippedLoudly } from "./promtool.js";

/** deploy/prometheus/ through promtool: the rules parse, and their unit tests pass. */
const haveTool = installed("promtool");
if (!haveTool) skippedLoudly("promtool check rules and promtool test rules");

function promtool(...args: string[]) {
  return spawnSync("promtool", args, { cwd: dirname(RULES_FILE), encoding: "utf8" });
}

describe.skipIf(!haveTool)("deploy/prometheus rules", () => {
  it("pass promtool check rules", () => {
    const run = promtool("check", "rules", "commonroom-worker.rules.yml");
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("pass their unit tests, promtool test rules", () => {
    const run = promtool("test", "rules", "commonroom-worker.test.yml");
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/SUCCESS/);
  });
});

describe("docs/alerts.md", () => {
  it("explains every alert, where the rule's runbook annotation points", () => {
    const docs = readFileSync(join(packageRoot(), "docs", "alerts.md"), "utf8");
    const { groups } = parse(readFileSync(RULES_FILE, "utf8")) as {
      groups: { rules: { alert?: string; annotations?: { runbook?: string } }[] }[];
    };
    const alerts = groups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alerts.length).toBeGreaterThan(10);
    for (const rule of alerts) {
      expect(docs, rule.alert).toContain(`\n## ${rule.alert}\n`);
      expect(rule.annotations?.runbook).toBe(`docs/alerts.md#${rule.alert!.toLowerCase()}`);
    }
  });
});
