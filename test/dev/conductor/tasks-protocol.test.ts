/** The worker-facing REST protocol over plain fetch: polls, long polls, updates, logs, poll data. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../../dev/conductor/index.js";
import {
  api,
  complete,
  pollBatch,
  pollOne,
  registerSequence,
  sleep,
  startWorkflow,
} from "./harness.js";

let server: ConductorServer;
beforeEach(async () => {
  server = await startConductorServer();
});
afterEach(async () => {
  await server.close();
});

describe("batch poll", () => {
  it("answers 200 application/json [] when nothing is queued, after roughly the timeout", async () => {
    const started = Date.now();
    const response = await pollBatch(server, "nothing", "count=1&timeout=300&workerid=w1");
    expect(response.status).toBe(200);
    expect(response.contentType).toContain("application/json");
    expect(response.json).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("answers a bare 204 without Content-Type in no-content mode", async () => {
    const old = await startConductorServer({ emptyPoll: "no-content" });
    try {
      const response = await pollBatch(old, "nothing");
      expect(response.status).toBe(204);
      expect(response.contentType).toBeNull();
      expect(response.text).toBe("");
    } finally {
      await old.close();
    }
  });

  it("rejects a timeout over 5000 ms with a 400 ErrorResponse", async () => {
    const response = await pollBatch(server, "t", "count=1&timeout=5001");
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      status: 400,
      message: "Long Poll Timeout value cannot be more than 5 seconds",
      retryable: false,
    });
    expect(response.json).toHaveProperty("instance");
  });

  it("marks polled tasks IN_PROGRESS with worker, pollCount, times and evaluated input", async () => {
    await registerSequence(server, "wf", [
      { name: "step", workflowTask: { inputParameters: { who: "${workflow.input.name}" } } },
    ]);
    const workflowId = await startWorkflow(server, "wf", { name: "ada" });
    const before = Date.now();
    const task = await pollOne(server, "step", "count=1&timeout=0&workerid=worker-7");
    expect(task).toMatchObject({
      taskType: "step",
      taskDefName: "step",
      referenceTaskName: "step_ref",
      status: "IN_PROGRESS",
      workerId: "worker-7",
      pollCount: 1,
      retryCount: 0,
      seq: 1,
      callbackAfterSeconds: 0,
      responseTimeoutSeconds: 3600,
      workflowInstanceId: workflowId,
      workflowType: "wf",
      inputData: { who: "ada" },
      outputData: {},
    });
    expect(task.startTime as number).toBeGreaterThanOrEqual(before - 5);
    expect(task).not.toHaveProperty("domain"); // non-null fields only
    expect(task).not.toHaveProperty("logs");
    // The queue message was acked: nothing more to poll.
    expect((await pollBatch(server, "step")).json).toEqual([]);
  });

  it("honours count and hands out up to count tasks", async () => {
    await registerSequence(server, "wf", [{ name: "many" }]);
    for (let i = 0; i < 3; i++) await startWorkflow(server, "wf");
    const first = await pollBatch(server, "many", "count=2&timeout=0&workerid=w");
    expect((first.json as unknown[]).length).toBe(2);
    const second = await pollBatch(server, "many", "count=5&timeout=200&workerid=w");
    expect((second.json as unknown[]).length).toBe(1);
  });

  it("long poll hands out a task queued mid-poll well before its timeout", async () => {
    await registerSequence(server, "wf", [{ name: "late" }]);
    const started = Date.now();
    const poll = pollBatch(server, "late", "count=1&timeout=5000&workerid=w");
    await sleep(300);
    const workflowId = await startWorkflow(server, "wf");
    const response = await poll;
    const elapsed = Date.now() - started;
    expect(response.json).toMatchObject([
      { workflowInstanceId: workflowId, status: "IN_PROGRESS" },
    ]);
    expect(elapsed).toBeLessThan(3500); // generous: the timeout was 5000
  });

  it("a long poll whose client went away still takes a task queued during it, as the real server does", async () => {
    await registerSequence(server, "wf", [{ name: "orphaned" }]);
    const gone = new AbortController();
    const poll = fetch(
      `${server.url}/api/tasks/poll/batch/orphaned?count=1&timeout=2000&workerid=dead`,
      {
        signal: gone.signal,
      },
    ).catch(() => undefined);
    await sleep(200);
    gone.abort();
    await poll;
    await sleep(100);
    const workflowId = await startWorkflow(server, "wf");
    await sleep(300);
    // Handed to the vanished poll: IN_PROGRESS for "dead", and nothing left for the next one.
    expect(server.getWorkflow(workflowId)?.tasks[0]).toMatchObject({
      status: "IN_PROGRESS",
      workerId: "dead",
    });
    expect((await pollBatch(server, "orphaned", "count=1&timeout=0&workerid=w")).json).toEqual([]);
  });

  it("keeps per-domain queues apart and records poll data per worker", async () => {
    await registerSequence(server, "wf", [{ name: "dom" }]);
    const workflowId = await startWorkflow(server, "wf", {}, { taskToDomain: { dom: "blue" } });
    expect((await pollBatch(server, "dom", "count=1&timeout=0&workerid=plain")).json).toEqual([]);
    const task = await pollOne(server, "dom", "count=1&timeout=0&workerid=bw&domain=blue");
    expect(task).toMatchObject({ domain: "blue", workflowInstanceId: workflowId });
    const pollData = await api(server, "GET", "/api/tasks/queue/polldata?taskType=dom");
    expect(pollData.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          queueName: "dom",
          workerId: "plain",
          lastPollTime: expect.any(Number),
        }),
        expect.objectContaining({ queueName: "dom", domain: "blue", workerId: "bw" }),
      ]),
    );
  });
});

describe("task updates", () => {
  it("POST /api/tasks answers text/plain taskId, replaces output and completes the workflow", async () => {
    await registerSequence(server, "wf", [
      { name: "a" },
      { name: "b", workflowTask: { inputParameters: { fromA: "${a_ref.output.value}" } } },
    ]);
    const workflowId = await startWorkflow(server, "wf");
    const a = await pollOne(server, "a");
    const response = await complete(server, a, { status: "COMPLETED", outputData: { value: 41 } });
    expect(response.status).toBe(200);
    expect(response.contentType).toContain("text/plain");
    expect(response.text).toBe(a.taskId);
    const b = await pollOne(server, "b");
    expect(b.inputData).toEqual({ fromA: 41 });
    expect(b.seq).toBe(2);
    await complete(server, b, { status: "COMPLETED", outputData: { done: true } });
    const workflow = server.getWorkflow(workflowId);
    expect(workflow).toMatchObject({ status: "COMPLETED", output: { done: true } });
    expect(workflow?.endTime).toBeGreaterThan(0);
  });

  it("rejects unknown tasks with 404, missing ids with 400 and a missing status with 500", async () => {
    const unknown = await api(server, "POST", "/api/tasks", {
      workflowInstanceId: "w",
      taskId: "nope",
      status: "COMPLETED",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ status: 404, message: "No such task found by id: nope" });
    const missing = await api(server, "POST", "/api/tasks", { status: "COMPLETED" });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ status: 400, validationErrors: expect.any(Array) });
    await registerSequence(server, "wf", [{ name: "a" }]);
    await startWorkflow(server, "wf");
    const a = await pollOne(server, "a");
    const noStatus = await complete(server, a, {});
    expect(noStatus.status).toBe(500);
    expect(noStatus.json).toMatchObject({ status: 500 });
  });

  it("ignores results for terminal tasks and terminal workflows", async () => {
    await registerSequence(server, "wf", [{ name: "a" }]);
    const workflowId = await startWorkflow(server, "wf");
    const a = await pollOne(server, "a");
    await complete(server, a, { status: "COMPLETED", outputData: { first: 1 } });
    const again = await complete(server, a, { status: "FAILED", outputData: { second: 2 } });
    expect(again.status).toBe(200);
    expect(server.getTask(a.taskId as string)).toMatchObject({
      status: "COMPLETED",
      outputData: { first: 1 },
    });
    expect(server.getWorkflow(workflowId)?.status).toBe("COMPLETED");

    const other = await startWorkflow(server, "wf");
    const b = await pollOne(server, "a");
    expect((await api(server, "DELETE", `/api/workflow/${other}`)).status).toBe(200);
    expect((await complete(server, b, { status: "COMPLETED" })).status).toBe(200);
    expect(server.getWorkflow(other)).toMatchObject({ status: "TERMINATED" });
    expect(server.getTask(b.taskId as string)?.status).toBe("CANCELED");
  });

  it("IN_PROGRESS with callbackAfterSeconds re-queues the same task, which comes back with pollCount+1", async () => {
    await registerSequence(server, "wf", [{ name: "slow" }]);
    await startWorkflow(server, "wf");
    const first = await pollOne(server, "slow");
    await complete(server, first, {
      status: "IN_PROGRESS",
      callbackAfterSeconds: 1,
      outputData: { progress: 50 },
    });
    expect(server.getTask(first.taskId as string)).toMatchObject({
      status: "SCHEDULED",
      callbackAfterSeconds: 1,
      outputData: { progress: 50 },
    });
    expect((await pollBatch(server, "slow")).json).toEqual([]); // not before the callback delay
    const started = Date.now();
    const again = await pollOne(server, "slow", "count=1&timeout=4000&workerid=w1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(again).toMatchObject({
      taskId: first.taskId,
      pollCount: 2,
      retryCount: 0,
      startTime: first.startTime,
      callbackAfterSeconds: 0,
      status: "IN_PROGRESS",
      outputData: { progress: 50 },
    });
  });

  it("extendLease only bumps updateTime", async () => {
    await registerSequence(server, "wf", [{ name: "a" }]);
    await startWorkflow(server, "wf");
    const a = await pollOne(server, "a");
    await sleep(20);
    const response = await complete(server, a, {
      status: "IN_PROGRESS",
      extendLease: true,
      outputData: { x: 1 },
    });
    expect(response.status).toBe(200);
    const task = server.getTask(a.taskId as string);
    expect(task).toMatchObject({ status: "IN_PROGRESS", outputData: {} });
    expect(task!.updateTime).toBeGreaterThan(a.updateTime as number);
  });

  it("stores logs apart from the task, truncates reasons to 500 chars", async () => {
    await registerSequence(server, "wf", [{ name: "a", def: { retryCount: 0 } }]);
    await startWorkflow(server, "wf");
    const a = await pollOne(server, "a");
    const taskId = a.taskId as string;
    expect((await api(server, "GET", `/api/tasks/${taskId}/log`)).status).toBe(204);
    await complete(server, a, {
      status: "FAILED",
      reasonForIncompletion: "x".repeat(600),
      logs: [{ log: "hello", createdTime: 5, taskId: "other" }],
    });
    expect(
      (await api(server, "POST", `/api/tasks/${taskId}/log`, JSON.stringify("added"))).status,
    ).toBe(200);
    const logs = await api(server, "GET", `/api/tasks/${taskId}/log`);
    expect(logs.json).toEqual([
      { log: "hello", taskId, createdTime: 5 },
      { log: '"added"', taskId, createdTime: expect.any(Number) },
    ]);
    const task = (await api(server, "GET", `/api/tasks/${taskId}`)).json as Record<string, unknown>;
    expect(task).not.toHaveProperty("logs");
    expect((task.reasonForIncompletion as string).length).toBe(500);
    expect((await api(server, "GET", "/api/tasks/unknown-id")).status).toBe(404);
  });

  it("update-v2 answers 204 for IN_PROGRESS and hands over the next task of the type after a terminal update", async () => {
    await registerSequence(server, "wf", [{ name: "a" }]);
    await startWorkflow(server, "wf");
    const other = await startWorkflow(server, "wf");
    const a = await pollOne(server, "a");
    const body = {
      workflowInstanceId: a.workflowInstanceId,
      taskId: a.taskId,
      workerId: "v2worker",
    };
    const inProgress = await api(server, "POST", "/api/tasks/update-v2", {
      ...body,
      status: "IN_PROGRESS",
      callbackAfterSeconds: 60,
    });
    expect(inProgress.status).toBe(204);
    expect(inProgress.contentType).toBeNull();
    const done = await api(server, "POST", "/api/tasks/update-v2", {
      ...body,
      status: "COMPLETED",
    });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      workflowInstanceId: other,
      status: "IN_PROGRESS",
      workerId: "v2worker",
      pollCount: 1,
    });
    const none = await api(server, "POST", "/api/tasks/update-v2", {
      ...body,
      status: "COMPLETED",
    });
    expect(none.status).toBe(204);
    expect(
      (
        await api(server, "POST", "/api/tasks/update-v2", {
          workflowInstanceId: "x",
          taskId: "missing",
          status: "COMPLETED",
        })
      ).status,
    ).toBe(404);
  });

  it("answers 405 on update-v2 in method-not-allowed mode", async () => {
    const old = await startConductorServer({ updateV2: "method-not-allowed" });
    try {
      const response = await api(old, "POST", "/api/tasks/update-v2", {
        workflowInstanceId: "w",
        taskId: "t",
        status: "COMPLETED",
      });
      expect(response.status).toBe(405);
      expect(response.json).toMatchObject({ status: 405 });
    } finally {
      await old.close();
    }
  });
});

describe("rate and concurrency limits at poll time", () => {
  it("postpones tasks over rateLimitPerFrequency instead of returning them", async () => {
    const limited = await startConductorServer({ rateLimitPostponeMs: 400 });
    try {
      await registerSequence(limited, "wf", [
        { name: "rl", def: { rateLimitPerFrequency: 1, rateLimitFrequencyInSeconds: 1 } },
      ]);
      for (let i = 0; i < 3; i++) await startWorkflow(limited, "wf");
      const first = await pollBatch(limited, "rl", "count=3&timeout=0&workerid=w");
      expect((first.json as unknown[]).length).toBe(1);
      expect((await pollBatch(limited, "rl", "count=3&timeout=0&workerid=w")).json).toEqual([]);
      expect(limited.queueSize("rl")).toBe(2); // postponed, not lost
      await sleep(1100); // window over and postponement elapsed
      const later = await pollBatch(limited, "rl", "count=3&timeout=0&workerid=w");
      expect((later.json as unknown[]).length).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it("postpones tasks over concurrentExecLimit until a running one finishes", async () => {
    const limited = await startConductorServer({ rateLimitPostponeMs: 100 });
    try {
      await registerSequence(limited, "wf", [{ name: "cc", def: { concurrentExecLimit: 1 } }]);
      await startWorkflow(limited, "wf");
      await startWorkflow(limited, "wf");
      const first = await pollBatch(limited, "cc", "count=2&timeout=0&workerid=w");
      expect((first.json as unknown[]).length).toBe(1);
      await complete(limited, (first.json as Array<Record<string, unknown>>)[0]!, {
        status: "COMPLETED",
      });
      const second = await pollBatch(limited, "cc", "count=1&timeout=2000&workerid=w");
      expect((second.json as unknown[]).length).toBe(1);
    } finally {
      await limited.close();
    }
  });
});
