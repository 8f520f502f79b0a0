/**
 * The stage the worker process plays on: a Conductor under test and the Common Room
 * simulator over HTTP on loopback, and the environment `start` reads. What they start is
 * stopped after the test (see cleanupAfterEach).
 */
import {
  createCommonRoomSimulator,
  startCommonRoomServer,
  type CommonRoomSimulator,
} from "../../dev/commonroom/index.js";
import { freePort } from "../../dev/free-port.js";
import type { Cleanups } from "../support/cleanups.js";
import { startConductorUnderTest, type ConductorUnderTest } from "../support/conductor.js";
import { until } from "../support/until.js";
import { runCli, type WorkerProcess } from "./worker-process.js";

/** The workers' long poll here: short, so a drain or a test's end waits little for it. */
const POLL_TIMEOUT_MS = 1000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `commonroom-worker start` needs to reach both servers, and nothing of the shell's. */
export function workerEnv(options: {
  conductorUrl: string;
  commonRoomUrl: string;
  token: string;
  httpPort?: number;
}): Record<string, string> {
  return {
    CONDUCTOR_SERVER_URL: `${options.conductorUrl}/api`,
    COMMON_ROOM_API_URL: options.commonRoomUrl,
    COMMON_ROOM_API_TOKEN: options.token,
    COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
    WORKER_HTTP_PORT: String(options.httpPort ?? 0),
    CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: String(POLL_TIMEOUT_MS),
  };
}

export interface Stage {
  conductor: ConductorUnderTest;
  sim: CommonRoomSimulator;
  env: Record<string, string>;
  /** The worker's /healthz, /readyz and /metrics port. */
  httpPort: number;
}

/**
 * With `register`, the TaskDefs and example workflows are registered as an operator does,
 * with `commonroom-worker register --examples`.
 */
export async function startStage(
  cleanup: Cleanups,
  options: { token: string; latencyMs?: number; register?: boolean },
): Promise<Stage> {
  const conductor = await startConductorUnderTest({ sweepIntervalMs: 50 });
  cleanup(() => conductor.close());
  // The real server outlives the test, and a long poll keeps waiting on it after its worker
  // is gone: it would take the next test's task and hand it to nobody. Let it run out.
  if (conductor.kind !== "dev") cleanup(() => pause(POLL_TIMEOUT_MS + 500));
  const sim = createCommonRoomSimulator({ tokens: [options.token], latencyMs: options.latencyMs });
  const simServer = await startCommonRoomServer(sim, { port: 0 });
  cleanup(() => simServer.close());
  const httpPort = await freePort();
  const env = workerEnv({
    conductorUrl: conductor.url,
    commonRoomUrl: simServer.url,
    token: options.token,
    httpPort,
  });
  if (options.register) {
    const register = runCli(["register", "--examples"], env);
    if ((await register.exited) !== 0)
      throw new Error(`register failed: ${register.output.join("")}`);
  }
  return { conductor, sim, env, httpPort };
}

/**
 * Waits until Common Room has `count` calls: the worker really holds those tasks. (A real
 * server marks a task IN_PROGRESS before its poll answer reaches the worker.)
 */
export function callsUnderWay(sim: CommonRoomSimulator, count: number): Promise<void> {
  return until(() => sim.requests.length >= count, 10_000, `${count} Common Room call(s)`);
}

/** `start` in its own process, resolved once it polls; killed after the test if still up. */
export async function startWorker(
  cleanup: Cleanups,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  const worker = runCli(["start"], env);
  cleanup(async () => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
    worker.child.kill("SIGKILL");
    await worker.exited;
  });
  await worker.waitForOutput('"msg":"polling Conductor"');
  return worker;
}
