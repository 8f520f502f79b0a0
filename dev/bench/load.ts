/** Offering load (bursts or a steady rate) and measuring the worker processes meanwhile. */
import type { Environment } from "./environment.js";
import { workflowNameOf } from "./environment.js";
import { cpuSeconds, memoryMb, type Child } from "./processes.js";
import { summarizeRun } from "./scenario.js";
import { sleep } from "./stats.js";
import { startMany, startWorkflow, waitAll } from "./workflows.js";

export const LOAD_TASK = "common_room_get_segments";

/** Samples the children's CPU and memory around a run. */
export class ProcessMeter {
  private readonly cpuStart: number[];
  private peakRss = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly children: readonly Child[]) {
    this.cpuStart = children.map((c) => cpuSeconds(c.pid));
    this.timer = setInterval(() => this.sample(), 200);
  }

  private sample(): void {
    for (const child of this.children) {
      try {
        this.peakRss = Math.max(this.peakRss, memoryMb(child.pid).rssMb);
      } catch {
        // exited
      }
    }
  }

  /** CPU seconds used since construction (all children together) and peak RSS of any one. */
  finish(): { cpuSeconds: number; peakRssMb: number; vmHwmMb: number } {
    clearInterval(this.timer);
    this.sample();
    const cpu = this.children.reduce(
      (sum, c, i) => sum + cpuSeconds(c.pid) - (this.cpuStart[i] ?? 0),
      0,
    );
    const vmHwmMb = Math.max(...this.children.map((c) => memoryMb(c.pid).peakMb));
    return { cpuSeconds: cpu, peakRssMb: this.peakRss, vmHwmMb };
  }
}

/** Starts `count` one-task workflows as fast as the server takes them and waits for all. */
export async function burst(
  environment: Environment,
  children: readonly Child[],
  count: number,
  timeoutMs: number,
) {
  const meter = new ProcessMeter(children);
  const startedAt = Date.now();
  const ids = await startMany(environment.conductor.url, workflowNameOf(LOAD_TASK), count);
  const workflows = await waitAll(environment.conductor, ids, timeoutMs);
  const usage = meter.finish();
  return { ...summarizeRun(workflows, startedAt), ...usage };
}

/** Offers `perSecond` workflows a second for `durationMs`, then waits for all of them. */
export async function steady(
  environment: Environment,
  children: readonly Child[],
  perSecond: number,
  durationMs: number,
  timeoutMs: number,
) {
  const meter = new ProcessMeter(children);
  const url = environment.conductor.url;
  const name = workflowNameOf(LOAD_TASK);
  const startedAt = Date.now();
  const total = Math.round((perSecond * durationMs) / 1000);
  const ids: string[] = [];
  while (ids.length < total) {
    const due = Math.min(total, Math.floor(((Date.now() - startedAt) * perSecond) / 1000) + 1);
    const batch: Promise<string>[] = [];
    for (let i = ids.length; i < due; i++) batch.push(startWorkflow(url, name));
    ids.push(...(await Promise.all(batch)));
    await sleep(50);
  }
  const offeredSeconds = (Date.now() - startedAt) / 1000;
  const workflows = await waitAll(environment.conductor, ids, timeoutMs);
  const usage = meter.finish();
  const since = environment.sim.requests.filter((r) => r.at >= startedAt);
  return {
    ...summarizeRun(workflows, startedAt),
    ...usage,
    offeredPerSecond: total / offeredSeconds,
    tooManyRequests: since.filter((r) => r.status === 429).length,
    commonRoomCalls: since.length,
    /** Most tasks Conductor handed out (first poll) within any one second (sliding). */
    maxHandOutsPerSecond: maxInWindow(
      workflows
        .flatMap((w) => w?.tasks ?? [])
        .filter((t) => t.startTime > 0)
        .map((t) => t.startTime),
      1000,
    ),
    /** Most Common Room requests answered 2xx within any one second (sliding). */
    maxAcceptedPerSecond: maxInWindow(
      since.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.at),
      1000,
    ),
  };
}

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
