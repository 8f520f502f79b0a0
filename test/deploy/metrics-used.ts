/** The series the Prometheus rules and the Grafana dashboard query, read from their files. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { packageRoot } from "../../src/package-root.js";

export const RULES_FILE = join(
  packageRoot(),
  "deploy",
  "prometheus",
  "commonroom-worker.rules.yml",
);
export const DASHBOARD_FILE = join(packageRoot(), "deploy", "grafana", "dashboard.json");

export interface Expression {
  /** Where it is: `rule <name>` or `panel "<title>" <refId>`. */
  where: string;
  expr: string;
}

interface RuleGroup {
  name: string;
  rules: { record?: string; alert?: string; expr: string }[];
}

export function ruleExpressions(): Expression[] {
  const { groups } = parse(readFileSync(RULES_FILE, "utf8")) as { groups: RuleGroup[] };
  return groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `rule ${rule.record ?? rule.alert}`, expr: rule.expr })),
  );
}

export function recordedNames(): string[] {
  const { groups } = parse(readFileSync(RULES_FILE, "utf8")) as { groups: RuleGroup[] };
  return groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
}

export function alertNames(): string[] {
  const { groups } = parse(readFileSync(RULES_FILE, "utf8")) as { groups: RuleGroup[] };
  return groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
}

interface Panel {
  title: string;
  targets: { refId: string; expr: string }[];
}

export function dashboardExpressions(dashboard: unknown = readDashboard()): Expression[] {
  return (dashboard as { panels: Panel[] }).panels.flatMap((panel) =>
    panel.targets.map((t) => ({ where: `panel "${panel.title}" ${t.refId}`, expr: t.expr })),
  );
}

export function readDashboard(): unknown {
  return JSON.parse(readFileSync(DASHBOARD_FILE, "utf8"));
}

/** The worker's series an expression names, with the labels it matches on each. */
export function seriesIn(expr: string): { name: string; matched: string[] }[] {
  const found: { name: string; matched: string[] }[] = [];
  for (const m of expr.matchAll(/\b((?:commonroom_worker|process)_[a-z0-9_]+)\b(\{([^}]*)\})?/g)) {
    const matched = [...(m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map(
      (l) => l[1]!,
    );
    found.push({ name: m[1]!, matched });
  }
  return found;
}

/** The labels of `by (...)` and `without (...)` clauses. */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(",")
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS = ["instance", "job"];

/**
 * Problems in `expressions` against what the worker exports: a series it does not export, a
 * label a series does not have, a grouping label no series of the expression has.
 */
export function problemsOf(
  expressions: Expression[],
  exported: ReadonlyMap<string, { labels: string[] }>,
): string[] {
  const problems: string[] = [];
  for (const { where, expr } of expressions) {
    const series = seriesIn(expr);
    const labelsOfAll = new Set(TARGET_LABELS);
    for (const { name, matched } of series) {
      const metric = exported.get(name);
      if (!metric) {
        problems.push(`${where}: ${name} is not exported by the worker`);
        continue;
      }
      for (const label of metric.labels) labelsOfAll.add(label);
      for (const label of matched) {
        if (!metric.labels.includes(label) && !TARGET_LABELS.includes(label))
          problems.push(`${where}: ${name} has no label ${label}`);
      }
    }
    for (const label of groupingLabels(expr)) {
      if (!labelsOfAll.has(label)) problems.push(`${where}: no series has the label ${label}`);
    }
  }
  return problems;
}
