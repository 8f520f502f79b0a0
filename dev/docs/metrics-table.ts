/**
 * The metrics table of docs/observability.md, from the worker's own registry: every series
 * that `/metrics` serves besides the process metrics, with its type, labels and help text.
 */
import { WebhookMetrics } from "../../src/webhooks/metrics.js";
import { WorkerMetrics } from "../../src/worker/metrics.js";

interface Described {
  name: string;
  help: string;
  type: string;
  labelNames?: readonly string[];
}

/** The series as the worker registers them, in registration order. */
export function registeredMetrics(): Described[] {
  const metrics = new WorkerMetrics({ processMetrics: false });
  new WebhookMetrics(metrics.registry);
  return metrics.registry.getMetricsAsArray() as unknown as Described[];
}

export function renderMetricsTable(): string {
  return [
    "<!-- Written by `npm run docs` from src/worker/metrics.ts and src/webhooks/metrics.ts; do not edit by hand. -->",
    "",
    "| metric | type | labels | what it counts |",
    "| --- | --- | --- | --- |",
    ...registeredMetrics().map(
      (metric) =>
        `| \`${metric.name}\` | ${metric.type} | ${(metric.labelNames ?? []).map((l) => `\`${l}\``).join(", ")} | ${metric.help.replace(/\|/g, "\\|")} |`,
    ),
  ].join("\n");
}
