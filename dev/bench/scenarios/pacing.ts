/**
 * Figure 7: pacing per API token. Common Room limits the token to L requests per fixed
 * one-second window (real 429s past it); 2L tasks/s are offered for 30 s, a mix of single
 * writes, bulk tasks of 50 users and fetchAll lists, to 1, 2 and 4 replicas of: our worker
 * with its pacer, our worker with the pacer switched off (COMMON_ROOM_PACING=off), and the
 * hand-written SDK baseline. Then the pacer's cost with a limit far out of sight: tasks/s and
 * CPU per task with the pacer on and off, alternated three times.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Workflow } from "../../conductor/index.js";
import { startContestant } from "../contestants.js";
import { startEnvironment, type Environment } from "../environment.js";
import { burst } from "../load.js";
import { startNode, stop, waitFor, type Child } from "../processes.js";
import { FAILED_TASK, fmt, type Context, type FigureResult, type Row } from "../scenario.js";
import { median, sleep } from "../stats.js";
import { startWorkflow, waitAll } from "../workflows.js";
import { LATENCY_MS } from "./throughput.js";

const L = 20;
const BULK_ITEMS = 50;
const LIST_PAGE = 25;
const here = fileURLToPath(new URL("..", import.meta.url));

type Contestant = "pacer" | "pacer-off" | "sdk";
const CONTESTANTS: Contestant[] = ["pacer", "pacer-off", "sdk"];
const TARGETS: Record<number, { share: number; limited: number }> = {
  1: { share: 0.95, limited: 0.005 },
  2: { share: 0.95, limited: 0.01 },
  4: { share: 0.9, limited: 0.02 },
};

/** The three one-task workflows of the mix, each mapping its input the way authors do. */
const WORKFLOWS = [
  {
    name: "pacing_single_write",
    task: "common_room_add_or_edit_user",
    inputParameters: { user: "${workflow.input.user}" },
  },
  {
    name: "pacing_bulk_users",
    task: "common_room_bulk_add_or_edit_users",
    inputParameters: { users: "${workflow.input.users}" },
  },
  {
    name: "pacing_fetch_all",
    task: "common_room_list_contacts",
    inputParameters: { fetchAll: "${workflow.input.fetchAll}", limit: "${workflow.input.limit}" },
  },
];

/** The n-th task offered: every 400, one bulk task; every 200, one fetchAll; else a write. */
function offerOf(n: number): { name: string; input: Record<string, unknown> } {
  const user = (i: number) => ({ id: `pacing-${n}-${i}`, email: `p${n}.${i}@example.com` });
  if (n % 400 === 0) {
    const users = Array.from({ length: BULK_ITEMS }, (_, i) => user(i));
    return { name: "pacing_bulk_users", input: { users } };
  }
  if (n % 200 === 100)
    return { name: "pacing_fetch_all", input: { fetchAll: true, limit: LIST_PAGE } };
  return { name: "pacing_single_write", input: { user: user(0) } };
}

async function registerWorkflows(url: string): Promise<void> {
  for (const w of WORKFLOWS) {
    const response = await fetch(`${url}/api/metadata/workflow?overwrite=true`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name: w.name,
        version: 1,
        schemaVersion: 2,
        ownerEmail: "bench@example.com",
        timeoutSeconds: 0,
        tasks: [
          {
            name: w.task,
            taskReferenceName: "only",
            type: "SIMPLE",
            inputParameters: w.inputParameters,
          },
        ],
      }),
    });
    if (!response.ok) throw new Error(`registering ${w.name}: ${response.status}`);
  }
}

async function startOne(
  kind: Contestant,
  environment: Environment,
  ctx: Context,
  tag: string,
): Promise<Child> {
  if (kind === "sdk") {
    const child = startNode(
      tag,
      join(here, "baseline-sdk-pacing.js"),
      [],
      environment.env,
      join(ctx.logDir, `${tag}.log`),
    );
    await waitFor(child, () => child.output().includes("READY"));
    return child;
  }
  const env = { ...environment.env, COMMON_ROOM_PACING: kind === "pacer" ? "on" : "off" };
  return startContestant("ours", env, ctx.logDir, tag);
}

interface MixResult {
  offered: number;
  completed: number;
  unfinished: number;
  failedTasks: number;
  failedItems: number;
  requests: number;
  limited: number;
  accepted: number;
  /** 2xx per second from the first offer to the last 2xx, over L. */
  share: number;
}

