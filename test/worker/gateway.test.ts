/**
 * The worker's two calls to Conductor (batch poll, result update) through ConductorGateway,
 * over real HTTP: dev/conductor with its server switches, or a scripted server where
 * dev/conductor cannot play the part (a server without the update-v2 route).
 */
import { describe, expect, it } from "vitest";
import type { ConductorServerOptions } from "../../dev/conductor/index.js";
import { PollError } from "../../src/worker/poll-error.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { COMPLETED, gatewayTo, queueTasks, startConductor, updatesSeen } from "./gateway-setup.js";
import { startScriptedServer } from "./scripted-server.js";

const cleanup = cleanupAfterEach();

const conductor = (options: ConductorServerOptions = {}) => startConductor(cleanup, options);

describe("batch poll", () => {
  it("hands out queued tasks, asking for this worker, count and long-poll timeout", async () => {
    const server = await conductor();
    const workflowIds = await queueTasks(server, "gw_poll", 2);
    const gateway = await gatewayTo(cleanup, server.url);
    const tasks = await gateway.batchPoll("gw_poll", { workerId: "w-7", count: 5, timeoutMs: 0 });
    expect(tasks.map((t) => t.workflowInstanceId).sort()).toEqual([...workflowIds].sort());
    expect(tasks.every((t) => typeof t.taskId === "string")).toBe(true);
    const poll = server.requests.find((r) => r.path === "/api/tasks/poll/batch/gw_poll");
    expect(poll?.query).toMatchObject({ workerid: "w-7", count: "5", timeout: "0" });
  });

  it("a bare 204 (servers before v3.21.20) is an empty poll", async () => {
    const server = await conductor({ emptyPoll: "no-content" });
    const gateway = await gatewayTo(cleanup, server.url);
    const tasks = await gateway.batchPoll("gw_idle", { workerId: "w", count: 1, timeoutMs: 0 });
    expect(tasks).toEqual([]);
    const polls = server.requests.filter((r) => r.path.startsWith("/api/tasks/poll/"));
    expect(polls.map((r) => r.status)).toEqual([204]);
  });

  it("an error status is a PollError carrying the status, the URL and what came back", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    server.setFault({ routes: "polls", status: 500 });
    const failure = gateway.batchPoll("gw_x", { workerId: "w", count: 1, timeoutMs: 0 });
    await expect(failure).rejects.toBeInstanceOf(PollError);
    await expect(failure).rejects.toMatchObject({
      status: 500,
      url: expect.stringContaining("/api/tasks/poll/batch/gw_x"),
      received: expect.stringContaining("Injected fault"),
    });
  });
});

