/**
 * Figures 3 and 4: N one-task workflows started as fast as the server takes them, Common Room
 * latency 50 ms; tasks/s and the worker's CPU seconds per task, ours vs baseline (b); and our
 * peak RSS under that load.
 */
import { startContestant, type ContestantKind } from "../contestants.js";
import { startEnvironment } from "../environment.js";
import { burst } from "../load.js";
import { stop } from "../processes.js";
import { fmt, type Context, type FigureResult } from "../scenario.js";
import { sleep } from "../stats.js";

export const LATENCY_MS = 50;
const CPU_RATIO_TARGET = 1.2;
const RSS_TARGET_MB = 150;

async function measure(kind: ContestantKind, ctx: Context, count: number) {
  const environment = await startEnvironment({ logDir: ctx.logDir, latencyMs: LATENCY_MS });
  try {
    const child = await startContestant(kind, environment.env, ctx.logDir, `throughput-${kind}`);
    try {
      await sleep(1000);
      return await burst(environment, [child], count, ctx.quick ? 60_000 : 120_000);
    } finally {
      await stop(child);
    }
  } finally {
    await environment.close();
  }
}

export async function throughputScenario(ctx: Context): Promise<FigureResult> {
  const count = ctx.quick ? 300 : 2000;
  ctx.progress(`throughput: baseline (b), ${count} tasks at ${LATENCY_MS} ms Common Room latency`);
  const base = await measure("sdk-fetch", ctx, count);
  ctx.progress(`throughput: ours, ${count} tasks at ${LATENCY_MS} ms Common Room latency`);
  const ours = await measure("ours", ctx, count);
  const ourCpu = (ours.cpuSeconds / Math.max(1, ours.completed)) * 1000;
  const baseCpu = (base.cpuSeconds / Math.max(1, base.completed)) * 1000;
  const cpuRatio = ourCpu / baseCpu;
  const peak = Math.max(ours.peakRssMb, ours.vmHwmMb);
  return {
    id: "throughput",
    title: `3–4. Throughput of ${count} get_segments tasks, Common Room latency ${LATENCY_MS} ms, 10 slots per type`,
    baselineLabel: "baseline (b)",
    rows: [
      {
        metric: "completed / failed tasks",
        ours: `${ours.completed} / ${ours.failedTasks}`,
        baseline: `${base.completed} / ${base.failedTasks}`,
      },
      {
        metric: "tasks/s",
        ours: fmt(ours.perSecond, 1),
        baseline: fmt(base.perSecond, 1),
        ratio: fmt(ours.perSecond / base.perSecond, 2),
      },
      {
        metric: "worker CPU ms per task",
        ours: fmt(ourCpu, 2),
        baseline: fmt(baseCpu, 2),
        ratio: fmt(cpuRatio, 2),
      },
      {
        metric: "peak RSS MB (sampled / VmHWM)",
        ours: `${fmt(ours.peakRssMb, 0)} / ${fmt(ours.vmHwmMb, 0)}`,
        baseline: `${fmt(base.peakRssMb, 0)} / ${fmt(base.vmHwmMb, 0)}`,
        ratio: fmt(peak / Math.max(base.peakRssMb, base.vmHwmMb), 2),
      },
    ],
    targets: [
      {
        name: `CPU per task ≤ ${CPU_RATIO_TARGET}× baseline (b)`,
        met: cpuRatio <= CPU_RATIO_TARGET && ours.completed === count,
        detail:
          `${fmt(ourCpu, 2)} vs ${fmt(baseCpu, 2)} ms = ${fmt(cpuRatio, 2)}×` +
          (cpuRatio > CPU_RATIO_TARGET
            ? `, ${fmt((cpuRatio / CPU_RATIO_TARGET - 1) * 100, 0)}% over the target (ours validates input and output with zod, classifies errors, logs and keeps Prometheus metrics per task)`
            : "") +
          (ours.completed < count ? `; only ${ours.completed} of ${count} completed` : ""),
      },
      {
        name: `peak RSS ≤ ${RSS_TARGET_MB} MB`,
        met: peak <= RSS_TARGET_MB,
        detail:
          `${fmt(peak, 0)} MB` +
          (peak > RSS_TARGET_MB ? `, ${fmt(peak - RSS_TARGET_MB, 0)} MB over` : ""),
      },
    ],
    notes: [
      "tasks/s = completed tasks / (first workflow start → last workflow end); the workflows are started 8 POSTs at a time by the benchmark process, which also hosts the Conductor server and the simulator, all on the same cores.",
      "CPU = utime+stime of the worker process (from /proc/<pid>/stat) between just before the first start and just after the last completion, divided by completed tasks.",
    ],
  };
}
