/** Workflow evaluation over HTTP: retries, terminal errors, optional tasks, timeouts and output. */
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
  server = await startConductorServer({ sweepIntervalMs: 50 });
});
afterEach(async () => {
  await server.close();
});

describe("retries", () => {
  it("retries a FAILED task as a new attempt, then fails the workflow with the server's reason text", async () => {
    await registerSequence(server, "wf", [
      { name: "flaky", def: { retryCount: 1, retryDelaySeconds: 0 } },
    ]);
    const workflowId = await startWorkflow(server, "wf", { n: 1 });
    const first = await pollOne(server, "flaky");
    await complete(server, first, { status: "FAILED", reasonForIncompletion: "boom 1" });
    const second = await pollOne(server, "flaky");
    expect(second.taskId).not.toBe(first.taskId);
    expect(second).toMatchObject({
      retryCount: 1,
      retriedTaskId: first.taskId,
      pollCount: 1,
      seq: 2,
      reasonForIncompletion: "boom 1",
    });
    expect(server.getTask(first.taskId as string)).toMatchObject({
      status: "FAILED",
      retried: true,
    });
    await complete(server, second, { status: "FAILED", reasonForIncompletion: "boom 2" });
    const workflow = await server.waitForWorkflow(workflowId);
    expect(workflow.status).toBe("FAILED");
    expect(workflow.reasonForIncompletion).toBe(
      `Task ${second.taskId as string} failed with status: FAILED and reason: 'boom 2'`,
    );
    expect(workflow.failedReferenceTaskNames).toEqual(["flaky_ref"]);
    expect(workflow.failedTaskNames).toEqual(["flaky"]);
    expect(workflow.tasks.map((t) => t.status)).toEqual(["FAILED", "FAILED"]);
  });

  it("lets the workflow task's retryCount override the def's", async () => {
    await registerSequence(server, "wf", [
      {
        name: "once",
        def: { retryCount: 5, retryDelaySeconds: 0 },
        workflowTask: { retryCount: 0 },
      },
    ]);
    const workflowId = await startWorkflow(server, "wf");
    await complete(server, await pollOne(server, "once"), {
      status: "FAILED",
      reasonForIncompletion: "no",
    });
    expect(server.getWorkflow(workflowId)?.status).toBe("FAILED");
  });

  it("never retries FAILED_WITH_TERMINAL_ERROR", async () => {
    await registerSequence(server, "wf", [
      { name: "fatal", def: { retryCount: 3, retryDelaySeconds: 0 } },
    ]);
    const workflowId = await startWorkflow(server, "wf");
    const task = await pollOne(server, "fatal");
    await complete(server, task, {
      status: "FAILED_WITH_TERMINAL_ERROR",
      reasonForIncompletion: "bad input",
    });
    const workflow = server.getWorkflow(workflowId)!;
    expect(workflow.status).toBe("FAILED");
    expect(workflow.tasks).toHaveLength(1);
    expect(workflow.reasonForIncompletion).toBe(
      `Task ${task.taskId as string} failed with status: FAILED and reason: 'bad input'`,
    );
  });

  it("waits retryDelaySeconds (FIXED) before the retry is pollable; unregistered tasks use the 60 s default", async () => {
    await registerSequence(server, "wf", [
      { name: "delayed", def: { retryCount: 1, retryDelaySeconds: 1 } },
    ]);
    await startWorkflow(server, "wf");
    await complete(server, await pollOne(server, "delayed"), { status: "FAILED" });
    expect((await pollBatch(server, "delayed")).json).toEqual([]);
    const retry = await pollOne(server, "delayed", "count=1&timeout=4000&workerid=w1");
    expect(retry.retryCount).toBe(1);

    await registerSequence(server, "adhoc", [{ name: "unregistered" }]);
    const workflowId = await startWorkflow(server, "adhoc");
    const task = await pollOne(server, "unregistered");
    expect(task.workflowTask).toMatchObject({
      taskDefinition: {
        retryCount: 3,
        retryDelaySeconds: 60,
        responseTimeoutSeconds: 3600,
        timeoutPolicy: "TIME_OUT_WF",
      },
    });
    await complete(server, task, { status: "FAILED" });
    const retried = server.getWorkflow(workflowId)!.tasks[1]!;
    expect(retried).toMatchObject({ status: "SCHEDULED", retryCount: 1, startDelayInSeconds: 60 });
  });

  it("computes LINEAR_BACKOFF and EXPONENTIAL_BACKOFF delays from the failed attempt", async () => {
    await registerSequence(server, "lin", [
      {
        name: "lin",
        def: {
          retryCount: 5,
          retryDelaySeconds: 2,
          retryLogic: "LINEAR_BACKOFF",
          backoffScaleFactor: 3,
        },
      },
    ]);
    await registerSequence(server, "exp", [
      {
        name: "exp",
        def: {
          retryCount: 5,
          retryDelaySeconds: 2,
          retryLogic: "EXPONENTIAL_BACKOFF",
          maxRetryDelaySeconds: 100,
        },
      },
    ]);
    const lin = await startWorkflow(server, "lin");
    const exp = await startWorkflow(server, "exp");
    await complete(server, await pollOne(server, "lin"), { status: "FAILED" });
    await complete(server, await pollOne(server, "exp"), { status: "FAILED" });
    expect(server.getWorkflow(lin)!.tasks[1]!.startDelayInSeconds).toBe(2 * 3 * 1);
    expect(server.getWorkflow(exp)!.tasks[1]!.startDelayInSeconds).toBe(2);
  });

  it("turns an exhausted optional task into COMPLETED_WITH_ERRORS and continues", async () => {
    await registerSequence(server, "wf", [
      { name: "opt", def: { retryCount: 0 }, workflowTask: { optional: true } },
      { name: "after" },
    ]);
    const workflowId = await startWorkflow(server, "wf");
    await complete(server, await pollOne(server, "opt"), {
      status: "FAILED",
      reasonForIncompletion: "meh",
    });
    expect(server.getWorkflow(workflowId)!.tasks[0]!.status).toBe("COMPLETED_WITH_ERRORS");
    await complete(server, await pollOne(server, "after"), {
      status: "COMPLETED",
      outputData: { ok: true },
    });
    expect(server.getWorkflow(workflowId)).toMatchObject({
      status: "COMPLETED",
      output: { ok: true },
    });
  });
});

