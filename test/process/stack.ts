import { spawn } from "node:child_process";
import { join } from "node:path";
import { startConductorServer, type ConductorServer } from "../../dev/conductor/index.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { freePort } from "../../dev/free-port.js";
import { until } from "../support/until.js";
import { runCli } from "./worker-process.js";

/** Things to undo after a test, run in reverse order. */
export type Cleanups = (() => Promise<unknown>)[];

export const CHECKOUT = join(import.meta.dirname, "..", "..");

/**
 * A Conductor-compatible server and a Common Room simulator on loopback, and the environment
 * a worker process needs to use them; with `register`, the task definitions and examples
 * registered as `commonroom-worker register` does.
 */
export async function startStack(
  cleanups: Cleanups,
  options: { token: string; latencyMs?: number; register?: boolean },
) {
  const conductor = await startConductorServer({ sweepIntervalMs: 50 });
  cleanups.push(() => conductor.close());
  const sim = createCommonRoomSimulator({ tokens: [options.token], latencyMs: options.latencyMs });
  const simServer = await startCommonRoomServer(sim, { port: 0 });
  cleanups.push(() => simServer.close());
  const httpPort = await freePort();
  const env = {
    CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
    COMMON_ROOM_API_URL: simServer.url,
    COMMON_ROOM_API_TOKEN: options.token,
    COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
    WORKER_HTTP_PORT: String(httpPort),
    CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "1000",
  };
  if (options.register) {
    const register = runCli(["register", "--examples"], env);
    if ((await register.exited) !== 0)
      throw new Error(`register failed: ${register.output.join("")}`);
  }
  return { conductor, sim, simServer, env, httpPort };
}

/** Starts workflows by name, one per input; resolves with their ids. */
export async function startWorkflows(
  conductor: ConductorServer,
  name: string,
  inputs: Record<string, unknown>[],
): Promise<string[]> {
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

/** Waits until the first task of each workflow has been taken by a worker. */
export function tasksInFlight(conductor: ConductorServer, ids: string[]): Promise<void> {
  return until(
    () => ids.every((id) => conductor.getWorkflow(id)?.tasks[0]?.status === "IN_PROGRESS"),
    10_000,
    "tasks in flight",
  );
}

/** A command run in the checkout (`npm start`, `npm run ...`), as an operator types it. */
export function startInCheckout(
  cleanups: Cleanups,
  command: string,
  args: string[],
  env: Record<string, string> = {},
) {
  const child = spawn(command, args, {
    cwd: CHECKOUT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      npm_config_update_notifier: "false",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    // SIGTERM first: a sandbox stops the worker it started in a process group of its own.
    child.kill("SIGTERM");
    const late = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(late);
  });
  return { child, exited, output: () => output };
}
