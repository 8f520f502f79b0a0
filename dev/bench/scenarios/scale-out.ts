/**
 * Figure 6: 1, 2 and 4 worker processes of ours against one server (throughput each), then
 * the replicas under one shared limit: COMMON_ROOM_RATE_LIMIT_PER_SECOND=L registered on the
 * task definitions, Conductor enforcing it at poll time, Common Room limiting at L too.
 */
import { startContestant } from "../contestants.js";
import { startEnvironment } from "../environment.js";
import { burst, steady } from "../load.js";
import { stop, type Child } from "../processes.js";
import { fmt, type Context, type FigureResult, type Row } from "../scenario.js";
import { sleep } from "../stats.js";
import { LIMIT_PER_SECOND } from "./rate-limit.js";
import { LATENCY_MS } from "./throughput.js";

const POSTPONE_MS = 200;
const TARGET_SHARE = 0.9;

async function withReplicas<T>(
  n: number,
  env: NodeJS.ProcessEnv,
  ctx: Context,
  tag: string,
  body: (children: Child[]) => Promise<T>,
): Promise<T> {
  const children: Child[] = [];
  try {
    for (let i = 0; i < n; i++) {
      children.push(await startContestant("ours", env, ctx.logDir, `${tag}-${i + 1}`));
    }
    await sleep(1000);
    return await body(children);
  } finally {
    await Promise.all(children.map((c) => stop(c)));
  }
}

export async function scaleOutScenario(ctx: Context): Promise<FigureResult> {
  const count = ctx.quick ? 150 : 1000;
  const rows: Row[] = [];
  let single = 0;
  for (const n of [1, 2, 4]) {
    ctx.progress(`scale-out: ${n} worker process(es) of ours, ${count} tasks`);
    const environment = await startEnvironment({ logDir: ctx.logDir, latencyMs: LATENCY_MS });
    try {
      const run = await withReplicas(n, environment.env, ctx, `scale-${n}`, (children) =>
        burst(environment, children, count, ctx.quick ? 60_000 : 120_000),
      );
      if (n === 1) single = run.perSecond;
      rows.push({
        metric: `${n} process${n > 1 ? "es" : ""}: tasks/s (completed/failed)`,
        ours: `${fmt(run.perSecond, 1)} (${run.completed}/${run.failedTasks})`,
        ratio: `${fmt(run.perSecond / single, 2)}× of 1`,
      });
    } finally {
      await environment.close();
    }
  }

  const L = LIMIT_PER_SECOND;
  const replicas = ctx.quick ? 2 : 4;
  const durationMs = ctx.quick ? 5_000 : 15_000;
  ctx.progress(
    `scale-out: ${replicas} processes sharing a registered limit of ${L}/s, ${2 * L}/s offered`,
  );
  const environment = await startEnvironment({
    logDir: ctx.logDir,
    latencyMs: LATENCY_MS,
    commonRoomRateLimit: { limit: L, intervalMs: 1000 },
    conductorRateLimitPerSecond: L,
    rateLimitPostponeMs: POSTPONE_MS,
  });
  let limited: Awaited<ReturnType<typeof steady>>;
  try {
    limited = await withReplicas(replicas, environment.env, ctx, `scale-limited`, (children) =>
      steady(environment, children, 2 * L, durationMs, durationMs * 3 + 30_000),
    );
  } finally {
    await environment.close();
  }
  const share = limited.perSecond / L;
  rows.push(
    {
      metric: `${replicas} processes, limit ${L}/s: offered / completed`,
      ours: `${limited.total} / ${limited.completed}`,
    },
    {
      metric: `${replicas} processes, limit ${L}/s: completed tasks/s`,
      ours: fmt(limited.perSecond, 1),
      ratio: `${fmt(share * 100, 0)}% of L`,
    },
    {
      metric: `${replicas} processes, limit ${L}/s: 429s / failed tasks`,
      ours: `${limited.tooManyRequests} / ${limited.failedTasks}`,
    },
    {
      metric: `${replicas} processes, limit ${L}/s: max hand-outs / Common Room 2xx in any sliding 1 s`,
      ours: `${limited.maxHandOutsPerSecond} / ${limited.maxAcceptedPerSecond}`,
    },
  );
  const within = limited.tooManyRequests === 0;
  return {
    id: "scale-out",
    title: `6. Scale-out: worker processes of ours against one server (${count} tasks, latency ${LATENCY_MS} ms)`,
    rows,
    targets: [
      {
        name: `${replicas} replicas with the registered limit stay within L (no 429) at ≥ ${TARGET_SHARE * 100}% of L`,
        met: within && share >= TARGET_SHARE && limited.failedTasks === 0,
        detail:
          `${fmt(limited.perSecond, 1)}/s = ${fmt(share * 100, 0)}% of ${L}/s, ${limited.tooManyRequests} 429s, ${limited.failedTasks} failed` +
          (within ? "" : " (see the note below on why)"),
      },
    ],
    notes: [
      ...(within
        ? []
        : [
            `Why 429s despite the registered limit: Conductor handed out at most ${limited.maxHandOutsPerSecond} tasks in any sliding second, yet Common Room answered up to ${limited.maxAcceptedPerSecond} requests 2xx in one (and ${limited.tooManyRequests} with 429). A task reaches Common Room a variable time after Conductor hands it out (the poll's answer, the chained next task of update-v2, scheduling on shared cores), so one fixed Common Room window can hold hand-outs from a little more than a second; each retry after a 429 also counts against Common Room's window. The worker waits the 429s out, so no task fails and the completed rate still reaches L.`,
          ]),
      `The Conductor-compatible server was started with rateLimitPostponeMs = ${POSTPONE_MS}: a task over rateLimitPerFrequency comes back after ${POSTPONE_MS} ms. The real server postpones it 60 s, so on a real cluster the same setup completes far fewer tasks per second than here while Conductor is throttling.`,
      "All processes share the machine's cores with the benchmark process (Conductor server + simulator), so throughput stops scaling once the cores are busy.",
    ],
  };
}