describe("timeouts", () => {
  it("times out an IN_PROGRESS task after responseTimeoutSeconds and schedules a retry; late results are ignored", async () => {
    await registerSequence(server, "wf", [
      { name: "silent", def: { retryCount: 1, retryDelaySeconds: 0, responseTimeoutSeconds: 1 } },
    ]);
    const workflowId = await startWorkflow(server, "wf");
    const first = await pollOne(server, "silent");
    const retry = await pollOne(server, "silent", "count=1&timeout=5000&workerid=w1");
    expect(retry).toMatchObject({ retryCount: 1, retriedTaskId: first.taskId });
    expect(server.getTask(first.taskId as string)).toMatchObject({
      status: "TIMED_OUT",
      reasonForIncompletion: `responseTimeout: 1 exceeded for the taskId: ${first.taskId as string} with Task Definition: silent`,
    });
    expect((await complete(server, first, { status: "COMPLETED" })).status).toBe(200);
    expect(server.getTask(first.taskId as string)?.status).toBe("TIMED_OUT");
    // Exhausted: the workflow times out.
    const workflow = await server.waitForWorkflow(workflowId, { timeoutMs: 5000 });
    expect(workflow.status).toBe("TIMED_OUT");
    expect(workflow.reasonForIncompletion).toBe(
      `Task ${retry.taskId as string} failed with status: TIMED_OUT and reason: 'responseTimeout: 1 exceeded for the taskId: ${retry.taskId as string} with Task Definition: silent'`,
    );
  });

  it("applies timeoutSeconds with TIME_OUT_WF: task and workflow TIMED_OUT without retry", async () => {
    await registerSequence(server, "wf", [
      { name: "long", def: { timeoutSeconds: 1, responseTimeoutSeconds: 1, retryCount: 3 } },
    ]);
    const workflowId = await startWorkflow(server, "wf");
    const task = await pollOne(server, "long");
    // Keep the response timeout from firing by extending the lease.
    await sleep(600);
    await complete(server, task, { status: "IN_PROGRESS", extendLease: true });
    const workflow = await server.waitForWorkflow(workflowId, { timeoutMs: 5000 });
    expect(workflow.status).toBe("TIMED_OUT");
    expect(workflow.tasks).toHaveLength(1);
    expect(workflow.tasks[0]).toMatchObject({
      status: "TIMED_OUT",
      reasonForIncompletion: expect.stringContaining("Timeout policy configured to TIME_OUT_WF"),
    });
  });
});

describe("workflow input and output", () => {
  it("evaluates outputParameters, typed single expressions and interpolated strings", async () => {
    await registerSequence(
      server,
      "wf",
      [
        {
          name: "first",
          workflowTask: {
            inputParameters: {
              all: "${workflow.input}",
              nested: { deep: "${workflow.input.a.b.c}", list: ["${workflow.input.n}", "literal"] },
              text: "n=${workflow.input.n} of ${workflow.input.a.b}",
              missing: "${workflow.input.none}",
            },
          },
        },
        {
          name: "second",
          workflowTask: {
            inputParameters: { prev: "${first_ref.output}", item: "${first_ref.output.items[1]}" },
          },
        },
      ],
      { outputParameters: { total: "${second_ref.output.total}", echoed: "${workflow.input.n}" } },
    );
    const workflowId = await startWorkflow(server, "wf", { n: 7, a: { b: { c: true } } });
    const first = await pollOne(server, "first");
    expect(first.inputData).toEqual({
      all: { n: 7, a: { b: { c: true } } },
      nested: { deep: true, list: [7, "literal"] },
      text: 'n=7 of {"c":true}',
      missing: null,
    });
    await complete(server, first, { status: "COMPLETED", outputData: { items: ["x", "y"] } });
    const second = await pollOne(server, "second");
    expect(second.inputData).toEqual({ prev: { items: ["x", "y"] }, item: "y" });
    await complete(server, second, { status: "COMPLETED", outputData: { total: 3 } });
    const workflow = (await api(server, "GET", `/api/workflow/${workflowId}?includeTasks=false`))
      .json as Record<string, unknown>;
    expect(workflow).toMatchObject({
      status: "COMPLETED",
      output: { total: 3, echoed: 7 },
      tasks: [],
      workflowName: "wf",
      workflowVersion: 1,
    });
  });

  it("starts by name with query parameters, and 404s unknown workflows and ids", async () => {
    await registerSequence(server, "byname", [{ name: "t" }]);
    const started = await api(
      server,
      "POST",
      "/api/workflow/byname?version=1&correlationId=corr-1",
      { k: "v" },
    );
    expect(started.status).toBe(200);
    expect(started.contentType).toContain("text/plain");
    expect(server.getWorkflow(started.text)).toMatchObject({
      input: { k: "v" },
      correlationId: "corr-1",
      status: "RUNNING",
    });
    expect((await api(server, "POST", "/api/workflow/nope", {})).status).toBe(404);
    const missing = await api(server, "GET", "/api/workflow/no-such-id");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      status: 404,
      message: "Workflow with id: no-such-id not found.",
    });
  });
});
