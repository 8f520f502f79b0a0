/**
 * The soak: N tasks (default 100,000; `--tasks`) of a mix of every operation through one
 * worker process, a window of workflows kept in flight, the worker's RSS (from /proc) and
 * V8 heap (from its /metrics) sampled every few seconds. Reports the trend after warm-up as
 * MB per 10,000 tasks, the peak RSS, lost and failed tasks, and whether every result was
 * delivered once (the worker's own count of results equals Conductor's count of finished
 * tasks, with no delivery retried or given up).
 */
import { join } from "node:path";
import { freePort } from "../../free-port.js";
import { CLI, startEnvironment } from "../environment.js";
import { memoryMb, startNode, stop, waitFor } from "../processes.js";
import { FAILED_TASK, fmt, type Context, type FigureResult } from "../scenario.js";
import { soakWorkflows, SOAK_OPERATIONS, type SoakWorkflow } from "../soak-workflows.js";
import { sleep } from "../stats.js";
import { startWorkflow } from "../workflows.js";
import { operations } from "../../../src/operations/index.js";

export const DEFAULT_SOAK_TASKS = 100_000;
const LATENCY_MS = 20;
/** Workflows kept in flight: about the worker's slots for the busiest few task types. */
const WINDOW = 150;
const SAMPLE_MS = 3000;
/** The first part of the run, while caches, pools and the JIT settle, is left out of the trend. */
const WARM_UP_SHARE = 0.2;
const RSS_TARGET_MB = 150;
/** Flat: under 2 MB per 10,000 tasks after warm-up. */
const SLOPE_TARGET_MB = 2;

interface Sample {
  seconds: number;
  tasks: number;
  rssMb: number;
  heapMb: number;
}

