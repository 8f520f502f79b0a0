import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { startConductorServer } from "../../dev/conductor/index.js";
import { freePort } from "../../dev/free-port.js";
import { JOB, exportedSeries } from "../../dev/grafana/dashboard.js";
import { operations } from "../../src/operations/index.js";
import { taskDefinitions } from "../../src/worker/task-defs.js";
import { runCli, type WorkerProcess } from "../process/worker-process.js";
import {
  RULES_FILE,
  TARGET_LABELS,
  alertNames,
  dashboardExpressions,
  recordedNames,
  ruleExpressions,
  seriesIn,
} from "./metrics-used.js";
import { installed, skippedLoudly } from "./promtool.js";
import { startPrometheus, type PrometheusServer } from "./prometheus-server.js";

/**
 * A real Prometheus (Debian's package) scrapes a worker process every second while it runs
 * tasks against dev/conductor and the Common Room simulator: some complete, some fail, some
 * meet the rate limit, results meet a Conductor that refuses updates, webhooks arrive, and
 * the worker's drain is cut short. Through Prometheus' HTTP API: every series the rules and
 * the dashboard use exists with the worker's labels and moved, every dashboard query returns
 * series, every rule evaluates, and the drain cut short fires its alert. Loopback only,
 * about a minute.
 */

const haveServer = installed("prometheus");
if (!haveServer) skippedLoudly("the real-Prometheus test of the rules and the dashboard");

const TOKEN = "prometheus-test-token-5521";
const WEBHOOK_SECRET = "prometheus-test-webhook-secret-0f3a";
const PREFIX = "common_room_";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** Retries `check` every 250 ms: Prometheus sees a change one scrape or evaluation later. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The expression as Grafana would send it: the variables filled in. */
function asGrafanaSends(expr: string): string {
  return expr.replaceAll("$__rate_interval", "2m").replaceAll("$instance", ".*");
}

const used = () => {
  const names = new Set<string>();
  for (const { expr } of [...ruleExpressions(), ...dashboardExpressions()])
    for (const { name } of seriesIn(expr)) names.add(name);
  return [...names].sort();
};

