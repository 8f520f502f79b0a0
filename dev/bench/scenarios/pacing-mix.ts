/**
 * One run of figure 7's mix: a fresh environment whose Common Room limits the token to L
 * requests per interval (on the window kind asked), 2L tasks/s offered for the given time
 * to some replicas of one worker, then what Common Room and Conductor saw.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Workflow } from "../../conductor/index.js";
import type { RateWindow } from "../../commonroom/index.js";
import { startWorkerCli } from "../contestants.js";
import { CLI, startEnvironment, type Environment } from "../environment.js";
import type { PacingContestant } from "../pacing-options.js";
import { startNode, stop, waitFor, type Child } from "../processes.js";
import { FAILED_TASK, type Context } from "../scenario.js";
import { sleep } from "../stats.js";
import { startWorkflow, waitAll } from "../workflows.js";
import { LATENCY_MS } from "./throughput.js";

export const L = 20;
export const BULK_ITEMS = 50;
export const LIST_PAGE = 25;
const here = fileURLToPath(new URL("..", import.meta.url));

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
    // 409: the real server's race between two registrations of the same definition.
    if (!response.ok && response.status !== 409)
      throw new Error(`registering ${w.name}: ${response.status}`);
  }
}

export interface MixRun {
  kind: PacingContestant;
  replicas: number;
  window: RateWindow;
  durationMs: number;
  /** The CLI of the worker built at the baseline ref, for kind "previous". */
  previousCli?: string;
}

async function startOne(
  run: MixRun,
  environment: Environment,
  ctx: Context,
  tag: string,
): Promise<Child> {
  if (run.kind === "sdk") {
    const child = startNode(
      tag,
      join(here, "baseline-sdk-pacing.js"),
      [],
      environment.env,
      join(ctx.logDir, `${tag}.log`),
    );
    await waitFor(child, () => child.output().includes("READY"), READY_TIMEOUT_MS);
    return child;
  }
  if (run.kind === "previous" && !run.previousCli)
    throw new Error("the previous worker was not built");
  const cli = run.kind === "previous" ? run.previousCli! : CLI;
  // ours and previous run with their defaults; only "off" switches the pacing off.
  const env = { ...environment.env, COMMON_ROOM_PACING: run.kind === "off" ? "off" : "" };
  return startWorkerCli(cli, env, ctx.logDir, tag, READY_TIMEOUT_MS);
}

/** Replicas that start side by side: 16 at once on two busy cores miss their readiness. */
const STARTING_AT_ONCE = 4;
/** Each replica's time to answer /readyz while others start beside it. */
const READY_TIMEOUT_MS = 60_000;

async function startReplicas(
  run: MixRun,
  environment: Environment,
  ctx: Context,
  children: Child[],
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < run.replicas) {
      const tag = `pacing-${run.window}-${run.kind}-${run.replicas}-${++next}`;
      children.push(await startOne(run, environment, ctx, tag));
    }
  };
  // Every lane ends before a failure is thrown, so the caller stops every replica started.
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(STARTING_AT_ONCE, run.replicas) }, lane),
  );
  const failed = lanes.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

export interface MixResult {
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
  /** From the first offer to the last workflow's end (or the wait's give-up). */
  seconds: number;
}

export async function runMix(run: MixRun, ctx: Context): Promise<MixResult> {
  const environment = await startEnvironment({
    logDir: ctx.logDir,
    latencyMs: LATENCY_MS,
    commonRoomRateLimit: { limit: L, intervalMs: 1000, window: run.window },
  });
  const children: Child[] = [];
  try {
    await registerWorkflows(environment.conductor.url);
    await startReplicas(run, environment, ctx, children);
    await sleep(1000);
    const url = environment.conductor.url;
    const startedAt = Date.now();
    const total = Math.round((2 * L * run.durationMs) / 1000);
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
    // A paced backlog drains in about 2.4× the offer; retries of failed tasks may not.
    const workflows = await waitAll(environment.conductor, ids, run.durationMs * 2 + 30_000);
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
    seconds: (Date.now() - startedAt) / 1000,
  };
}
