/**
 * The Grafana dashboard of deploy/grafana/dashboard.json, as code: every query names its
 * series through `series()`, which refuses a name the worker does not export, so a metric
 * renamed in src/ stops the dashboard from being generated (and fails its test).
 */
import { Registry } from "prom-client";
import { WebhookMetrics } from "../../src/webhooks/metrics.js";
import { WorkerMetrics } from "../../src/worker/metrics.js";

/** The job name the rules and the dashboard expect the worker's targets under. */
export const JOB = "commonroom-worker";

/** Every series name the worker exports, histograms with their _bucket, _sum and _count. */
export async function exportedSeries(): Promise<Map<string, { type: string; labels: string[] }>> {
  const metrics = new WorkerMetrics();
  new WebhookMetrics(metrics.registry);
  const names = new Map<string, { type: string; labels: string[] }>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    const labels = labelNamesOf(metrics.registry, metric.name);
    const type = String(metric.type);
    names.set(metric.name, { type, labels });
    if (type === "histogram") {
      for (const suffix of ["_bucket", "_sum", "_count"]) {
        names.set(`${metric.name}${suffix}`, {
          type,
          labels: suffix === "_bucket" ? [...labels, "le"] : labels,
        });
      }
    }
  }
  return names;
}

function labelNamesOf(registry: Registry, name: string): string[] {
  const metric = registry.getSingleMetric(name) as unknown as { labelNames?: string[] };
  return [...(metric?.labelNames ?? [])];
}

interface Query {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
}

/** The selector every query carries: the dashboard's instance variable. */
const ON = `instance=~"$instance"`;
const WINDOW = "$__rate_interval";

