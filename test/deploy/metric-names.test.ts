import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dashboard, exportedSeries } from "../../dev/grafana/dashboard.js";
import {
  DASHBOARD_FILE,
  dashboardExpressions,
  problemsOf,
  readDashboard,
  ruleExpressions,
  seriesIn,
} from "./metrics-used.js";

/**
 * The rules and the dashboard query the worker's series by name: a metric or label renamed
 * in src/ must fail here, not in an operator's silent dashboard.
 */
describe("the series the rules and the dashboard query", () => {
  it("are all exported by the worker, with the labels they match and group by", async () => {
    const exported = await exportedSeries();
    const expressions = [...ruleExpressions(), ...dashboardExpressions()];
    expect(expressions.length).toBeGreaterThan(30);
    expect(problemsOf(expressions, exported)).toEqual([]);
  });

  it("would be reported if a metric or a label were renamed", async () => {
    const exported = await exportedSeries();
    const renamed = new Map(exported);
    renamed.delete("commonroom_worker_rate_limited_responses_total");
    const tasks = renamed.get("commonroom_worker_tasks_total")!;
    renamed.set("commonroom_worker_tasks_total", {
      ...tasks,
      labels: tasks.labels.map((l) => (l === "code" ? "error_code" : l)),
    });
    const problems = problemsOf([...ruleExpressions(), ...dashboardExpressions()], renamed);
    expect(problems).toContainEqual(
      expect.stringMatching(/commonroom_worker_rate_limited_responses_total is not exported/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/no series has the label code/));
    expect(() => dashboard(renamed)).toThrow(/commonroom_worker_rate_limited_responses_total/);
  });

  it("cover every series the worker exports about its own work", async () => {
    const exported = await exportedSeries();
    const used = new Set(
      [...ruleExpressions(), ...dashboardExpressions()].flatMap((e) =>
        seriesIn(e.expr).map((s) => s.name.replace(/_(bucket|sum|count)$/, "")),
      ),
    );
    const ours = [...exported.keys()].filter(
      (name) => name.startsWith("commonroom_worker_") && !/_(bucket|sum|count)$/.test(name),
    );
    expect(ours.filter((name) => !used.has(name))).toEqual([]);
  });

  it("are those of deploy/grafana/dashboard.json as dev/grafana/dashboard.ts generates it", async () => {
    // Regenerate with `npm run dashboard` after changing dev/grafana/dashboard.ts.
    expect(readDashboard(), DASHBOARD_FILE).toEqual(dashboard(await exportedSeries()));
    expect(readFileSync(DASHBOARD_FILE, "utf8")).toMatch(/"uid": "commonroom-worker"/);
  });
});
