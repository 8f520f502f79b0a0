import { afterEach, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../dev/conductor/index.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { until } from "../support/until.js";
import { freePort } from "../../dev/free-port.js";
import { runCli, type WorkerProcess } from "./worker-process.js";

/**
 * SIGTERM with several tasks in flight: polling stops, /readyz turns 503, every task taken
 * is finished, every result reaches Conductor, and the process exits 0.
 */

const TOKEN = "shutdown-test-token-91";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(latencyMs: number) {
  const conductor = await startConductorServer({ sweepIntervalMs: 50 });
  cleanups.push(() => conductor.close());
  const sim = createCommonRoomSimulator({ tokens: [TOKEN], latencyMs });
  const simServer = await startCommonRoomServer(sim, { port: 0 });
  cleanups.push(() => simServer.close());
  const httpPort = await freePort();
  const env = {
    CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
    COMMON_ROOM_API_URL: simServer.url,
    COMMON_ROOM_API_TOKEN: TOKEN,
    COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
    WORKER_HTTP_PORT: String(httpPort),
    CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "1000",
  };
  const register = runCli(["register"], env);
  expect(await register.exited, register.output.join("")).toBe(0);
  return { conductor, sim, env, httpPort };
}

async function startWorkflows(
  conductor: ConductorServer,
  name: string,
  inputs: Record<string, unknown>[],
) {
  const ids: string[] = [];
  for (const input of inputs) {
    const response = await fetch(`${conductor.url}/api/workflow`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name, version: 1, input }),
    });
    ids.push(await response.text());
  }
  return ids;
}

function started(worker: WorkerProcess) {
  cleanups.push(async () => {
    if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
  });
  return worker.waitForOutput('"msg":"polling Conductor"');
}

describe("graceful shutdown", () => {
  it("SIGTERM with tasks in flight: every result is delivered and the exit code is 0", async () => {
    const { conductor, sim, env, httpPort } = await setup(1500);
    const worker = runCli(["start"], env);
    await started(worker);
    expect((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status).toBe(200);

    const ids = await startWorkflows(
      conductor,
      "common_room_segment_report",
      Array.from({ length: 5 }, () => ({ segmentId: 201 })),
    );
    // Every first task is taken (Common Room takes 1.5 s to answer each).
    await until(
      () => ids.every((id) => conductor.getWorkflow(id)?.tasks[0]?.status === "IN_PROGRESS"),
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
      const run = conductor.getWorkflow(id)!;
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
    const worker = runCli(["start"], env);
    await started(worker);
    await startWorkflows(conductor, "common_room_segment_report", [{ segmentId: 201 }]);
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
    const { conductor, env } = await setup(8000);
    const worker = runCli(["start"], { ...env, SHUTDOWN_TIMEOUT_MS: "500" });
    await started(worker);
    const [id] = await startWorkflows(conductor, "common_room_segment_report", [
      { segmentId: 201 },
    ]);
    await until(
      () => conductor.getWorkflow(id!)?.tasks[0]?.status === "IN_PROGRESS",
      10_000,
      "a task in flight",
    );
    const stoppedAt = Date.now();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(1);
    // Half a second of drain, plus the long poll it waits for, well short of Common Room's 8 s.
    expect(Date.now() - stoppedAt).toBeLessThan(4000);
    expect(worker.output.join("")).toContain("shutdown timeout");
  });
});
