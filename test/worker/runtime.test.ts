/**
 * WorkerRuntime: how it polls (idle long poll, busy batches, backoff, pauses), how many
 * tasks it runs at once, and its lifecycle (start, drain), over real HTTP to dev/conductor
 * through the real ConductorGateway (a scripted server where a failure must be scripted).
 * The operations are small ones defined here, whose runs the test holds and releases:
 * what is under test is the runtime's decisions, not Common Room.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ConductorServer, ConductorServerOptions } from "../../dev/conductor/index.js";
import { loadConfig, type Env } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { defineOperation, type Operation } from "../../src/operations/define.js";
import { ConductorReachability } from "../../src/worker/conductor-reachability.js";
import { Integrations } from "../../src/worker/integrations.js";
import {
  WorkerRuntime,
  type RuntimeObserver,
  type RuntimeOptions,
} from "../../src/worker/runtime.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { captureLines } from "../support/log-lines.js";
import { until } from "../support/until.js";
import { registerSequence, startWorkflow } from "../dev/conductor/harness.js";
import { gatewayTo, queueTasks, startConductor, updatesSeen } from "./gateway-setup.js";
import { startScriptedServer } from "./scripted-server.js";

const cleanup = cleanupAfterEach();
const PREFIX = "rt_";
/** Short, so an idle poll loop comes round several times within a test. */
const POLL_TIMEOUT = "300";

/** A test operation whose runs wait until the test lets them finish. */
class HeldOperation {
  readonly operation: Operation;
  readonly taskType: string;
  running = 0;
  mostAtOnce = 0;
  finished = 0;
  private readonly waiting: (() => void)[] = [];
  private opened = false;

  constructor(task: string) {
    this.taskType = `${PREFIX}${task}`;
    this.operation = defineOperation({
      name: `Held ${task}`,
      task,
      description: "Waits until the test releases it.",
      input: z.object({}),
      run: async () => {
        this.running++;
        this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
        if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
        this.running--;
        this.finished++;
        return { done: true };
      },
    });
  }

  release(count = 1): void {
    for (const finish of this.waiting.splice(0, count)) finish();
  }

  /** Lets every run finish, now and from now on. */
  open(): void {
    this.opened = true;
    this.release(this.waiting.length);
  }
}

type Told<Hook extends keyof RuntimeObserver> = Parameters<NonNullable<RuntimeObserver[Hook]>>[0];

/** What the observer was told, in order. */
function recorder() {
  const seen = {
    polls: [] as Told<"onPoll">[],
    pollErrors: [] as Told<"onPollError">[],
    finished: [] as Told<"onTaskFinished">[],
    inFlight: [] as Told<"onInFlightChange">[],
    retries: [] as string[],
    giveUps: [] as string[],
  };
  const observer: RuntimeObserver = {
    onPoll: (e) => seen.polls.push(e),
    onPollError: (e) => seen.pollErrors.push(e),
    onTaskFinished: (e) => seen.finished.push(e),
    onInFlightChange: (e) => seen.inFlight.push(e),
    onDeliveryRetry: (e) => seen.retries.push(e.taskType),
    onDeliveryGiveUp: (e) => seen.giveUps.push(e.reason),
  };
  return { seen, observer };
}

/**
 * A runtime built as service.ts builds it (config from the environment, Integrations, the
 * worker overrides), on the real gateway to `url`, started. Drained after the test.
 */
async function startRuntime(
  url: string,
  held: HeldOperation[],
  overrides: Env = {},
  options: Partial<RuntimeOptions> = {},
) {
  const config = loadConfig({
    COMMON_ROOM_API_TOKEN: "runtime-test-token-7f1c",
    COMMON_ROOM_TASK_PREFIX: PREFIX,
    CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: POLL_TIMEOUT,
    ...overrides,
  });
  const { lines, destination } = captureLines();
  const logger = createLogger({ level: "debug", destination });
  const { seen, observer } = recorder();
  const runtime = new WorkerRuntime({
    gateway: await gatewayTo(cleanup, url),
    operations: held.map((h) => h.operation),
    taskPrefix: config.taskPrefix,
    integrations: new Integrations(config, { logger }),
    logger,
    workerOverrides: config.workerOverrides,
    observer,
    ...options,
  });
  cleanup(async () => {
    // Held runs would keep the drain waiting.
    for (const h of held) h.open();
    if (runtime.state === "polling") await runtime.drain(5000);
    await until(() => runtime.inFlight === 0, 5000, "the runtime's tasks to end");
  });
  runtime.start();
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { runtime, seen, logged };
}

