/**
 * A clone without the vendor specs (any fork's CI, which sets CI=true) passes `npm test` and
 * says at the end which suites it skipped; REQUIRE_ALL_SUITES=1, as .ci/run sets it, fails
 * instead. Runs vitest itself on the one spec suite, as a contributor would.
 */
import { describe, expect, it } from "vitest";
import { cleanupAfterEach } from "../support/cleanups.js";
import { startInCheckout } from "./in-checkout.js";

const SPEC_SUITE = "test/dev/commonroom/spec-coverage.test.ts";

const cleanup = cleanupAfterEach();

/** The "  - suites: reason" lines of the skip summary. */
function skippedLines(output: string): string[] {
  const summary = output.split("SKIPPED SUITES")[1] ?? "";
  return summary.split("\n").filter((line) => line.startsWith("  - "));
}

function runSpecSuite(env: Record<string, string>) {
  const run = startInCheckout(
    cleanup,
    process.execPath,
    ["node_modules/vitest/vitest.mjs", "run", "--project", "dev", SPEC_SUITE],
    { VENDOR_SPECS_DIR: "/nonexistent/specs", E2E_REAL_CONDUCTOR: "off", NO_COLOR: "1", ...env },
  );
  return run;
}

describe("a clone without the vendor specs", () => {
  it("skips the spec suite, passes, and names the skip and its remedy at the end", async () => {
    // As a fork's GitHub Actions run: CI=true, and the skip is also a warning on the run's page.
    const run = runSpecSuite({ CI: "true", GITHUB_ACTIONS: "true" });
    expect(await run.exited, run.output()).toBe(0);
    const summary = run.output().split("SKIPPED SUITES")[1] ?? "";
    expect(skippedLines(run.output()).join("\n"), run.output()).toContain(SPEC_SUITE);
    expect(summary).toContain("/nonexistent/specs/common-room-core-openapi.yml");
    expect(summary).toContain("VENDOR_SPECS_DIR");
    expect(summary).toContain("E2E_REAL_CONDUCTOR=off");
    expect(summary).toMatch(/^::warning title=Skipped suites::.*spec-coverage\.test\.ts/m);
  }, 120_000);

  it("fails, naming the missing file, when REQUIRE_ALL_SUITES=1 demands the specs", async () => {
    const run = runSpecSuite({ REQUIRE_ALL_SUITES: "1" });
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toContain(
      "the vendor spec is missing: /nonexistent/specs/common-room-core-openapi.yml",
    );
    // Only the summary's own lines: stderr's failure report may come after it.
    expect(skippedLines(run.output()).join("\n")).not.toContain(SPEC_SUITE);
  }, 120_000);
});
