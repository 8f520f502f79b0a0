import { describe, expect, it } from "vitest";
import { startWorkflow } from "../support/conductor-rest.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { until } from "../support/until.js";
import { callsUnderWay, startStage, startWorker } from "./stage.js";

/**
 * SIGTERM with several tasks in flight: polling stops, /readyz turns 503, every task taken
 * is finished, every result reaches Conductor, and the process exits 0.
 */

const TOKEN = "shutdown-test-token-91";
const cleanup = cleanupAfterEach();

/** Conductor with the TaskDefs and example workflows registered by `register`. */
const setup = (latencyMs: number) =>
  startStage(cleanup, { token: TOKEN, latencyMs, register: true });

const startReports = (conductorUrl: string, count: number) =>
  Promise.all(
    Array.from({ length: count }, () =>
      startWorkflow(conductorUrl, "common_room_segment_report", { segmentId: 201 }),
    ),
  );

describe("graceful shutdown", () => {
  it("SIGTERM with tasks in flight: every result is delivered and the exit code is 0", async () => {
    const { conductor, sim, env, httpPort } = await setup(1500);
    const worker = await startWorker(cleanup, env);
    expect((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status).toBe(200);

    const ids = await startReports(conductor.url, 5);
    // Every first task is taken (Common Room takes 1.5 s to answer each).
    await until(
      async () =>
        (await Promise.all(ids.map((id) => conductor.getWorkflow(id)))).every(
          (run) => run?.tasks[0]?.status === "IN_PROGRESS",
        ),
      10_000,
      "tasks in flight",
    );
    expect(sim.requests.filter((r) => r.status === 200)).toHaveLength(0);
    worker.child.kill("SIGTERM");
    await worker.waitForOutput("draining");
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { state: string }).state).toBe("draining");

    expect(await worker.exited).toBe(0);
    expect(worker.output.join("")).toContain("drained");
    for (const id of ids) {
      const run = (await conductor.getWorkflow(id))!;
      // The task in flight finished and its result landed; the workflow's next task was not
      // taken by the draining worker, so it waits for another replica.
      expect(run.tasks[0]).toMatchObject({
        referenceTaskName: "get_segments",
        status: "COMPLETED",
      });
      expect(run.tasks[1]?.status ?? "SCHEDULED").toBe("SCHEDULED");
    }
  });

  it("a second signal cuts the drain short", async () => {
    const { conductor, env } = await setup(5000);
    const worker = await startWorker(cleanup, env);
    await startReports(conductor.url, 1);
    await until(
      () => conductor.requests.some((r) => r.path.includes("/poll/") && r.status === 200),
      10_000,
      "a poll",
    );
    await new Promise((r) => setTimeout(r, 300));
    worker.child.kill("SIGTERM");
    await worker.waitForOutput("draining");
    worker.child.kill("SIGINT");
    const startedAt = Date.now();
    expect(await worker.exited).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(4000);
    expect(worker.output.join("")).toContain("second signal");
  });

  it("SHUTDOWN_TIMEOUT_MS cuts the drain short when a task outlasts it", async () => {
    const { conductor, sim, env } = await setup(8000);
    const worker = await startWorker(cleanup, { ...env, SHUTDOWN_TIMEOUT_MS: "500" });
    await startReports(conductor.url, 1);
    await callsUnderWay(sim, 1);
    const stoppedAt = Date.now();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(1);
    // Half a second of drain, plus the long poll it waits for, well short of Common Room's 8 s.
    expect(Date.now() - stoppedAt).toBeLessThan(4000);
    expect(worker.output.join("")).toContain("shutdown timeout");
  });
});
