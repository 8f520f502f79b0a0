import { describe, expect, it } from "vitest";
import {
  registerOneTaskWorkflow,
  registerTaskDefs,
  startWorkflow,
} from "../support/conductor-rest.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { until } from "../support/until.js";
import { startStage, startWorker } from "./stage.js";

/**
 * kill -9 of the worker in the middle of a task: nothing tells Conductor, so the task comes
 * back through the TaskDef's responseTimeoutSeconds, a fresh worker completes it, and Common
 * Room's state is as if it ran once (the write is an upsert on the user's id).
 */

const TOKEN = "crash-test-token-5521";
const cleanup = cleanupAfterEach();

describe("crash recovery", () => {
  it("kill -9 mid-task, then a fresh worker: the task returns through responseTimeout and completes once", async () => {
    const { conductor, sim, env } = await startStage(cleanup, { token: TOKEN });
    // The registered TaskDefs, with the response timeout shortened from 60 s to 2 s: the
    // worker gives each attempt 80 % of it, 1.6 s.
    await registerTaskDefs(conductor.url, { responseTimeoutSeconds: 2, retryDelaySeconds: 0 });
    await registerOneTaskWorkflow(conductor.url, "crash_add_user", "common_room_add_or_edit_user", {
      user: "${workflow.input.user}",
    });
    // Only the first write is slow (Common Room applies it after 1.5 s, whoever is still
    // listening), so the kill lands while it is under way. The fresh worker's write is
    // answered at once: it finishes far inside its 1.6 s even on a loaded machine.
    sim.inject({ match: { method: "POST" }, delayMs: 1500 });

    const doomed = await startWorker(cleanup, env);
    const workflowId = await startWorkflow(conductor.url, "crash_add_user", {
      user: { id: "crash-user-1", email: "crash@example.com" },
    });
    await until(
      () => sim.requests.some((r) => r.method === "POST"),
      10_000,
      "the write to reach Common Room",
    );
    doomed.child.kill("SIGKILL");
    await doomed.exited;

    await startWorker(cleanup, env);
    const run = await conductor.waitForWorkflow(workflowId, { timeoutMs: 20_000 });
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks.map((t) => t.status)).toEqual(["TIMED_OUT", "COMPLETED"]);
    expect(run.tasks[0]?.reasonForIncompletion).toContain("responseTimeout");
    expect(run.tasks[1]?.workerId).toBeDefined();
    // As if it ran once: two writes arrived (the killed worker's and the fresh one's), one user.
    expect(sim.requests.filter((r) => r.method === "POST")).toHaveLength(2);
    const users = [...sim.state.users.keys()].filter((key) => key.endsWith(":crash-user-1"));
    expect(users).toEqual(["1001:crash-user-1"]);
  });
});