async function runMix(
  kind: Contestant,
  replicas: number,
  durationMs: number,
  ctx: Context,
): Promise<MixResult> {
  const environment = await startEnvironment({
    logDir: ctx.logDir,
    latencyMs: LATENCY_MS,
    commonRoomRateLimit: { limit: L, intervalMs: 1000 },
  });
  const children: Child[] = [];
  try {
    await registerWorkflows(environment.conductor.url);
    for (let i = 0; i < replicas; i++) {
      children.push(await startOne(kind, environment, ctx, `pacing-${kind}-${replicas}-${i + 1}`));
    }
    await sleep(1000);
    const url = environment.conductor.url;
    const startedAt = Date.now();
    const total = Math.round((2 * L * durationMs) / 1000);
    const ids: string[] = [];
    while (ids.length < total) {
      const due = Math.min(total, Math.floor(((Date.now() - startedAt) * 2 * L) / 1000) + 1);
      const batch: Promise<string>[] = [];
      for (let n = ids.length; n < due; n++) {
        const offer = offerOf(n);
        batch.push(startWorkflow(url, offer.name, offer.input));
      }
      ids.push(...(await Promise.all(batch)));
      await sleep(50);
    }
    // The pacer's backlog drains in about 2.4× the offer; retries of failed tasks may not.
    const workflows = await waitAll(environment.conductor, ids, durationMs * 2 + 30_000);
    return summarize(environment, workflows, startedAt, total);
  } finally {
    await Promise.all(children.map((c) => stop(c)));
    await environment.close();
  }
}

function summarize(
  environment: Environment,
  workflows: (Workflow | undefined)[],
  startedAt: number,
  offered: number,
): MixResult {
  const present = workflows.filter((w): w is Workflow => w !== undefined);
  const tasks = present.flatMap((w) => w.tasks);
  const since = environment.sim.requests.filter((r) => r.at >= startedAt);
  const ok = since.filter((r) => r.status >= 200 && r.status < 300);
  const lastOk = Math.max(startedAt + 1, ...ok.map((r) => r.at));
  const failedItems = present
    .filter((w) => w.status === "COMPLETED")
    .flatMap((w) => w.tasks)
    .reduce(
      (sum, t) => sum + (typeof t.outputData?.failed === "number" ? t.outputData.failed : 0),
      0,
    );
  return {
    offered,
    completed: present.filter((w) => w.status === "COMPLETED").length,
    unfinished: offered - present.filter((w) => w.status !== "RUNNING").length,
    failedTasks: tasks.filter((t) => FAILED_TASK.has(t.status)).length,
    failedItems,
    requests: since.length,
    limited: since.filter((r) => r.status === 429).length,
    accepted: ok.length,
    share: ok.length / ((lastOk - startedAt) / 1000) / L,
  };
}

const pct = (part: number, whole: number) => `${fmt((100 * part) / Math.max(1, whole), 2)} %`;

