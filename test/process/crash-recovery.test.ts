import { afterEach, describe, expect, it } from "vitest";
import { startConductorUnderTest } from "../support/conductor.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { taskDefinitions } from "../../src/worker/task-defs.js";
import { operations } from "../../src/operations/index.js";
import { until } from "../support/until.js";
import { runCli } from "./worker-process.js";

/**
 * kill -9 of the worker in the middle of a task: nothing tells Conductor, so the task comes
 * back through the TaskDef's responseTimeoutSeconds, a fresh worker completes it, and Common
 * Room's state is as if it ran once (the write is an upsert on the user's id).
 */

const TOKEN = "crash-test-token-5521";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("crash recovery", () => {
  it("kill -9 mid-task, then a fresh worker: the task returns through responseTimeout and completes once", async () => {
    const conductor = await startConductorUnderTest({ sweepIntervalMs: 50 });
    cleanups.push(() => conductor.close());
    // Common Room is slow, so the kill lands while the write is under way.
    const sim = createCommonRoomSimulator({ tokens: [TOKEN], latencyMs: 1500 });
    const simServer = await startCommonRoomServer(sim, { port: 0 });
    cleanups.push(() => simServer.close());

    // The registered TaskDefs, with the response timeout shortened from 60 s to 2 s.
    const defs = taskDefinitions(operations, { prefix: "common_room_" }).map((d) => ({
      ...d,
      responseTimeoutSeconds: 2,
      retryDelaySeconds: 0,
    }));
    await fetch(`${conductor.url}/api/metadata/taskdefs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(defs),
    });
    await fetch(`${conductor.url}/api/metadata/workflow?overwrite=true`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "crash_add_user",
        version: 1,
        timeoutSeconds: 0,
        tasks: [
          {
            name: "common_room_add_or_edit_user",
            taskReferenceName: "add_user",
            type: "SIMPLE",
            inputParameters: { user: { id: "crash-user-1", email: "crash@example.com" } },
          },
        ],
      }),
    });
    const env = {
      CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
      COMMON_ROOM_API_URL: simServer.url,
      COMMON_ROOM_API_TOKEN: TOKEN,
      COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
      WORKER_HTTP_PORT: "0",
      CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "1000",
    };

    const doomed = runCli(["start"], env);
    cleanups.push(async () => doomed.child.exitCode === null && doomed.child.kill("SIGKILL"));
    await doomed.waitForOutput('"msg":"polling Conductor"');
    const workflowId = await (
      await fetch(`${conductor.url}/api/workflow/crash_add_user`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      })
    ).text();
    await until(
      async () => (await conductor.getWorkflow(workflowId))?.tasks[0]?.status === "IN_PROGRESS",
      10_000,
      "the task to be taken",
    );
    await new Promise((r) => setTimeout(r, 300)); // the write is now on its way to Common Room
    doomed.child.kill("SIGKILL");
    await doomed.exited;

    const fresh = runCli(["start"], env);
    cleanups.push(async () => {
      if (fresh.child.exitCode === null) {
        fresh.child.kill("SIGTERM");
        await fresh.exited;
      }
    });
    const run = await conductor.waitForWorkflow(workflowId, { timeoutMs: 20_000 });
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks.map((t) => t.status)).toEqual(["TIMED_OUT", "COMPLETED"]);
    expect(run.tasks[0]?.reasonForIncompletion).toContain("responseTimeout");
    expect(run.tasks[1]?.workerId).toBeDefined();
    // As if it ran once: one user, however many writes arrived.
    const users = [...sim.state.users.keys()].filter((key) => key.endsWith(":crash-user-1"));
    expect(users).toEqual(["1001:crash-user-1"]);
    expect(sim.requests.filter((r) => r.method === "POST").length).toBeGreaterThanOrEqual(1);
  });
});