function panels(series: (name: string) => string): PanelSpec[] {
  const rate = (name: string, matchers = "") =>
    `rate(${series(name)}{${[ON, matchers].filter(Boolean).join(",")}}[${WINDOW}])`;
  const gauge = (name: string) => `${series(name)}{${ON}}`;
  const quantile = (q: number, name: string, by: string[] = []) =>
    `histogram_quantile(${q}, sum by (${["le", ...by].join(", ")}) (${rate(name)}))`;
  return [
    {
      title: "Tasks finished, by outcome",
      description:
        "completed, failed (Conductor retries), terminal, waiting (handed back for the rate limit), internal_error",
      unit: "ops",
      queries: [
        {
          expr: `sum by (outcome) (${rate("commonroom_worker_tasks_total")})`,
          legend: "{{outcome}}",
        },
      ],
    },
    {
      title: "Tasks finished, by task type",
      description: "Throughput per operation",
      unit: "ops",
      queries: [
        {
          expr: `sum by (task_type) (${rate("commonroom_worker_tasks_total")})`,
          legend: "{{task_type}}",
        },
      ],
    },
    {
      title: "Failed tasks, by error code",
      description: "The codes of contract.md; docs/alerts.md says what each asks of you",
      unit: "ops",
      queries: [
        {
          expr: `sum by (code) (${rate("commonroom_worker_tasks_total", 'outcome=~"failed|terminal|internal_error"')})`,
          legend: "{{code}}",
        },
      ],
    },
    {
      title: "Task duration",
      description: "From a task's start to its result: median, 95th and 99th percentile",
      unit: "s",
      queries: [0.5, 0.95, 0.99].map((q) => ({
        expr: quantile(q, "commonroom_worker_task_duration_seconds_bucket"),
        legend: `p${Math.round(q * 100)}`,
      })),
    },
    {
      title: "Tasks in flight",
      description: "Taken from Conductor and not yet delivered, by task type",
      unit: "short",
      queries: [
        {
          expr: `sum by (task_type) (${gauge("commonroom_worker_tasks_in_flight")})`,
          legend: "{{task_type}}",
        },
      ],
    },
    {
      title: "Common Room requests, by operation and status",
      description: "Every request the client sent, by its HTTP status (or network)",
      unit: "reqps",
      queries: [
        {
          expr: `sum by (operation, status) (${rate("commonroom_worker_commonroom_requests_total")})`,
          legend: "{{operation}} {{status}}",
        },
      ],
    },
    {
      title: "429s, by integration",
      description:
        "Rate-limit answers met per API token, the waits they asked for and the time waited",
      unit: "reqps",
      queries: [
        {
          expr: `sum by (integration) (${rate("commonroom_worker_rate_limited_responses_total")})`,
          legend: "429s {{integration}}",
        },
        {
          expr: `sum by (operation) (${rate("commonroom_worker_rate_limit_waits_total")})`,
          legend: "waits {{operation}}",
        },
        {
          expr: `sum by (operation) (${rate("commonroom_worker_rate_limit_wait_seconds_total")})`,
          legend: "seconds waited/s {{operation}}",
        },
      ],
    },
    {
      title: "Common Room latency, p95",
      description: "By client operation",
      unit: "s",
      queries: [
        {
          expr: quantile(0.95, "commonroom_worker_commonroom_request_duration_seconds_bucket", [
            "operation",
          ]),
          legend: "{{operation}}",
        },
      ],
    },
    {
      title: "Pacer holds, by integration",
      description:
        "Requests held before they started, and the seconds held per second (requests waiting on average)",
      unit: "short",
      queries: [
        {
          expr: `sum by (integration) (${rate("commonroom_worker_pacer_held_requests_total")})`,
          legend: "held/s {{integration}}",
        },
        {
          expr: `sum by (integration) (${rate("commonroom_worker_pacer_held_seconds_total")})`,
          legend: "waiting {{integration}}",
        },
      ],
    },
    {
      title: "Pacer's view of the budget",
      description:
        "Per integration: limit and remaining as Common Room last said, available to this replica, margin",
      unit: "short",
      queries: [
        {
          expr: `max by (integration, figure) (${gauge("commonroom_worker_pacer_budget")})`,
          legend: "{{integration}} {{figure}}",
        },
      ],
    },
    {
      title: "Common Room retries",
      description: "Requests sent again after a 5xx or a network error, by operation",
      unit: "reqps",
      queries: [
        {
          expr: `sum by (operation) (${rate("commonroom_worker_commonroom_retries_total")})`,
          legend: "{{operation}}",
        },
      ],
    },
    {
      title: "Polls to Conductor",
      description: "Batch polls sent, those that came back empty, and those that failed",
      unit: "reqps",
      queries: [
        { expr: `sum(${rate("commonroom_worker_polls_total")})`, legend: "polls" },
        { expr: `sum(${rate("commonroom_worker_empty_polls_total")})`, legend: "empty" },
        { expr: `sum(${rate("commonroom_worker_poll_errors_total")})`, legend: "failed" },
      ],
    },
    {
      title: "Result delivery",
      description:
        "Updates sent again, results awaiting Conductor's acknowledgement, results given up",
      unit: "short",
      queries: [
        {
          expr: `sum(${rate("commonroom_worker_result_delivery_retries_total")})`,
          legend: "retries/s",
        },
        {
          expr: `sum(${gauge("commonroom_worker_result_deliveries_retrying")})`,
          legend: "awaiting",
        },
        {
          expr: `sum by (reason) (increase(${series("commonroom_worker_result_delivery_abandoned_total")}{${ON}}[${WINDOW}]))`,
          legend: "given up: {{reason}}",
        },
      ],
    },
    {
      title: "Webhook deliveries, by outcome",
      description: "Common Room webhooks received, by configured webhook and what became of them",
      unit: "reqps",
      queries: [
        {
          expr: `sum by (webhook, outcome) (${rate("commonroom_worker_webhook_deliveries_total")})`,
          legend: "{{webhook}} {{outcome}}",
        },
      ],
    },
    {
      title: "Replicas and drains",
      description: "Replicas answering scrapes, replicas draining, drains ended by outcome",
      unit: "short",
      queries: [
        { expr: `sum(up{job="${JOB}",${ON}})`, legend: "up" },
        { expr: `sum(${gauge("commonroom_worker_draining")})`, legend: "draining" },
        {
          expr: `sum by (outcome) (increase(${series("commonroom_worker_drains_total")}{${ON}}[${WINDOW}]))`,
          legend: "drains {{outcome}}",
        },
      ],
    },
    {
      title: "Memory and CPU, per replica",
      description:
        "Resident memory (compare with the Deployment's limit) and CPU seconds per second",
      unit: "short",
      queries: [
        {
          expr: `sum by (instance) (${gauge("process_resident_memory_bytes")}) / 2^20`,
          legend: "MiB {{instance}}",
        },
        {
          expr: `sum by (instance) (${rate("process_cpu_seconds_total")})`,
          legend: "CPU {{instance}}",
        },
      ],
    },
  ];
}

/** The dashboard as Grafana imports it; `exported` from exportedSeries(). */
export function dashboard(exported: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const series = (name: string) => {
    if (!exported.has(name))
      throw new Error(`the dashboard uses ${name}, which the worker does not export`);
    return name;
  };
  const datasource = { type: "prometheus", uid: "${datasource}" };
  return {
    title: "Common Room worker",
    uid: "commonroom-worker",
    description:
      "commonroom-conductor-worker: tasks, Common Room requests and rate limits, Conductor, webhooks. Generated by dev/grafana/dashboard.ts.",
    tags: ["commonroom", "conductor"],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    templating: {
      list: [
        { name: "datasource", label: "Data source", type: "datasource", query: "prometheus" },
        {
          name: "instance",
          label: "Replica",
          type: "query",
          datasource,
          query: `label_values(up{job="${JOB}"}, instance)`,
          refresh: 2,
          includeAll: true,
          multi: true,
          allValue: ".*",
          current: { text: "All", value: "$__all" },
        },
      ],
    },
    panels: panels(series).map((panel, index) => ({
      id: index + 1,
      type: "timeseries",
      title: panel.title,
      description: panel.description,
      datasource,
      gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      options: { legend: { displayMode: "list", placement: "bottom", showLegend: true } },
      targets: panel.queries.map((query, q) => ({
        refId: String.fromCharCode(65 + q),
        datasource,
        expr: query.expr,
        legendFormat: query.legend,
      })),
    })),
  };
}