async function generousCheck(ctx: Context) {
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

export async function pacingScenario(ctx: Context): Promise<FigureResult> {
  const durationMs = ctx.quick ? 8_000 : 30_000;
  const rows: Row[] = [];
  const targets: FigureResult["targets"] = [];
  for (const replicas of [1, 2, 4]) {
    const results = {} as Record<Contestant, MixResult>;
    for (const kind of CONTESTANTS) {
      ctx.progress(
        `pacing: ${replicas} replica(s) of ${kind}, ${2 * L} tasks/s for ${durationMs / 1000} s, limit ${L}/s`,
      );
      const r = await runMix(kind, replicas, durationMs, ctx);
      ctx.progress(
        `  ${fmt(r.share, 2)} of L, ${r.limited} 429s of ${r.requests}, ${r.failedTasks} failed attempts (${r.failedItems} items), ${r.completed}/${r.offered} completed`,
      );
      results[kind] = r;
    }
    const { pacer, "pacer-off": off, sdk } = results;
    const both = (f: (r: MixResult) => string) => `${f(off)} / ${f(sdk)}`;
    const who = `${replicas} replica${replicas > 1 ? "s" : ""}`;
    rows.push(
      {
        metric: `${who}: achieved / L (Common Room 2xx per second)`,
        ours: fmt(pacer.share, 2),
        baseline: both((r) => fmt(r.share, 2)),
      },
      {
        metric: `${who}: 429s / requests`,
        ours: `${pacer.limited} / ${pacer.requests} (${pct(pacer.limited, pacer.requests)})`,
        baseline: both((r) => `${r.limited} / ${r.requests} (${pct(r.limited, r.requests)})`),
      },
      {
        metric: `${who}: failed task attempts (failed bulk items)`,
        ours: `${pacer.failedTasks} (${pacer.failedItems})`,
        baseline: both((r) => `${r.failedTasks} (${r.failedItems})`),
      },
      {
        metric: `${who}: workflows completed / offered (unfinished)`,
        ours: `${pacer.completed} / ${pacer.offered} (${pacer.unfinished})`,
        baseline: both((r) => `${r.completed} / ${r.offered} (${r.unfinished})`),
      },
    );
    const target = TARGETS[replicas]!;
    const ratio = pacer.limited / Math.max(1, pacer.requests);
    targets.push({
      name: `${who} sharing a token at ${L}/s: ≥ ${target.share} of L, ≤ ${target.limited * 100} % 429s, no failed task`,
      met:
        pacer.share >= target.share &&
        ratio <= target.limited &&
        pacer.failedTasks === 0 &&
        pacer.failedItems === 0 &&
        pacer.unfinished === 0,
      detail:
        `${fmt(pacer.share, 2)} of L, ${pct(pacer.limited, pacer.requests)} 429s, ${pacer.failedTasks} failed` +
        ` (pacer off: ${fmt(off.share, 2)} of L, ${pct(off.limited, off.requests)} 429s)`,
    });
  }

  const generous = await generousCheck(ctx);
  const speed = generous.on.perSecond / generous.off.perSecond;
  const cpu = generous.on.cpuMs / generous.off.cpuMs;
  rows.push(
    {
      metric: `generous limit: tasks/s (median of ${generous.rounds})`,
      ours: fmt(generous.on.perSecond, 1),
      baseline: fmt(generous.off.perSecond, 1),
      ratio: fmt(speed, 3),
    },
    {
      metric: "generous limit: worker CPU ms per task",
      ours: fmt(generous.on.cpuMs, 2),
      baseline: fmt(generous.off.cpuMs, 2),
      ratio: fmt(cpu, 3),
    },
  );
  targets.push({
    name: "with a generous limit, the pacer costs nothing: tasks/s and CPU per task within 5 % of pacer off",
    met: speed >= 0.95 && cpu <= 1.05,
    detail: `tasks/s ${fmt(speed * 100 - 100, 1)} %, CPU per task ${fmt(cpu * 100 - 100, 1)} % vs pacer off`,
  });

  return {
    id: "pacing",
    title: `7. Pacing per API token: limit L = ${L}/s per token, ${2 * L} tasks/s offered for ${durationMs / 1000} s (writes, bulk of ${BULK_ITEMS}, fetchAll lists), Common Room latency ${LATENCY_MS} ms`,
    baselineLabel: "pacer off / SDK baseline",
    rows,
    targets,
    notes: [
      `The mix: of every 400 tasks, 1 bulk task of ${BULK_ITEMS} users, 2 fetchAll lists of contacts (${LIST_PAGE} per page, 10 pages each) and 397 single writes: about ${fmt((2 * L * (397 + BULK_ITEMS + 20)) / 400, 0)} Common Room requests/s offered for a limit of ${L}/s, so a backlog builds during the offer and drains after it.`,
      `achieved / L = Common Room 2xx answers from the first offer to the last 2xx, per second, over L (the simulator's fixed window per token, aligned to the clock, allows at most L in each second).`,
      "Failed task attempts count every attempt that ended FAILED (Conductor retries them: 5 retries, 5 s apart, as `register` defines); failed bulk items are the items a completed bulk task reported as failed.",
      "pacer off = our worker with COMMON_ROOM_PACING=off (it waits out each 429 as Common Room asks); SDK baseline = dev/bench/baseline-sdk-pacing.ts (TaskHandler + fetch, fails a task on any non-2xx).",
      `Generous limit: ${generous.count} get_segments tasks in a burst, the simulator limited at 1,000,000/s (headers on every answer, never a 429), one worker with the pacer on and off, alternated ${generous.rounds} time(s); medians.`,
      "No TaskDef rate limit is registered in this figure: what keeps the replicas under the limit is the pacer alone.",
    ],
  };
}
