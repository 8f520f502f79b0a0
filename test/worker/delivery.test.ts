/**
 * deliverResult: one task result sent to Conductor until it is acknowledged or clearly has
 * nowhere to go, over real HTTP to dev/conductor (its fault switch for error statuses, and
 * a scripted proxy in front of it to lose an answer on the way back).
 */
import { describe, expect, it } from "vitest";
import type { ConductorServer, ConductorServerOptions } from "../../dev/conductor/index.js";
import { createLogger } from "../../src/logger.js";
import { ConductorGateway, connectConductor, type PolledTask } from "../../src/worker/conductor.js";
import { deliverResult, type DeliveryPolicy } from "../../src/worker/delivery.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { captureLines } from "../support/log-lines.js";
import { api, expectOk } from "../dev/conductor/harness.js";
import { COMPLETED, gatewayTo, queueTasks, startConductor, updatesSeen } from "./gateway-setup.js";
import { forward, startScriptedServer } from "./scripted-server.js";

const cleanup = cleanupAfterEach();
const TASK_TYPE = "dl_task";

const conductor = (options: ConductorServerOptions = {}) => startConductor(cleanup, options);

/** `count` tasks queued (of the task definition `def`); the gateway polled one of them. */
async function takeTask(
  server: ConductorServer,
  gateway: ConductorGateway,
  count = 1,
  def: Record<string, unknown> = {},
) {
  await queueTasks(server, TASK_TYPE, count, def);
  const [task] = await gateway.batchPoll(TASK_TYPE, { workerId: "w", count: 1, timeoutMs: 0 });
  if (!task) throw new Error("no task polled");
  return task;
}

/** Delivers COMPLETED for `task` and reports what happened on the way. */
async function deliver(
  gateway: ConductorGateway,
  task: PolledTask,
  options: {
    policy?: Partial<DeliveryPolicy>;
    signal?: AbortSignal;
    onRetry?: (attempt: number) => void;
  } = {},
) {
  const { lines, destination } = captureLines();
  const retries: { attempt: number; delayMs: number; error: string }[] = [];
  const giveUps: string[] = [];
  const next = await deliverResult({
    gateway,
    task,
    taskType: TASK_TYPE,
    result: COMPLETED,
    workerId: "w",
    acceptNextTask: true,
    policy: {
      initialDelayMs: 20,
      maxDelayMs: 200,
      windowMs: 30_000,
      graceMs: 0,
      random: () => 0.5,
      ...options.policy,
    },
    signal: options.signal ?? new AbortController().signal,
    logger: createLogger({ level: "debug", destination }),
    hooks: {
      onRetry: (e) => {
        retries.push({ attempt: e.attempt, delayMs: e.delayMs, error: e.error });
        options.onRetry?.(e.attempt);
      },
      onGiveUp: (e) => giveUps.push(e.reason),
    },
  });
  return { next, retries, giveUps, logs: lines.join("") };
}

