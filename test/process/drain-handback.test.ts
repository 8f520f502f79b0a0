import { describe, expect, it } from "vitest";
import { registerOneTaskWorkflow, startWorkflow } from "../support/conductor-rest.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { until } from "../support/until.js";
import { callsUnderWay, startStage, startWorker } from "./stage.js";

/**
 * contract.md, "Shutdown": a task that cannot finish within the drain is signalled, stops
 * starting requests, and goes back IN_PROGRESS with callbackAfterSeconds 0 and its progress,
 * so another replica resumes it at once: no retry spent, nothing written twice.
 */

const TOKEN = "drain-handback-token-57";
const cleanup = cleanupAfterEach();
const ITEMS = 60;

describe("a drain during a long bulk task", () => {
  it("SIGTERM: the first worker hands the batch back with what it wrote; a second finishes it, each item written once", async () => {
    // One second per write: 60 items at five at a time take 12 s, the drain has 4.
    const { conductor, sim, env } = await startStage(cleanup, {
      token: TOKEN,
      latencyMs: 1000,
      register: true,
    });
    await registerOneTaskWorkflow(
      conductor.url,
      "drain_bulk",
      "common_room_bulk_add_or_edit_users",
      {
        users: "${workflow.input.users}",
      },
    );
    const users = Array.from({ length: ITEMS }, (_, i) => ({
      id: `drain-user-${i}`,
      email: `drain.user.${i}@example.com`,
    }));
    const first = await startWorker(cleanup, { ...env, SHUTDOWN_TIMEOUT_MS: "4000" });
    const workflowId = await startWorkflow(conductor.url, "drain_bulk", { users });
    await callsUnderWay(sim, 5);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const output = first.output.join("");
    expect(output).toContain("handing the task back");
    expect(output).toContain("drained");

    const handedBack = (await conductor.getWorkflow(workflowId))!.tasks[0]!;
    // Back in Conductor's queue (an IN_PROGRESS update with a callback re-queues the task).
    expect(["SCHEDULED", "IN_PROGRESS"]).toContain(handedBack.status);
    expect(handedBack.callbackAfterSeconds ?? 0).toBe(0);
    expect(handedBack.outputData).toMatchObject({ waiting: { code: "DRAINING" } });
    const acceptedByFirst = handedBack.outputData.accepted as number;
    expect(acceptedByFirst).toBeGreaterThan(0);
    expect(acceptedByFirst).toBeLessThan(ITEMS);

    await startWorker(cleanup, env);
    const run = await conductor.waitForWorkflow(workflowId, { timeoutMs: 40_000 });
    expect(run.status).toBe("COMPLETED");
    const task = run.tasks[0]!;
    expect(task.retryCount).toBe(0);
    expect(task.outputData).toMatchObject({ accepted: ITEMS, failed: 0 });
    await until(() => sim.requests.length >= ITEMS, 5_000, "every write");
    const written = sim.requests
      .filter((r) => r.method === "POST" && r.status === 202)
      .map((r) => (r.body as { id: string }).id);
    expect(written).toHaveLength(ITEMS);
    expect(new Set(written).size).toBe(ITEMS);
  });
});