/** The worker's own figures from its /metrics (Prometheus text). */
async function workerMetrics(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return {
    heapMb: sum("nodejs_heap_size_used_bytes") / 1024 / 1024,
    results: sum("commonroom_worker_tasks_total"),
    deliveryRetries: sum("commonroom_worker_result_delivery_retries_total"),
    deliveryAbandoned: sum("commonroom_worker_result_delivery_abandoned_total"),
  };
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  if (points.length < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

export async function soakScenario(ctx: Context): Promise<FigureResult> {
  const target = ctx.tasks ?? (ctx.quick ? 2000 : DEFAULT_SOAK_TASKS);
  const mix = soakWorkflows();
  const covered = new Set(SOAK_OPERATIONS);
  const missing = operations.filter((op) => !covered.has(op.task)).map((op) => op.task);
  if (missing.length > 0) throw new Error(`the soak mix leaves out: ${missing.join(", ")}`);

  const environment = await startEnvironment({ logDir: ctx.logDir, latencyMs: LATENCY_MS });
  try {
    for (const workflow of mix) {
      const response = await fetch(
        `${environment.conductor.url}/api/metadata/workflow?overwrite=true`,
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(workflow.def),
        },
      );
      if (!response.ok && response.status !== 409)
        throw new Error(
          `registering ${workflow.name}: ${response.status} ${await response.text()}`,
        );
    }
    const port = await freePort();
    const worker = startNode(
      "soak-worker",
      CLI,
      ["start"],
      { ...environment.env, WORKER_HTTP_PORT: String(port) },
      join(ctx.logDir, "soak-worker.log"),
    );
    await waitFor(worker, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok);
    const began = Date.now();
    const samples: Sample[] = [];
    let finishedTasks = 0;
    const sample = async () => {
      try {
        const { rssMb } = memoryMb(worker.pid);
        const { heapMb } = await workerMetrics(port);
        samples.push({ seconds: (Date.now() - began) / 1000, tasks: finishedTasks, rssMb, heapMb });
      } catch {
        // the worker is gone: the run reports it
      }
    };
    await sample();
    const sampler = setInterval(() => void sample(), SAMPLE_MS);
    let lastProgress = 0;

    const outstanding = new Map<string, SoakWorkflow>();
    let started = 0;
    let startedTasks = 0;
    let completedTasks = 0;
    let failedTasks = 0;
    let handBacks = 0;
    /** Results a task sent before its last: each hand-back (IN_PROGRESS) is one, then polled again. */
    let earlierResults = 0;
    const failures = new Map<string, number>();
    // No workflow may take longer than this past the last start (else its tasks are lost).
    const stallMs = 120_000;
    let lastFinish = Date.now();
    try {
      while (startedTasks < target || outstanding.size > 0) {
        const starts: Promise<void>[] = [];
        while (outstanding.size + starts.length < WINDOW && startedTasks < target) {
          const workflow = mix[started % mix.length]!;
          const n = Math.floor(started / mix.length);
          started++;
          startedTasks += workflow.tasks;
          starts.push(
            startWorkflow(environment.conductor.url, workflow.name, workflow.input(n)).then(
              (id) => {
                outstanding.set(id, workflow);
              },
            ),
          );
        }
        await Promise.all(starts);
        const look = [...outstanding.keys()].slice(0, 40);
        const views = await Promise.all(look.map((id) => environment.conductor.getWorkflow(id)));
        let progressed = false;
        views.forEach((view, i) => {
          if (!view || view.status === "RUNNING" || view.status === "PAUSED") return;
          const id = look[i]!;
          const workflow = outstanding.get(id)!;
          outstanding.delete(id);
          progressed = true;
          finishedTasks += workflow.tasks;
          for (const task of view.tasks) {
            if (task.status === "COMPLETED") completedTasks++;
            else if (FAILED_TASK.has(task.status)) {
              failedTasks++;
              const key = `${task.taskType} ${task.status}: ${(task.reasonForIncompletion ?? "").slice(0, 80)}`;
              failures.set(key, (failures.get(key) ?? 0) + 1);
            }
            if (task.pollCount > 1) handBacks++;
            earlierResults += Math.max(0, task.pollCount - 1);
          }
        });
        if (progressed) lastFinish = Date.now();
        else if (Date.now() - lastFinish > stallMs) break;
        else await sleep(20);
        if (finishedTasks - lastProgress >= Math.max(1000, target / 20)) {
          lastProgress = finishedTasks;
          const last = samples.at(-1);
          ctx.progress(
            `soak: ${finishedTasks} / ${target} tasks, RSS ${fmt(last?.rssMb ?? NaN, 0)} MB, heap ${fmt(last?.heapMb ?? NaN, 0)} MB`,
          );
        }
      }
    } finally {
      clearInterval(sampler);
    }
    await sample();
    const seconds = (Date.now() - began) / 1000;
    const metrics = await workerMetrics(port);
    const { peakMb } = memoryMb(worker.pid);
    await stop(worker);

    let lostTasks = 0;
    for (const workflow of outstanding.values()) lostTasks += workflow.tasks;
    const warm = samples.filter((s) => s.tasks >= target * WARM_UP_SHARE);
    const rssSlope = slope(warm.map((s) => ({ x: s.tasks, y: s.rssMb }))) * 10_000;
    const heapSlope = slope(warm.map((s) => ({ x: s.tasks, y: s.heapMb }))) * 10_000;
    // Heap used is a saw (garbage piles up between major collections); its lowest point in
    // each stretch of 10 samples is what survived a collection, the figure a leak moves.
    const floors: { x: number; y: number }[] = [];
    for (let i = 0; i + 10 <= warm.length; i += 10) {
      const stretch = warm.slice(i, i + 10);
      const lowest = stretch.reduce((a, b) => (b.heapMb < a.heapMb ? b : a));
      floors.push({ x: lowest.tasks, y: lowest.heapMb });
    }
    const floorSlope = slope(floors) * 10_000;
    const peakRss = Math.max(peakMb, ...samples.map((s) => s.rssMb));
    const peakHeap = Math.max(...samples.map((s) => s.heapMb));
    const finished = completedTasks + failedTasks;
    const deliveredOnce =
      metrics.results === finished + earlierResults &&
      metrics.deliveryRetries === 0 &&
      metrics.deliveryAbandoned === 0;
    const trend = samples
      .filter((_, i) => i % Math.max(1, Math.floor(samples.length / 8)) === 0)
      .map((s) => `${s.tasks}: ${fmt(s.rssMb, 0)}/${fmt(s.heapMb, 0)}`)
      .join(", ");

    return {
      id: "soak",
      title: `Soak: ${target} tasks, a mix of all ${operations.length} operations, Common Room latency ${LATENCY_MS} ms, ${WINDOW} workflows in flight`,
      rows: [
        {
          metric: "tasks completed / failed / lost",
          ours: `${completedTasks} / ${failedTasks} / ${lostTasks}`,
        },
        { metric: "tasks/s", ours: fmt(finished / seconds, 1) },
        { metric: "handed back or polled again", ours: String(handBacks) },
        {
          metric: "results the worker sent / delivery retries / abandoned",
          ours: `${metrics.results} / ${metrics.deliveryRetries} / ${metrics.deliveryAbandoned}`,
        },
        {
          metric: "peak RSS MB (sampled / VmHWM)",
          ours: `${fmt(Math.max(...samples.map((s) => s.rssMb)), 0)} / ${fmt(peakMb, 0)}`,
        },
        { metric: "peak V8 heap used MB", ours: fmt(peakHeap, 0) },
        { metric: "RSS trend after warm-up, MB per 10,000 tasks", ours: fmt(rssSlope, 2) },
        { metric: "heap trend after warm-up, MB per 10,000 tasks", ours: fmt(heapSlope, 2) },
        {
          metric: "heap floor (lowest of each 10 samples) trend, MB per 10,000 tasks",
          ours: `${fmt(floorSlope, 2)} (${floors.map((f) => fmt(f.y, 0)).join(", ")})`,
        },
        { metric: "samples (every 3 s)", ours: String(samples.length) },
      ],
      targets: [
        {
          name: "no task lost or failed",
          met: lostTasks === 0 && failedTasks === 0 && completedTasks === startedTasks,
          detail:
            `${completedTasks} of ${startedTasks} completed` +
            (failures.size > 0
              ? `; failures: ${[...failures].map(([k, v]) => `${v}× ${k}`).join("; ")}`
              : ""),
        },
        {
          name: "every result delivered once",
          met: deliveredOnce,
          detail: `${metrics.results} results sent for ${finished} finished tasks and ${earlierResults} hand-backs, ${metrics.deliveryRetries} retried, ${metrics.deliveryAbandoned} abandoned`,
        },
        {
          name: `peak RSS ≤ ${RSS_TARGET_MB} MB`,
          met: peakRss <= RSS_TARGET_MB,
          detail:
            `${fmt(peakRss, 0)} MB` +
            (peakRss > RSS_TARGET_MB ? `, ${fmt(peakRss - RSS_TARGET_MB, 0)} MB over` : ""),
        },
        {
          name: `RSS flat after warm-up (< ${SLOPE_TARGET_MB} MB per 10,000 tasks)`,
          met: Math.abs(rssSlope) < SLOPE_TARGET_MB,
          detail: `${fmt(rssSlope, 2)} MB per 10,000 tasks over ${warm.length} samples`,
        },
      ],
      notes: [
        `RSS (/proc/<pid>/status VmRSS) and V8 heap used (the worker's own nodejs_heap_size_used_bytes) sampled every ${SAMPLE_MS / 1000} s; the trend is the least-squares slope over the samples after the first ${WARM_UP_SHARE * 100}% of tasks.`,
        `Tasks: RSS/heap MB along the run: ${trend}.`,
        "The mix: one workflow per operation, round robin (Create Tag and Delete Tag as one two-task workflow); users and activities upsert 200 ids over and over; Create Segment makes a new segment each time, so Get Segments' answer grows by one segment every 20 workflows.",
        "Every result delivered once: the worker's commonroom_worker_tasks_total (results it produced and sent) equals the tasks Conductor finished plus the hand-backs (a task handed back IN_PROGRESS sends one result more, then is polled again), and no update was retried or given up.",
      ],
    };
  } finally {
    await environment.close();
  }
}
