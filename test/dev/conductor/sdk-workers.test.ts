/**
 * The real SDK (TaskHandler, WorkflowExecutor, MetadataClient) against the fake server:
 * update-v2 path, retries, IN_PROGRESS callbacks, response timeouts, rate limits and auth.
 */
import type { Task } from "@io-orkes/conductor-javascript";
import { afterEach, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../../dev/conductor/index.js";
import { until } from "../../support/until.js";
import { sdkSession, type SdkSession } from "./sdk-harness.js";

let server: ConductorServer | undefined;
let session: SdkSession | undefined;

afterEach(async () => {
  await session?.stop();
  await server?.close();
  session = undefined;
  server = undefined;
});

async function setup(
  opts: Parameters<typeof startConductorServer>[0] = {},
  auth?: { keyId: string; keySecret: string },
) {
  server = await startConductorServer({ sweepIntervalMs: 50, auth, ...opts });
  session = await sdkSession(server, auth);
  return { server, session };
}

const simpleWorkflow = (name: string, taskName: string, extra: Record<string, unknown> = {}) => ({
  name,
  version: 1,
  tasks: [
    {
      name: taskName,
      taskReferenceName: `${taskName}_ref`,
      type: "SIMPLE",
      inputParameters: { name: "${workflow.input.name}" },
    },
  ],
  outputParameters: {},
  timeoutSeconds: 0,
  ...extra,
});

describe("SDK workers", () => {
  it("registers defs, starts a workflow and completes it through TaskHandler over update-v2", async () => {
    const { server, session } = await setup();
    await session.metadata.registerTasks([
      { name: "greet", timeoutSeconds: 60, responseTimeoutSeconds: 30 } as never,
    ]);
    await session.metadata.registerWorkflowDef(
      simpleWorkflow("greeting", "greet", {
        outputParameters: { message: "${greet_ref.output.message}" },
      }) as never,
    );
    await session.run([
      {
        taskDefName: "greet",
        execute: async (task: Task) => ({
          status: "COMPLETED",
          outputData: { message: `hello ${String(task.inputData?.name)}` },
        }),
      },
    ]);
    const workflowId = await session.executor.startWorkflow({
      name: "greeting",
      version: 1,
      input: { name: "ada" },
    });
    const workflow = await server.waitForWorkflow(workflowId);
    expect(workflow).toMatchObject({ status: "COMPLETED", output: { message: "hello ada" } });
    const viaSdk = await session.executor.getWorkflow(workflowId, true);
    expect(viaSdk.status).toBe("COMPLETED");
    expect(viaSdk.tasks?.[0]?.outputData).toEqual({ message: "hello ada" });
    // update-v2 answers after its 100 ms poll for a next task, so it is recorded a bit later.
    await until(
      () => server.requests.some((r) => r.path === "/api/tasks/update-v2" && r.status === 204),
      5000,
      "update-v2 204",
    );
    const updates = server.requests.filter(
      (r) => r.method === "POST" && r.path.startsWith("/api/tasks"),
    );
    expect(updates.some((r) => r.path === "/api/tasks")).toBe(false);
    expect(
      server.requests.some(
        (r) =>
          r.path === "/api/tasks/poll/batch/greet" &&
          r.query.count === "1" &&
          r.query.timeout === "100",
      ),
    ).toBe(true);
  });

  it("retries a task whose worker throws, then fails the workflow once retries are exhausted", async () => {
    const { server, session } = await setup();
    await session.metadata.registerTasks([
      { name: "explode", timeoutSeconds: 0, retryCount: 1, retryDelaySeconds: 0 } as never,
    ]);
    await session.metadata.registerWorkflowDef(simpleWorkflow("exploding", "explode") as never);
    let attempts = 0;
    await session.run([
      {
        taskDefName: "explode",
        execute: async () => {
          attempts++;
          throw new Error(`boom ${attempts}`);
        },
      },
    ]);
    const workflowId = await session.executor.startWorkflow({
      name: "exploding",
      version: 1,
      input: {},
    });
    const workflow = await server.waitForWorkflow(workflowId);
    expect(workflow.status).toBe("FAILED");
    expect(workflow.tasks.map((t) => [t.status, t.retryCount])).toEqual([
      ["FAILED", 0],
      ["FAILED", 1],
    ]);
    expect(workflow.tasks[1]!.retriedTaskId).toBe(workflow.tasks[0]!.taskId);
    expect(workflow.reasonForIncompletion).toBe(
      `Task ${workflow.tasks[1]!.taskId} failed with status: FAILED and reason: 'boom 2'`,
    );
    const logs = await fetch(`${server.url}/api/tasks/${workflow.tasks[0]!.taskId}/log`).then((r) =>
      r.json(),
    );
    expect(JSON.stringify(logs)).toContain("boom 1"); // the SDK's stack trace log, stored apart
  });

  it("brings an IN_PROGRESS task with callbackAfterSeconds back with the same taskId and pollCount+1", async () => {
    const { server, session } = await setup();
    await session.metadata.registerWorkflowDef(simpleWorkflow("patient", "wait_a_bit") as never);
    const seen: Array<{ taskId?: string; pollCount?: number }> = [];
    await session.run([
      {
        taskDefName: "wait_a_bit",
        execute: async (task: Task) => {
          seen.push({ taskId: task.taskId, pollCount: task.pollCount });
          if ((task.pollCount ?? 0) < 2)
            return { status: "IN_PROGRESS", callbackAfterSeconds: 1, outputData: { stage: 1 } };
          return { status: "COMPLETED", outputData: { stage: 2, previous: task.outputData } };
        },
      },
    ]);
    const workflowId = await session.executor.startWorkflow({
      name: "patient",
      version: 1,
      input: {},
    });
    const workflow = await server.waitForWorkflow(workflowId);
    expect(workflow.status).toBe("COMPLETED");
    expect(seen).toHaveLength(2);
    expect(seen[1]!.taskId).toBe(seen[0]!.taskId);
    expect(seen.map((s) => s.pollCount)).toEqual([1, 2]);
    expect(workflow.output).toEqual({ stage: 2, previous: { stage: 1 } });
    expect(workflow.tasks).toHaveLength(1);
  });

  it("times out a silent worker after responseTimeoutSeconds and completes on the retry", async () => {
    const { server, session } = await setup();
    await session.metadata.registerTasks([
      {
        name: "sleepy",
        timeoutSeconds: 0,
        responseTimeoutSeconds: 1,
        retryCount: 2,
        retryDelaySeconds: 0,
      } as never,
    ]);
    await session.metadata.registerWorkflowDef(simpleWorkflow("sleepy_wf", "sleepy") as never);
    let release: () => void = () => {};
    const hung = new Promise<void>((resolve) => (release = resolve));
    await session.run([
      {
        taskDefName: "sleepy",
        concurrency: 2,
        execute: async (task: Task) => {
          if (task.retryCount === 0) await hung; // never answers in time
          return { status: "COMPLETED", outputData: { attempt: task.retryCount } };
        },
      },
    ]);
    const workflowId = await session.executor.startWorkflow({
      name: "sleepy_wf",
      version: 1,
      input: {},
    });
    const workflow = await server.waitForWorkflow(workflowId, { timeoutMs: 8000 });
    release();
    expect(workflow.status).toBe("COMPLETED");
    expect(workflow.tasks[0]).toMatchObject({
      status: "TIMED_OUT",
      reasonForIncompletion: expect.stringContaining("responseTimeout: 1 exceeded"),
    });
    expect(workflow.output).toEqual({ attempt: 1 });
    // The late result of the timed-out attempt is ignored.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.getWorkflow(workflowId)!.tasks[0]!.status).toBe("TIMED_OUT");
  });

  it("spreads task starts per rateLimitPerFrequency even with spare worker concurrency", async () => {
    const { server, session } = await setup({ rateLimitPostponeMs: 200 });
    await session.metadata.registerTasks([
      {
        name: "limited",
        timeoutSeconds: 0,
        rateLimitPerFrequency: 1,
        rateLimitFrequencyInSeconds: 1,
      } as never,
    ]);
    await session.metadata.registerWorkflowDef(simpleWorkflow("limited_wf", "limited") as never);
    await session.run([
      {
        taskDefName: "limited",
        concurrency: 3,
        execute: async () => ({ status: "COMPLETED", outputData: {} }),
      },
    ]);
    const ids = [
      await session.executor.startWorkflow({ name: "limited_wf", version: 1, input: {} }),
      await session.executor.startWorkflow({ name: "limited_wf", version: 1, input: {} }),
    ];
    const done = await Promise.all(
      ids.map((id) => server.waitForWorkflow(id, { timeoutMs: 8000 })),
    );
    const starts = done.map((wf) => wf.tasks[0]!.startTime).sort((a, b) => a - b);
    expect(done.every((wf) => wf.status === "COMPLETED")).toBe(true);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(950);
  });

  it("authenticates with keyId/keySecret and recovers from an expired token", async () => {
    const { server, session } = await setup({}, { keyId: "k1", keySecret: "s1" });
    await session.metadata.registerWorkflowDef(simpleWorkflow("secure", "guarded") as never);
    server.expireTokens();
    await session.run([
      {
        taskDefName: "guarded",
        execute: async () => ({ status: "COMPLETED", outputData: { ok: true } }),
      },
    ]);
    const workflowId = await session.executor.startWorkflow({
      name: "secure",
      version: 1,
      input: {},
    });
    expect((await server.waitForWorkflow(workflowId)).status).toBe("COMPLETED");
    expect(
      server.requests.filter((r) => r.path === "/api/token" && r.status === 200).length,
    ).toBeGreaterThanOrEqual(2);
    expect(server.requests.some((r) => r.status === 401)).toBe(true);
  });
});