const conductor = (options: ConductorServerOptions = {}) => startConductor(cleanup, options);

/** The batch polls the server answered for `taskType`: count, timeout and arrival time. */
function pollsOf(server: ConductorServer, taskType: string) {
  return server.requests
    .filter((r) => r.path === `/api/tasks/poll/batch/${taskType}`)
    .map((r) => ({ count: Number(r.query.count), timeout: Number(r.query.timeout), at: r.at }));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("polling", () => {
  it("idle, long polls for one task; after a poll with tasks, asks for every free slot at once; an empty answer goes back to the long poll", async () => {
    const server = await conductor();
    const held = new HeldOperation("batch");
    await queueTasks(server, held.taskType, 3);
    const { seen } = await startRuntime(server.url, [held], {
      CONDUCTOR_WORKER_ALL_CONCURRENCY: "3",
    });
    await until(() => held.running === 3, 5000, "three tasks running");
    held.open();
    // The loop has gone quiet again once a long poll follows the tasks' completion.
    await until(() => pollsOf(server, held.taskType).length >= 4, 5000, "four polls");

    const polls = pollsOf(server, held.taskType);
    // Three slots free, but idle: one task, waiting up to the long-poll timeout.
    expect(polls[0]).toMatchObject({ count: 1, timeout: 300 });
    expect(seen.polls[0]?.received).toBe(1);
    // Busy: the two slots left, without waiting.
    expect(polls[1]).toMatchObject({ count: 2, timeout: 0 });
    expect(seen.polls[1]?.received).toBe(2);
    // Slots freed while still busy: however many are free by then, without waiting; empty.
    expect(polls[2]!.timeout).toBe(0);
    expect(polls[2]!.count).toBeGreaterThanOrEqual(1);
    expect(polls[2]!.count).toBeLessThanOrEqual(3);
    expect(seen.polls[2]?.received).toBe(0);
    // Idle again.
    expect(polls[3]).toMatchObject({ count: 1, timeout: 300 });
  });

  it("never runs more tasks at once than its concurrency (ALL or per type); a freed slot wakes the poll loop", async () => {
    // Without update-v2 no next task comes back with a result, so a freed slot is refilled
    // only by a new poll.
    const server = await conductor({ updateV2: "method-not-allowed" });
    const work = new HeldOperation("work");
    const other = new HeldOperation("other");
    await queueTasks(server, work.taskType, 4);
    await queueTasks(server, other.taskType, 4);
    const { runtime } = await startRuntime(server.url, [work, other], {
      CONDUCTOR_WORKER_ALL_CONCURRENCY: "2",
      CONDUCTOR_WORKER_RT_OTHER_CONCURRENCY: "1",
    });
    await until(() => work.running === 2 && other.running === 1, 5000, "every slot taken");
    // Full: nothing more is taken, however long the tasks run.
    await pause(400);
    expect(runtime.inFlight).toBe(3);
    expect(server.queueSize(work.taskType)).toBe(2);
    expect(server.queueSize(other.taskType)).toBe(3);

    const pollsBefore = pollsOf(server, work.taskType).length;
    work.release();
    await until(() => work.finished === 1 && work.running === 2, 5000, "the freed slot refilled");
    expect(pollsOf(server, work.taskType).length).toBeGreaterThan(pollsBefore);
    expect(server.queueSize(work.taskType)).toBe(1);

    work.open();
    other.open();
    await until(() => work.finished === 4 && other.finished === 4, 10_000, "every task run");
    expect(work.mostAtOnce).toBe(2);
    expect(other.mostAtOnce).toBe(1);
  });

  it("failed polls back off from 1 s, doubling with jitter up to maxPollBackoffMs", async () => {
    const server = await conductor();
    server.setFault({ routes: "polls", status: 500 });
    const held = new HeldOperation("backoff");
    const { lines, destination } = captureLines();
    const reachability = new ConductorReachability({
      logger: createLogger({ level: "info", destination }),
      serverUrl: server.url,
      unreachableMs: 60_000,
      warnEveryMs: 0, // every failure logs its backoff
    });
    const { runtime, seen } = await startRuntime(
      server.url,
      [held],
      {},
      { reachability, random: () => 0.5, maxPollBackoffMs: 1200 },
    );
    await until(() => seen.pollErrors.length >= 2, 5000, "two failed polls");
    await runtime.drain(5000); // ends the second backoff early

    const backoffs = lines
      .map((line) => JSON.parse(line) as { msg: string; backoffMs?: number })
      .filter((l) => l.msg === "poll failed; backing off")
      .map((l) => l.backoffMs);
    // Half jitter: between half the ceiling and the ceiling, here at the middle. The first
    // ceiling is 1 s; the second (2 s) is capped at 1.2 s.
    expect(backoffs).toEqual([750, 900]);
    const polls = pollsOf(server, held.taskType);
    expect(polls).toHaveLength(2);
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(740);
  });

  it("while polls fail, the reachability and the observer are told; polling resumes when Conductor answers", async () => {
    const server = await conductor();
    server.setFault({ routes: "polls", status: 500 });
    const held = new HeldOperation("recover");
    const { lines, destination } = captureLines();
    const reachability = new ConductorReachability({
      logger: createLogger({ level: "info", destination }),
      serverUrl: server.url,
      unreachableMs: 0, // not ready from the first failure
    });
    const { seen } = await startRuntime(
      server.url,
      [held],
      {},
      // Backoffs of 75 ms (half jitter at the middle of a 100 ms ceiling).
      { reachability, random: () => 0.5, maxPollBackoffMs: 100 },
    );
    await until(() => seen.pollErrors.length >= 3, 5000, "three failed polls");
    expect(reachability.notReadyReason()).toMatch(/has not answered a poll properly/);
    expect(seen.pollErrors[0]).toMatchObject({ taskType: held.taskType });
    expect(seen.pollErrors[0]!.error).toContain("500");
    expect(seen.polls).toEqual([]);
    // Backed off between failures, not retried in a tight loop.
    const failed = pollsOf(server, held.taskType).slice(0, 3);
    expect(failed[1]!.at - failed[0]!.at).toBeGreaterThanOrEqual(70);
    expect(failed[2]!.at - failed[1]!.at).toBeGreaterThanOrEqual(70);

    server.setFault(null);
    await queueTasks(server, held.taskType, 1);
    await until(() => held.running === 1, 5000, "the queued task taken");
    held.open();
    expect(reachability.notReadyReason()).toBeUndefined();
    expect(lines.join("")).toContain("Conductor answers polls again");
  });

  it("a server that answers a long poll empty at once is polled every pollIntervalMs, not in a tight loop", async () => {
    // No long-poll support: every poll comes back [] immediately, whatever its timeout.
    const arrivals: number[] = [];
    const server = await startScriptedServer((request) => {
      if (request.path.startsWith("/api/tasks/poll/")) arrivals.push(Date.now());
      return { status: 200, body: "[]" };
    });
    cleanup(() => server.close());
    const held = new HeldOperation("no_long_poll");
    await startRuntime(server.url, [held], {
      CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "400",
      CONDUCTOR_WORKER_ALL_POLL_INTERVAL: "150",
    });
    await until(() => arrivals.length >= 4, 5000, "four polls");
    for (let i = 1; i < 4; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(145);
    // Still the idle long poll each time: an empty answer is not "busy".
    const polls = server.requests.filter((r) => r.path.startsWith("/api/tasks/poll/"));
    expect(polls.map((r) => `${r.query.count}/${r.query.timeout}`).slice(0, 4)).toEqual([
      "1/400",
      "1/400",
      "1/400",
      "1/400",
    ]);
  });

  it("with POLL_TIMEOUT=0 (no long poll), an empty idle poll is followed by pollIntervalMs", async () => {
    const server = await conductor();
    const held = new HeldOperation("short_poll");
    await startRuntime(server.url, [held], {
      CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "0",
      CONDUCTOR_WORKER_ALL_POLL_INTERVAL: "150",
    });
    await until(() => pollsOf(server, held.taskType).length >= 4, 5000, "four polls");
    const polls = pollsOf(server, held.taskType).slice(0, 4);
    for (let i = 1; i < 4; i++) expect(polls[i]!.at - polls[i - 1]!.at).toBeGreaterThanOrEqual(145);
    expect(polls.map((p) => `${p.count}/${p.timeout}`)).toEqual(["1/0", "1/0", "1/0", "1/0"]);
  });

  it("a paused task type is never polled; the others are", async () => {
    const server = await conductor();
    const active = new HeldOperation("active");
    const paused = new HeldOperation("paused");
    await queueTasks(server, paused.taskType, 1);
    const { runtime, logged } = await startRuntime(server.url, [active, paused], {
      CONDUCTOR_WORKER_RT_PAUSED_PAUSED: "true",
    });
    await until(() => pollsOf(server, active.taskType).length >= 2, 5000, "two polls");
    expect(runtime.taskTypes).toEqual([active.taskType, paused.taskType]);
    expect(server.requests.filter((r) => r.path.includes(paused.taskType))).toEqual([]);
    expect(server.queueSize(paused.taskType)).toBe(1);
    expect(logged()).toContainEqual(
      expect.objectContaining({ taskType: paused.taskType, msg: "task type paused; not polling" }),
    );
  });
});

describe("running tasks", () => {
  it("a next task handed back by update-v2 runs in the same slot, without a new poll", async () => {
    const server = await conductor();
    const held = new HeldOperation("chain");
    held.open();
    const workflowIds = await queueTasks(server, held.taskType, 3);
    const { seen } = await startRuntime(server.url, [held], {
      CONDUCTOR_WORKER_ALL_CONCURRENCY: "1",
    });
    await until(
      () => workflowIds.every((id) => server.getWorkflow(id)?.status === "COMPLETED"),
      5000,
      "three workflows completed",
    );
    // The last acknowledgement reaches the worker just after the workflow completes.
    await until(() => seen.inFlight.length === 2, 5000, "the slot freed");
    // One poll found a task; the other two came back with the results before them.
    expect(seen.polls.filter((p) => p.received > 0)).toEqual([
      expect.objectContaining({ received: 1 }),
    ]);
    expect(updatesSeen(server)).toEqual([
      "/api/tasks/update-v2 200",
      "/api/tasks/update-v2 200",
      "/api/tasks/update-v2 204",
    ]);
    // The slot was taken once and freed once, the three tasks running in it in turn.
    expect(seen.inFlight.map((e) => e.inFlight)).toEqual([1, 0]);
  });

  it("tells the observer of polls, finished tasks (with the integration's label) and tasks in flight", async () => {
    const server = await conductor();
    const held = new HeldOperation("observed");
    held.open();
    const workflow = await registerSequence(server, "observed_flow", [
      {
        name: held.taskType,
        def: {},
        workflowTask: { inputParameters: { integrationName: "${workflow.input.integration}" } },
      },
    ]);
    const ids = [
      await startWorkflow(server, workflow, { integration: "default" }),
      // Free text must not become a metric label.
      await startWorkflow(server, workflow, { integration: "typo-integration" }),
    ];
    const { runtime, seen } = await startRuntime(server.url, [held]);
    await until(
      () => ids.every((id) => server.getWorkflow(id)?.status !== "RUNNING"),
      5000,
      "both workflows ended",
    );
    await until(() => runtime.inFlight === 0, 5000, "both results delivered");

    expect(seen.polls[0]).toEqual({
      taskType: held.taskType,
      received: 1,
      durationMs: expect.any(Number),
    });
    const byLabel = [...seen.finished].sort((a, b) => a.integration.localeCompare(b.integration));
    expect(byLabel).toEqual([
      {
        taskType: held.taskType,
        integration: "default",
        outcome: "completed",
        code: undefined,
        durationMs: expect.any(Number),
      },
      {
        taskType: held.taskType,
        integration: "unknown",
        outcome: expect.stringMatching(/^(failed|terminal)$/),
        code: "INTEGRATION_NOT_FOUND",
        durationMs: expect.any(Number),
      },
    ]);
    expect(seen.inFlight[0]).toEqual({ taskType: held.taskType, inFlight: 1 });
    expect(seen.inFlight.at(-1)).toEqual({ taskType: held.taskType, inFlight: 0 });
  });
});

describe("lifecycle", () => {
  it("drain stops polling, finishes the tasks taken and delivers them on the legacy route, taking no next task", async () => {
    const server = await conductor();
    const held = new HeldOperation("drain");
    await queueTasks(server, held.taskType, 3);
    const { runtime } = await startRuntime(server.url, [held], {
      CONDUCTOR_WORKER_ALL_CONCURRENCY: "2",
    });
    await until(() => held.running === 2, 5000, "two tasks running");
    const polls = pollsOf(server, held.taskType).length;

    const drained = runtime.drain(10_000);
    expect(runtime.state).toBe("draining");
    held.release(2);
    const result = await drained;
    expect(result).toMatchObject({ unfinished: 0, pollsUnderWay: 0 });
    // The drain's report names each task that ended while it ran, and how.
    expect(result.tasks).toHaveLength(2);
    for (const task of result.tasks ?? []) {
      expect(task).toMatchObject({ taskType: held.taskType, taskId: expect.any(String) });
    }
    expect(runtime.state).toBe("stopped");

    expect(held.finished).toBe(2);
    // update-v2 would have handed back the third task; the legacy route hands back none.
    expect(updatesSeen(server)).toEqual(["/api/tasks 200", "/api/tasks 200"]);
    expect(server.queueSize(held.taskType)).toBe(1);
    expect(pollsOf(server, held.taskType)).toHaveLength(polls);
  });

  it("drain past its timeout reports the unfinished tasks and abandons their delivery retries", async () => {
    const server = await conductor();
    server.setFault({ routes: "updates", status: 503 });
    const held = new HeldOperation("cut_short");
    held.open();
    const [workflowId] = await queueTasks(server, held.taskType, 1);
    const { runtime, seen } = await startRuntime(
      server.url,
      [held],
      {},
      // Left alone, the delivery would wait a minute before trying again.
      { delivery: { initialDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    await until(() => seen.retries.length === 1, 5000, "a delivery retry pending");

    expect(await runtime.drain(200)).toMatchObject({ unfinished: 1 });
    expect(runtime.state).toBe("stopped");
    await until(() => seen.giveUps.length > 0, 5000, "the delivery given up");
    expect(seen.giveUps).toEqual(["shutdown"]);
    await until(() => runtime.inFlight === 0, 5000, "the slot freed");
    // Conductor gets the task back through its responseTimeout.
    expect(server.getWorkflow(workflowId!)?.tasks[0]?.status).toBe("IN_PROGRESS");
  });

  it("drain whose time runs out during a long poll says the poll is still under way", async () => {
    // Conductor holds each poll for 1.5 s: whatever it brings comes after the drain's time.
    const arrivals: number[] = [];
    const server = await startScriptedServer(async (request) => {
      if (request.path.startsWith("/api/tasks/poll/")) {
        arrivals.push(Date.now());
        await pause(1500);
      }
      return { status: 200, body: "[]" };
    });
    cleanup(() => server.close());
    const held = new HeldOperation("slow_poll");
    const { runtime } = await startRuntime(server.url, [held], {
      CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "2000",
    });
    await until(() => arrivals.length === 1, 5000, "a long poll under way");
    expect(await runtime.drain(100)).toMatchObject({ unfinished: 0, pollsUnderWay: 1 });
  });

  it("starts once; a drain of a stopped runtime returns at once with nothing unfinished", async () => {
    const server = await conductor();
    const held = new HeldOperation("lifecycle");
    await queueTasks(server, held.taskType, 1);
    const { runtime } = await startRuntime(server.url, [held]);
    expect(runtime.state).toBe("polling");
    expect(() => runtime.start()).toThrow("cannot start a runtime that is polling");

    await until(() => held.running === 1, 5000, "the task running");
    expect(await runtime.drain(100)).toMatchObject({ unfinished: 1 });
    // The task still runs, but a stopped runtime has let it go: no second wait for it.
    const again = await Promise.race([runtime.drain(60_000), pause(5000).then(() => "waited")]);
    expect(again).toMatchObject({ unfinished: 0, pollsUnderWay: 0 });
    expect(runtime.state).toBe("stopped");
    expect(() => runtime.start()).toThrow("cannot start a runtime that is stopped");
  });
});
