import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { startOssConductor, type OssConductor } from "../../dev/conductor-oss/server.js";
import { waitForWorkflowOver } from "../../dev/conductor-oss/workflows.js";
import { freePort } from "../../dev/free-port.js";
import { conductorKind } from "../support/conductor.js";
import {
  registerOneTaskWorkflow,
  registerTaskDefs,
  startWorkflow,
} from "../support/conductor-rest.js";
import { until } from "../support/until.js";
import { workerEnv } from "../process/stage.js";
import { runCli, type WorkerProcess } from "../process/worker-process.js";

/**
 * What only the real server can show: the worker started before Conductor is up, and the
 * Conductor server stopped and started again (Redis flavour, state kept in Redis) while the
 * worker holds tasks in flight. This file starts a server of its own, since it stops it;
 * it runs in the `oss-redis` project only (SQLite keeps its state too, but one flavour
 * shows the worker's side, and each JVM start costs 20 s or more).
 */

const TOKEN = "restart-test-token-8812";
const WORKFLOW = "restart_add_user";

let server: OssConductor | undefined;
let worker: WorkerProcess | undefined;
let closeSim: (() => Promise<void>) | undefined;
const sim = createCommonRoomSimulator({ tokens: [TOKEN] });

async function register(url: string): Promise<void> {
  // Long response timeouts: a restart must not time the tasks out; the worker delivers them.
  await registerTaskDefs(url, { responseTimeoutSeconds: 600, retryDelaySeconds: 0 });
  await registerOneTaskWorkflow(url, WORKFLOW, "common_room_add_or_edit_user", {
    user: "${workflow.input.user}",
  });
}

const start = (url: string, userId: string) =>
  startWorkflow(url, WORKFLOW, { user: { id: userId, email: `${userId}@example.com` } });

describe.skipIf(conductorKind !== "oss-redis")("the real Conductor server going away", () => {
  beforeAll(async () => {
    const simServer = await startCommonRoomServer(sim, { port: 0 });
    closeSim = () => simServer.close();
    const port = await freePort();
    // The worker first, pointed at a port where nothing listens yet.
    worker = runCli(
      ["start"],
      workerEnv({
        conductorUrl: `http://127.0.0.1:${port}`,
        commonRoomUrl: simServer.url,
        token: TOKEN,
      }),
    );
    await worker.waitForOutput('"msg":"polling Conductor"');
    server = await startOssConductor({ flavour: "redis", port });
    await register(server.url);
  }, 240_000);

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    await closeSim?.();
    await server?.close();
  }, 60_000);

  it("a worker started before the server is up takes work once it is", async () => {
    const id = await start(server!.url, "early-bird");
    const run = await waitForWorkflowOver(server!.url, id, { timeoutMs: 60_000 });
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks[0]?.outputData).toMatchObject({ status: "accepted", userId: "early-bird" });
  }, 90_000);

  it("the server restarted with tasks in flight: every result lands once it is back, none re-run", async () => {
    const url = server!.url;
    // Common Room answers slowly, so the results are ready while the server is down.
    for (let i = 0; i < 5; i++) sim.inject({ delayMs: 3_000 });
    const before = sim.requests.length;
    const ids = await Promise.all(
      Array.from({ length: 5 }, (_, i) => start(url, `restart-user-${i}`)),
    );
    // In flight means Common Room has all five calls: the server marks a task IN_PROGRESS
    // before its poll answer reaches the worker, and a restart then would lose the answer.
    await until(() => sim.requests.length - before >= 5, 30_000, "five tasks in flight");
    await server!.restart();
    const runs = await Promise.all(
      ids.map((id) => waitForWorkflowOver(url, id, { timeoutMs: 180_000 })),
    );
    for (const run of runs) {
      expect(run.status).toBe("COMPLETED");
      // Delivered, not re-run: one attempt each, and one write each at Common Room.
      expect(run.tasks).toHaveLength(1);
    }
    expect(sim.requests.slice(before).filter((r) => r.method === "POST")).toHaveLength(5);
    expect(worker!.output.join("")).toContain("task result not acknowledged; retrying");
  }, 300_000);
});