describe("result delivery", () => {
  it("acknowledged at once: returns the next task update-v2 handed back", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway, 2);
    const { next, retries, giveUps } = await deliver(gateway, task);
    expect(next?.taskType).toBe(TASK_TYPE);
    expect(next?.taskId).not.toBe(task.taskId);
    expect(server.getTask(task.taskId)?.status).toBe("COMPLETED");
    expect({ retries, giveUps }).toEqual({ retries: [], giveUps: [] });
  });

  it("a 5xx is retried after a backoff until Conductor takes the result", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway);
    server.setFault({ routes: "updates", status: 500 });
    const { retries, giveUps, logs } = await deliver(gateway, task, {
      onRetry: () => server.setFault(null), // Conductor is back before the second attempt
    });
    expect(retries).toHaveLength(1);
    expect(retries[0]!.error).toContain("500");
    expect(retries[0]!.delayMs).toBeGreaterThan(0);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(giveUps).toEqual([]);
    expect(logs).toContain("task result delivered after retries");
    expect(server.getTask(task.taskId)).toMatchObject({
      status: "COMPLETED",
      outputData: { done: true },
    });
  });

  it("the answer lost after Conductor applied the update: the resend is harmless, the task done once", async () => {
    const server = await conductor();
    // A proxy that forwards everything, but drops the connection instead of relaying the
    // answer to the first update (the update itself reached Conductor and was applied).
    let lost = 0;
    const proxy = await startScriptedServer(async (request) => {
      const answer = await forward(server.url, request);
      if (request.path === "/api/tasks/update-v2" && lost++ === 0) return "reset";
      return answer;
    });
    cleanup(() => proxy.close());
    const gateway = await gatewayTo(cleanup, proxy.url);
    const task = await takeTask(server, gateway);
    const { giveUps, logs } = await deliver(gateway, task);
    expect(giveUps).toEqual([]);
    expect(logs).not.toContain("NOT delivered");
    // Conductor saw the result twice (the SDK resends after a transport error, and so would
    // the delivery loop); the second found the task already COMPLETED and changed nothing.
    expect(updatesSeen(server)).toEqual(["/api/tasks/update-v2 204", "/api/tasks/update-v2 204"]);
    const workflow = server.getWorkflow(task.workflowInstanceId);
    expect(workflow?.status).toBe("COMPLETED");
    expect(workflow?.tasks.map((t) => t.status)).toEqual(["COMPLETED"]);
  });

  it("a 400 is given up at once: Conductor rejects the result as written", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway);
    server.setFault({ routes: "updates", status: 400 });
    const { next, retries, giveUps, logs } = await deliver(gateway, task);
    expect(next).toBeUndefined();
    expect({ retries, giveUps }).toEqual({ retries: [], giveUps: ["rejected"] });
    expect(updatesSeen(server)).toEqual(["/api/tasks/update-v2 400"]);
    expect(logs).toContain("task result NOT delivered");
  });

  it("a task Conductor no longer knows is given up: its result has nowhere to go", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const ghost = { taskId: "gone", workflowInstanceId: "gone-too" };
    const { next, retries, giveUps } = await deliver(gateway, ghost);
    expect(next).toBeUndefined();
    expect({ retries, giveUps }).toEqual({ retries: [], giveUps: ["unknown_task"] });
  });

  it("a task that states no timeout: given up after the fallback window", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway);
    server.setFault({ routes: "updates", status: 503 });
    const untimed = { ...task, responseTimeoutSeconds: 0 };
    const { retries, giveUps, logs } = await deliver(gateway, untimed, {
      policy: { windowMs: 150 },
    });
    expect(retries.length).toBeGreaterThan(0);
    expect(giveUps).toEqual(["window_expired"]);
    expect(logs).toContain("task result NOT delivered");
    expect(server.getTask(task.taskId)?.status).toBe("IN_PROGRESS");
  });

  it("past the task's response timeout the result is given up, not retried for the window", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway, 1, { responseTimeoutSeconds: 1 });
    expect(task.responseTimeoutSeconds).toBe(1);
    server.setFault({ routes: "updates", status: 503 });
    const started = Date.now();
    // An hour's window, as before: the task's own second is what counts.
    const { giveUps, logs } = await deliver(gateway, task, { policy: { windowMs: 3_600_000 } });
    expect(giveUps).toEqual(["window_expired"]);
    expect(logs).toContain("before the task's own timeouts ran out");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("past the task definition's timeoutSeconds (from its start) it is given up too", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway, 1, {
      timeoutSeconds: 1,
      responseTimeoutSeconds: 1,
    });
    server.setFault({ routes: "updates", status: 503 });
    // Handed over long after it started: only its own timeout can end the window this soon.
    const lateTask = { ...task, responseTimeoutSeconds: 3600 };
    const { giveUps } = await deliver(gateway, lateTask, { policy: { windowMs: 3_600_000 } });
    expect(giveUps).toEqual(["window_expired"]);
  });

  it("a task that can still take its result is not given up when the fallback window is short", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway, 1, { responseTimeoutSeconds: 60 });
    server.setFault({ routes: "updates", status: 503 });
    const outage = setTimeout(() => server.setFault(null), 800);
    cleanup(() => clearTimeout(outage));
    const { retries, giveUps } = await deliver(gateway, task, { policy: { windowMs: 100 } });
    expect(giveUps).toEqual([]);
    expect(retries.length).toBeGreaterThan(1);
    expect(server.getTask(task.taskId)?.status).toBe("COMPLETED");
  });

  it("shutdown cut short: the retries stop (the task returns through responseTimeout)", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway);
    server.setFault({ routes: "updates", status: 503 });
    const abandon = new AbortController();
    const { retries, giveUps } = await deliver(gateway, task, {
      signal: abandon.signal,
      policy: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      onRetry: () => abandon.abort(),
    });
    expect(retries).toHaveLength(1);
    expect(giveUps).toEqual(["shutdown"]);
  });
});

