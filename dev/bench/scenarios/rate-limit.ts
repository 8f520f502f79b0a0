/**
 * Figure 5: Common Room limits to L requests/s (real 429s past it) while 2L tasks/s are
 * offered; one worker of ours. Achieved completed rate / L, 429s seen, failed tasks.
 */
import { startContestant } from "../contestants.js";
import { startEnvironment } from "../environment.js";
import { steady } from "../load.js";
import { stop } from "../processes.js";
import { fmt, type Context, type FigureResult } from "../scenario.js";
import { sleep } from "../stats.js";
import { LATENCY_MS } from "./throughput.js";

export const LIMIT_PER_SECOND = 20;
const TARGET_SHARE = 0.9;

export async function rateLimitScenario(ctx: Context): Promise<FigureResult> {
  const L = LIMIT_PER_SECOND;
  const durationMs = ctx.quick ? 5_000 : 15_000;
  ctx.progress(
    `rate limit: Common Room allows ${L}/s, offering ${2 * L}/s for ${durationMs / 1000} s to ours`,
  );
  const environment = await startEnvironment({
    logDir: ctx.logDir,
    latencyMs: LATENCY_MS,
    commonRoomRateLimit: { limit: L, intervalMs: 1000 },
  });
  let run: Awaited<ReturnType<typeof steady>>;
  try {
    const child = await startContestant("ours", environment.env, ctx.logDir, "rate-limit-ours");
    try {
      await sleep(1000);
      run = await steady(environment, [child], 2 * L, durationMs, durationMs * 3 + 30_000);
    } finally {
      await stop(child);
    }
  } finally {
    await environment.close();
  }
  const share = run.perSecond / L;
  const ok = share >= TARGET_SHARE && run.failedTasks === 0 && run.completed === run.total;
  return {
    id: "rate-limit",
    title: `5. Common Room rate limit L = ${L}/s, ${2 * L} tasks/s offered for ${durationMs / 1000} s (ours, one process)`,
    rows: [
      { metric: "tasks offered / completed", ours: `${run.total} / ${run.completed}` },
      { metric: "offered tasks/s", ours: fmt(run.offeredPerSecond, 1) },
      {
        metric: "completed tasks/s",
        ours: fmt(run.perSecond, 1),
        ratio: `${fmt(share * 100, 0)}% of L`,
      },
      {
        metric: "Common Room requests / 429s",
        ours: `${run.commonRoomCalls} / ${run.tooManyRequests}`,
      },
      { metric: "max 2xx in any sliding 1 s", ours: String(run.maxAcceptedPerSecond) },
      { metric: "failed tasks / hand-backs", ours: `${run.failedTasks} / ${run.handBacks}` },
      { metric: "unfinished at timeout", ours: String(run.unfinished) },
    ],
    targets: [
      {
        name: `≥ ${TARGET_SHARE * 100}% of L completed per second, no failed task`,
        met: ok,
        detail:
          `${fmt(run.perSecond, 1)}/s = ${fmt(share * 100, 0)}% of ${L}/s, ${run.failedTasks} failed` +
          (share < TARGET_SHARE ? `; ${fmt((TARGET_SHARE - share) * 100, 0)} points short` : "") +
          (run.completed < run.total ? `; ${run.total - run.completed} not completed` : ""),
      },
    ],
    notes: [
      "The simulator's limit is a fixed 1 s window per token, aligned to the clock; a 429 carries rateLimit.waitMs, X-RateLimit-Reset and Retry-After.",
      "completed tasks/s = completed / (first offer → last completion): the backlog offered above L drains after the offer ends, so a worker that keeps Common Room saturated scores ≈ L.",
      "The sliding 1 s maximum can reach 2L legitimately with a fixed-window limiter (the end of one window and the start of the next).",
    ],
  };
}
