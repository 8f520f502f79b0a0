/**
 * The cost of pacing when the limit is far out of sight: one worker of ours with pacing on
 * (its default) and switched off (COMMON_ROOM_PACING=off), a burst of get_segments tasks
 * each, alternated a few times; medians of tasks/s and CPU per task.
 */
import { startContestant } from "../contestants.js";
import { startEnvironment } from "../environment.js";
import { burst } from "../load.js";
import { stop } from "../processes.js";
import type { Context } from "../scenario.js";
import { median, sleep } from "../stats.js";
import { LATENCY_MS } from "./throughput.js";

export interface GenerousResult {
  on: { perSecond: number; cpuMs: number };
  off: { perSecond: number; cpuMs: number };
  count: number;
  rounds: number;
}

export async function generousCheck(ctx: Context): Promise<GenerousResult> {
  const count = ctx.quick ? 200 : 600;
  const rounds = ctx.quick ? 1 : 3;
  const samples: Record<"on" | "off", { perSecond: number; cpuMs: number }[]> = { on: [], off: [] };
  for (let round = 0; round < rounds; round++) {
    for (const pacing of ["on", "off"] as const) {
      ctx.progress(`pacing: generous limit, pacer ${pacing}, ${count} tasks (round ${round + 1})`);
      const environment = await startEnvironment({
        logDir: ctx.logDir,
        latencyMs: LATENCY_MS,
        commonRoomRateLimit: { limit: 1_000_000, intervalMs: 1000 },
      });
      try {
        const env = { ...environment.env, COMMON_ROOM_PACING: pacing };
        const child = await startContestant("ours", env, ctx.logDir, `pacing-generous-${pacing}`);
        try {
          await sleep(1000);
          const run = await burst(environment, [child], count, 120_000);
          samples[pacing].push({
            perSecond: run.perSecond,
            cpuMs: (run.cpuSeconds / Math.max(1, run.completed)) * 1000,
          });
        } finally {
          await stop(child);
        }
      } finally {
        await environment.close();
      }
    }
  }
  const of = (pacing: "on" | "off") => ({
    perSecond: median(samples[pacing].map((s) => s.perSecond)),
    cpuMs: median(samples[pacing].map((s) => s.cpuMs)),
  });
  return { on: of("on"), off: of("off"), count, rounds };
}