describe("result update", () => {
  it("goes to update-v2 first, which hands back the next task of the type", async () => {
    const server = await conductor();
    await queueTasks(server, "gw_chain", 2);
    const gateway = await gatewayTo(cleanup, server.url);
    const [first] = await gateway.batchPoll("gw_chain", { workerId: "w", count: 1, timeoutMs: 0 });
    const outcome = await gateway.updateTask(first!, COMPLETED, "w");
    expect(outcome.kind).toBe("accepted");
    const next = outcome.kind === "accepted" ? outcome.nextTask : undefined;
    expect(next?.taskId).toBeDefined();
    expect(next?.taskId).not.toBe(first!.taskId);
    expect(server.getTask(first!.taskId)).toMatchObject({
      status: "COMPLETED",
      outputData: { done: true },
    });
    expect(updatesSeen(server)).toEqual(["/api/tasks/update-v2 200"]);
  });

  it("takes the legacy route, and no next task, when told not to accept one (draining)", async () => {
    const server = await conductor();
    await queueTasks(server, "gw_drain", 2);
    const gateway = await gatewayTo(cleanup, server.url);
    const [task] = await gateway.batchPoll("gw_drain", { workerId: "w", count: 1, timeoutMs: 0 });
    const outcome = await gateway.updateTask(task!, COMPLETED, "w", { acceptNextTask: false });
    expect(outcome).toEqual({ kind: "accepted" });
    expect(server.getTask(task!.taskId)?.status).toBe("COMPLETED");
    expect(updatesSeen(server)).toEqual(["/api/tasks 200"]);
    expect(server.queueSize("gw_drain")).toBe(1);
  });

  it("a 405 on update-v2 (servers before v3.21.12): the legacy route, and v2 is not asked again", async () => {
    const server = await conductor({ updateV2: "method-not-allowed" });
    await queueTasks(server, "gw_old", 2);
    const gateway = await gatewayTo(cleanup, server.url);
    const tasks = await gateway.batchPoll("gw_old", { workerId: "w", count: 2, timeoutMs: 0 });
    expect(tasks).toHaveLength(2);
    for (const task of tasks) {
      expect(await gateway.updateTask(task, COMPLETED, "w")).toEqual({ kind: "accepted" });
      expect(server.getTask(task.taskId)?.status).toBe("COMPLETED");
    }
    expect(updatesSeen(server)).toEqual([
      "/api/tasks/update-v2 405",
      "/api/tasks 200",
      "/api/tasks 200",
    ]);
  });

  it("a 404 on update-v2 from a server without the route: the legacy route, remembered", async () => {
    // Spring answers an unmapped path with 404 "No static resource", as for an unknown task.
    const server = await startScriptedServer((request) =>
      request.path === "/api/tasks"
        ? { status: 200, body: JSON.parse(request.body).taskId, contentType: "text/plain" }
        : { status: 404, body: JSON.stringify({ message: "No static resource." }) },
    );
    cleanup(() => server.close());
    const gateway = await gatewayTo(cleanup, server.url);
    const task = { taskId: "t-1", workflowInstanceId: "wf-1" };
    expect(await gateway.updateTask(task, COMPLETED, "w-3")).toEqual({ kind: "accepted" });
    expect(await gateway.updateTask({ ...task, taskId: "t-2" }, COMPLETED, "w-3")).toEqual({
      kind: "accepted",
    });
    const posts = server.requests.filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path)).toEqual(["/api/tasks/update-v2", "/api/tasks", "/api/tasks"]);
    expect(JSON.parse(posts[1]!.body)).toEqual({
      ...COMPLETED,
      taskId: "t-1",
      workflowInstanceId: "wf-1",
      workerId: "w-3",
    });
  });

  it("a task neither route knows is unknown_task, and update-v2 stays in use", async () => {
    const server = await conductor();
    await queueTasks(server, "gw_gone", 1);
    const gateway = await gatewayTo(cleanup, server.url);
    const ghost = { taskId: "no-such-task", workflowInstanceId: "no-such-workflow" };
    expect(await gateway.updateTask(ghost, COMPLETED, "w")).toEqual({ kind: "unknown_task" });
    const [task] = await gateway.batchPoll("gw_gone", { workerId: "w", count: 1, timeoutMs: 0 });
    expect((await gateway.updateTask(task!, COMPLETED, "w")).kind).toBe("accepted");
    expect(updatesSeen(server)).toEqual([
      "/api/tasks/update-v2 404",
      "/api/tasks 404",
      "/api/tasks/update-v2 204",
    ]);
  });

  it("another error status on update-v2 is a ConductorHttpError; the legacy route is not tried", async () => {
    const server = await conductor();
    const gateway = await gatewayTo(cleanup, server.url);
    server.setFault({ routes: "updates", status: 500 });
    const failure = gateway.updateTask({ taskId: "t", workflowInstanceId: "w" }, COMPLETED, "w");
    await expect(failure).rejects.toMatchObject({ status: 500, route: "update-v2" });
    expect(updatesSeen(server)).toEqual(["/api/tasks/update-v2 500"]);
  });
});

describe("Orkes key auth", () => {
  it("an expired token is refreshed and the call replayed, unseen by the caller", async () => {
    const server = await conductor({ auth: { keyId: "key-1", keySecret: "secret-1" } });
    const gateway = await gatewayTo(cleanup, server.url, {
      authKey: "key-1",
      authSecret: "secret-1",
    });
    expect(await gateway.batchPoll("gw_auth", { workerId: "w", count: 1, timeoutMs: 0 })).toEqual(
      [],
    );
    server.expireTokens();
    expect(await gateway.batchPoll("gw_auth", { workerId: "w", count: 1, timeoutMs: 0 })).toEqual(
      [],
    );
    const seen = server.requests
      .filter((r) => r.path === "/api/token" || r.path.startsWith("/api/tasks/poll/"))
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(seen).toEqual([
      "POST /api/token 200",
      "GET /api/tasks/poll/batch/gw_auth 200",
      "GET /api/tasks/poll/batch/gw_auth 401",
      "POST /api/token 200",
      "GET /api/tasks/poll/batch/gw_auth 200",
    ]);
  });
});