describe("result delivery with Orkes key auth", () => {
  const auth = { keyId: "dl-key", keySecret: "dl-secret" };

  /** One task queued on a server that wants a token (the harness's calls carry one too). */
  async function queueAuthed(server: ConductorServer): Promise<void> {
    const { json } = await api(server, "POST", "/api/token", auth);
    const headers = { "X-Authorization": (json as { token: string }).token };
    const flow = `${TASK_TYPE}_auth_flow`;
    const def = { name: TASK_TYPE, timeoutSeconds: 0 };
    expectOk(await api(server, "POST", "/api/metadata/taskdefs", [def], headers));
    const tasks = [{ name: TASK_TYPE, taskReferenceName: "t", type: "SIMPLE" }];
    const workflow = { name: flow, version: 1, tasks };
    expectOk(await api(server, "POST", "/api/metadata/workflow", workflow, headers));
    expectOk(await api(server, "POST", `/api/workflow/${flow}`, {}, headers));
  }

  for (const status of [401, 403]) {
    it(`a ${status} on the update: a new token, and the result sent again`, async () => {
      const server = await conductor({ auth });
      await queueAuthed(server);
      let reconnects = 0;
      const connect = () =>
        connectConductor({
          serverUrl: `${server.url}/api`,
          authKey: auth.keyId,
          authSecret: auth.keySecret,
          maxConnections: 4,
          logger: createLogger({ level: "silent" }),
        });
      const gateway = new ConductorGateway(await connect(), () => {
        reconnects++;
        return connect();
      });
      cleanup(() => gateway.close());
      const [task] = await gateway.batchPoll(TASK_TYPE, { workerId: "w", count: 1, timeoutMs: 0 });
      const from = server.requests.length;
      server.setFault({ routes: "updates", status });
      const { giveUps, retries } = await deliver(gateway, task!, {
        onRetry: () => server.setFault(null),
      });
      expect(giveUps).toEqual([]);
      expect(retries).toHaveLength(1);
      expect(retries[0]!.delayMs).toBe(0);
      expect(reconnects).toBe(1);
      const seen = server.requests
        .slice(from)
        .filter((r) => r.path === "/api/token" || r.path.startsWith("/api/tasks"))
        .map((r) => `${r.method} ${r.path} ${r.status}`);
      expect(seen).toEqual([
        `POST /api/tasks/update-v2 ${status}`,
        "POST /api/token 200",
        expect.stringMatching(/^POST \/api\/tasks\/update-v2 20\d$/),
      ]);
      expect(server.getTask(task!.taskId)?.status).toBe("COMPLETED");
    });
  }

  it("without credentials to renew, a 401 is given up at once", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    const task = await takeTask(server, gateway);
    server.setFault({ routes: "updates", status: 401 });
    const { giveUps, retries } = await deliver(gateway, task);
    expect({ giveUps, retries }).toEqual({ giveUps: ["rejected"], retries: [] });
  });
});
