import { afterAll, describe, expect, it } from "vitest";
import { startConductorServer } from "../../dev/conductor/index.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { taskDefinitions } from "../../src/worker/task-defs.js";
import { operations } from "../../src/operations/index.js";
import { until } from "../support/until.js";
import { runCli, type WorkerProcess } from "./worker-process.js";

/**
 * Three worker processes share one API token against the simulator's HTTP server, which
 * limits the token to L requests per one-second window. Twice L tasks a second are offered.
 * The pacers learn the budget from the answers alone (no TaskDef rate limit, no talk between
 * the processes): after the first seconds spent learning, 429s fall to the benchmark's bound
 * for replicas (2 %), and every task completes.
 */

const TOKEN = "pacing-test-token-7310";
const L = 10;
const OFFER_SECONDS = 12;
const LEARNING_MS = 3000;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function post(url: string, body: unknown): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`);
  return text;
}

describe("three worker processes sharing one token", () => {
  it("keep 429s to the bound once their pacers have learned the budget", async () => {
    const conductor = await startConductorServer({ sweepIntervalMs: 50 });
    cleanups.push(() => conductor.close());
    const sim = createCommonRoomSimulator({
      tokens: [TOKEN],
      latencyMs: 20,
      rateLimit: { limit: L, intervalMs: 1000 },
    });
    const simServer = await startCommonRoomServer(sim, { port: 0 });
    cleanups.push(() => simServer.close());

    const defs = taskDefinitions(operations, { prefix: "common_room_" }).map((d) => ({
      ...d,
      retryDelaySeconds: 0,
    }));
    await post(`${conductor.url}/api/metadata/taskdefs`, defs);
    await post(`${conductor.url}/api/metadata/workflow?overwrite=true`, {
      name: "pacing_segments",
      version: 1,
      timeoutSeconds: 0,
      tasks: [
        {
          name: "common_room_get_segments",
          taskReferenceName: "segments",
          type: "SIMPLE",
          inputParameters: {},
        },
      ],
    });
    const env = {
      CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
      COMMON_ROOM_API_URL: simServer.url,
      COMMON_ROOM_API_TOKEN: TOKEN,
      WORKER_HTTP_PORT: "0",
      CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "1000",
      LOG_LEVEL: "info",
    };
    const workers: WorkerProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const worker = runCli(["start"], env);
      cleanups.push(async () => {
        if (worker.child.exitCode === null) {
          worker.child.kill("SIGTERM");
          await worker.exited;
        }
      });
      workers.push(worker);
    }
    await Promise.all(workers.map((w) => w.waitForOutput('"msg":"polling Conductor"')));

    // 2L workflows a second for OFFER_SECONDS.
    const startedAt = Date.now();
    const ids: string[] = [];
    const total = 2 * L * OFFER_SECONDS;
    while (ids.length < total) {
      const due = Math.min(total, Math.floor(((Date.now() - startedAt) * 2 * L) / 1000) + 1);
      const batch: Promise<string>[] = [];
      for (let n = ids.length; n < due; n++) {
        batch.push(post(`${conductor.url}/api/workflow/pacing_segments`, {}));
      }
      ids.push(...(await Promise.all(batch)));
      await new Promise((r) => setTimeout(r, 50));
    }
    await until(
      () => ids.every((id) => conductor.getWorkflow(id)?.status !== "RUNNING"),
      OFFER_SECONDS * 4000,
      "every workflow to finish",
    );

    const statuses = ids.map((id) => conductor.getWorkflow(id)?.status);
    expect(statuses.filter((s) => s !== "COMPLETED")).toEqual([]);
    const requests = sim.requests.filter((r) => r.at >= startedAt);
    const learning = requests.filter((r) => r.at < startedAt + LEARNING_MS);
    const learned = requests.filter((r) => r.at >= startedAt + LEARNING_MS);
    const limited = (list: typeof requests) => list.filter((r) => r.status === 429).length;
    const ratio = limited(learned) / learned.length;
    // While learning, the pacers may meet 429s (they start knowing nothing); after, at most 2 %.
    console.log(
      `429s while learning: ${limited(learning)} of ${learning.length}; after: ${limited(learned)} of ${learned.length}`,
    );
    expect(ratio, `${limited(learned)} 429s of ${learned.length} requests`).toBeLessThanOrEqual(
      0.02,
    );
    // The token's budget was used, not left idle: at least 80 % of L while work was queued.
    const served = requests.filter((r) => r.status >= 200 && r.status < 300);
    const seconds = (Math.max(...served.map((r) => r.at)) - startedAt) / 1000;
    expect(served.length / seconds).toBeGreaterThanOrEqual(0.8 * L);
    sim.assertNoViolations();
  }, 120_000);
});