describe.skipIf(!haveServer)("a real Prometheus scraping the worker", () => {
  let prometheus: PrometheusServer;
  let worker: WorkerProcess;
  let metricsUrl: string;
  let conductor: Awaited<ReturnType<typeof startConductorServer>>;
  let sim: ReturnType<typeof createCommonRoomSimulator>;
  let conductorUrl: string;
  let webhooksUrl: string;
  /** Prometheus' time of its first scrape of the worker, before any task ran. */
  let firstScrape: number;

  const workerMetric = async (pattern: RegExp) =>
    pattern.exec(await (await fetch(metricsUrl)).text());
  const startWorkflow = async (name: string, input: unknown = {}) => {
    const started = await post(`${conductorUrl}/api/workflow/${name}`, input);
    expect(started.status, started.text).toBe(200);
    return started.text;
  };

  beforeAll(async () => {
    conductor = await startConductorServer({ sweepIntervalMs: 50 });
    cleanups.push(() => conductor.close());
    conductorUrl = conductor.url;
    // Four requests a second for the token: twenty tasks at once meet the pacer.
    sim = createCommonRoomSimulator({
      tokens: [TOKEN],
      latencyMs: 20,
      rateLimit: { limit: 4, intervalMs: 1000 },
    });
    const simServer = await startCommonRoomServer(sim, { port: 0 });
    cleanups.push(() => simServer.close());

    const defs = taskDefinitions(operations, { prefix: PREFIX }).map((d) => ({
      ...d,
      retryCount: 0,
      retryDelaySeconds: 0,
    }));
    expect((await post(`${conductorUrl}/api/metadata/taskdefs`, defs)).status).toBe(200);
    const workflow = (name: string, task: string, inputParameters: Record<string, string>) => ({
      name,
      version: 1,
      timeoutSeconds: 0,
      tasks: [
        { name: `${PREFIX}${task}`, taskReferenceName: task, type: "SIMPLE", inputParameters },
      ],
    });
    for (const def of [
      workflow("obs_segments", "get_segments", {}),
      workflow("obs_get_tag", "get_tag", { tagId: "${workflow.input.tagId}" }),
    ]) {
      const registered = await post(`${conductorUrl}/api/metadata/workflow?overwrite=true`, def);
      expect(registered.status, registered.text).toBe(200);
    }

    const dir = mkdtempSync(join(tmpdir(), "commonroom-observe-"));
    const webhooksFile = join(dir, "webhooks.json");
    writeFileSync(
      webhooksFile,
      JSON.stringify([
        {
          name: "new-contacts",
          secretEnv: "OBS_WEBHOOK_SECRET",
          workflow: { name: "obs_segments" },
        },
        // Conductor refuses to start a workflow it does not know: conductor_refused.
        {
          name: "unregistered",
          secretEnv: "OBS_WEBHOOK_SECRET",
          workflow: { name: "obs_nowhere" },
        },
      ]),
    );
    const httpPort = await freePort();
    const webhookPort = await freePort();
    metricsUrl = `http://127.0.0.1:${httpPort}/metrics`;
    webhooksUrl = `http://127.0.0.1:${webhookPort}/webhooks/common-room`;

    prometheus = await startPrometheus({
      job: JOB,
      targets: [`127.0.0.1:${httpPort}`],
      ruleFiles: [RULES_FILE],
    });
    cleanups.push(() => prometheus.stop());

    worker = runCli(["start"], {
      CONDUCTOR_SERVER_URL: `${conductorUrl}/api`,
      COMMON_ROOM_API_URL: simServer.url,
      COMMON_ROOM_API_TOKEN: TOKEN,
      WORKER_HTTP_PORT: String(httpPort),
      WORKER_HTTP_HOST: "127.0.0.1",
      WEBHOOK_PORT: String(webhookPort),
      WEBHOOK_HOST: "127.0.0.1",
      COMMON_ROOM_WEBHOOKS_FILE: webhooksFile,
      OBS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SHUTDOWN_TIMEOUT_MS: "2000",
      CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "1000",
      LOG_LEVEL: "info",
    });
    cleanups.push(async () => {
      if (worker.child.exitCode === null) {
        worker.child.kill("SIGKILL");
        await worker.exited;
      }
    });
    await worker.waitForOutput('"msg":"polling Conductor"');
    firstScrape = await eventually("the first scrape of the worker", async () => {
      const [up] = await prometheus.query(`up{job="${JOB}"} == 1`);
      return up ? up.value[0] : undefined;
    });
  }, 60_000);

  it("sees every series the rules and the dashboard use, with the worker's labels, move", async () => {
    // Some tasks meet 429s (waited out), some a 5xx (retried), most the pacer's holds.
    sim.inject({ status: 429, waitMs: 400, times: 3, match: { path: "/segments" } });
    sim.inject({ status: 503, times: 2, match: { path: /^\/tags\// } });
    const segments = await Promise.all(
      Array.from({ length: 16 }, () => startWorkflow("obs_segments")),
    );
    // Failures: NOT_FOUND (terminal) and INVALID_INPUT (terminal, before any request).
    const failing = await Promise.all([
      startWorkflow("obs_get_tag", { tagId: "tag_does_not_exist" }),
      startWorkflow("obs_get_tag", { tagId: "tag_does_not_exist_either" }),
      startWorkflow("obs_get_tag", {}),
    ]);
    // Webhooks: started, refused for the secret, and refused by Conductor.
    const secret = { "x-commonroom-webhook-secret": WEBHOOK_SECRET };
    const envelope = (id: string) => ({ id, source: { type: "test" }, payload: {} });
    expect((await post(`${webhooksUrl}/new-contacts`, envelope("evt-1"), secret)).status).toBe(202);
    expect((await post(`${webhooksUrl}/new-contacts`, envelope("evt-2"), secret)).status).toBe(202);
    expect(
      (
        await post(`${webhooksUrl}/new-contacts`, envelope("evt-3"), {
          "x-commonroom-webhook-secret": "not-the-secret-at-all",
        })
      ).status,
    ).toBe(401);
    expect((await post(`${webhooksUrl}/unregistered`, envelope("evt-4"), secret)).status).toBe(502);
    for (const id of [...segments, ...failing]) {
      await conductor.waitForWorkflow(id, { timeoutMs: 30_000 });
    }

    // Conductor refuses result updates for a while: deliveries retry, and the backlog shows.
    conductor.setFault({ routes: "updates", status: 503 });
    await Promise.all([startWorkflow("obs_segments"), startWorkflow("obs_segments")]);
    await eventually("a result delivery retrying", () =>
      workerMetric(/commonroom_worker_result_deliveries_retrying\{[^}]*\} [1-9]/).then(
        (m) => m ?? undefined,
      ),
    );
    await eventually("Prometheus to see the delivery backlog", async () => {
      const [backlog] = await prometheus.query(
        "sum(commonroom_worker_result_deliveries_retrying) > 0",
      );
      return backlog;
    });
    // Refused for good (413, as a proxy would): that result is abandoned.
    conductor.setFault({ routes: "updates", status: 413 });
    await eventually("a result abandoned", () =>
      workerMetric(
        /commonroom_worker_result_delivery_abandoned_total\{[^}]*reason="rejected"[^}]*\} [1-9]/,
      ).then((m) => m ?? undefined),
    );
    // Polls fail for a moment: poll errors.
    conductor.setFault({ routes: "polls", status: 503 });
    await eventually("a poll error", () =>
      workerMetric(/commonroom_worker_poll_errors_total\{[^}]*\} [1-9]/).then(
        (m) => m ?? undefined,
      ),
    );
    conductor.setFault(null);
    await sleep(2500); // two scrapes and evaluations after the last change

    const exported = await exportedSeries();
    const moved: string[] = [];
    const problems: string[] = [];
    for (const name of used()) {
      if (name === "commonroom_worker_draining" || name === "commonroom_worker_drains_total")
        continue;
      const series = await prometheus.samples(`${name}{job="${JOB}"}[5m]`);
      if (series.length === 0) {
        problems.push(`${name}: no series in Prometheus`);
        continue;
      }
      const allowed = new Set([...exported.get(name)!.labels, ...TARGET_LABELS, "__name__"]);
      const seen = new Set(series.flatMap((s) => Object.keys(s.metric)));
      for (const label of seen)
        if (!allowed.has(label)) problems.push(`${name}: unexpected label ${label}`);
      // Prometheus drops a label whose value is empty (code="" on a completed task).
      for (const label of exported.get(name)!.labels)
        if (!seen.has(label)) problems.push(`${name}: no series carries the label ${label}`);
      const didMove = series.some(
        (s) => s.values[0]![0] > firstScrape + 0.5 || new Set(s.values.map(([, v]) => v)).size > 1,
      );
      if (didMove) moved.push(name);
      else problems.push(`${name}: did not move`);
    }
    expect(problems).toEqual([]);
    expect(moved.length).toBeGreaterThan(15);
  }, 90_000);

  it("answers every dashboard query with series", async () => {
    const empty: string[] = [];
    for (const { where, expr } of dashboardExpressions()) {
      const result = await prometheus.query(asGrafanaSends(expr));
      if (result.length === 0) empty.push(`${where}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });

  it("evaluates every rule without error, and every recording rule yields series", async () => {
    const { groups } = await prometheus.api<{
      groups: { rules: { name: string; health: string; lastError?: string; type: string }[] }[];
    }>("/api/v1/rules");
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toEqual([...recordedNames(), ...alertNames()].sort());
    expect(rules.filter((r) => r.health !== "ok")).toEqual([]);
    const recordedEmpty: string[] = [];
    for (const name of recordedNames()) {
      if ((await prometheus.query(name)).length === 0) recordedEmpty.push(name);
    }
    expect(recordedEmpty).toEqual([]);
  });

  it("sees a drain cut short, and fires its alert", async () => {
    // A task Common Room answers only after 6 s, and a 2 s SHUTDOWN_TIMEOUT_MS.
    sim.inject({ delayMs: 6000, match: { path: /^\/tags\// } });
    await startWorkflow("obs_get_tag", { tagId: "tag_slow" });
    await eventually("the slow task in flight", () =>
      workerMetric(/commonroom_worker_tasks_in_flight\{task_type="common_room_get_tag"\} 1/).then(
        (m) => m ?? undefined,
      ),
    );
    await sleep(1200); // one scrape with the task in flight
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(1);
    expect(worker.output.join("")).toMatch(/shutdown timeout: some tasks were not finished/);

    const [draining] = await prometheus.query(
      `max_over_time(commonroom_worker_draining{job="${JOB}"}[1m])`,
    );
    expect(draining?.value[1]).toBe("1");
    const [cut] = await prometheus.query(
      `increase(commonroom_worker_drains_total{job="${JOB}",outcome="cut_short"}[1m])`,
    );
    expect(Number(cut?.value[1])).toBeGreaterThan(0);
    const alert = await eventually("the DrainCutShort alert", async () => {
      const { alerts } = await prometheus.api<{
        alerts: { labels: Record<string, string>; state: string }[];
      }>("/api/v1/alerts");
      return alerts.find((a) => a.labels.alertname === "CommonRoomWorkerDrainCutShort");
    });
    expect(alert.state).toBe("firing");
  }, 60_000);
});
