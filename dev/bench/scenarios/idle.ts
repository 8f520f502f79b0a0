/** Figure 1: poll requests per minute with nothing queued, ours vs baseline (a). */
import { startContestant, type ContestantKind } from "../contestants.js";
import { startEnvironment, TASK_TYPES } from "../environment.js";
import { stop } from "../processes.js";
import { fmt, type Context, type FigureResult } from "../scenario.js";
import { sleep } from "../stats.js";

const SETTLE_MS = 2000;
/** Conductor holds a poll at most 5 s. */
const LONGEST_POLL_MS = 5500;

async function idleRequestsPerMinute(kind: ContestantKind, ctx: Context, windowMs: number) {
  const environment = await startEnvironment({ logDir: ctx.logDir });
  try {
    const child = await startContestant(kind, environment.env, ctx.logDir, `idle-${kind}`);
    try {
      await sleep(SETTLE_MS);
      const from = Date.now();
      await sleep(windowMs);
      const to = Date.now();
      // A request is logged when answered: let the long polls that began in the window end.
      await sleep(LONGEST_POLL_MS);
      const inWindow = environment.conductor.requests.filter((r) => r.at >= from && r.at < to);
      const polls = inWindow.filter((r) => r.path.startsWith("/api/tasks/poll")).length;
      return {
        perMinute: (inWindow.length * 60_000) / (to - from),
        pollsPerMinute: (polls * 60_000) / (to - from),
      };
    } finally {
      await stop(child);
    }
  } finally {
    await environment.close();
  }
}

export async function idleScenario(ctx: Context): Promise<FigureResult> {
  const windowMs = ctx.quick ? 15_000 : 20_000;
  ctx.progress(`idle polling: ours and baseline (a) side by side, ${windowMs / 1000} s window`);
  // Separate servers, so they can run at the same time without mixing counts.
  const [ours, noop] = await Promise.all([
    idleRequestsPerMinute("ours", ctx, windowMs),
    idleRequestsPerMinute("sdk-noop", ctx, windowMs),
  ]);
  const ratio = ours.perMinute / noop.perMinute;
  return {
    id: "idle",
    title: `1. Idle requests to Conductor per minute (nothing queued, ${TASK_TYPES.length} task types)`,
    baselineLabel: "baseline (a)",
    rows: [
      {
        metric: "requests/min (extrapolated)",
        ours: fmt(ours.perMinute, 0),
        baseline: fmt(noop.perMinute, 0),
        ratio: `1/${fmt(1 / ratio, 1)}`,
      },
      {
        metric: "of which polls/min",
        ours: fmt(ours.pollsPerMinute, 0),
        baseline: fmt(noop.pollsPerMinute, 0),
      },
    ],
    targets: [
      {
        name: "idle requests ≤ 1/20 of baseline (a)",
        met: ratio <= 1 / 20,
        detail: `ours ${fmt(ours.perMinute, 0)}/min vs ${fmt(noop.perMinute, 0)}/min = 1/${fmt(1 / ratio, 1)}`,
      },
    ],
    notes: [
      `Counted from the Conductor server's request log by arrival time over ${windowMs / 1000} s (counted once the long polls begun in the window were answered) after a ${SETTLE_MS / 1000} s settle, ×${fmt(60_000 / windowMs, 2)} to a minute.`,
    ],
  };
}
