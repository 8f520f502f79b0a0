/**
 * One benchmark environment: a Conductor-compatible server and a Common Room simulator on
 * loopback, every task definition registered by our own `register`, and one-task
 * workflows over them. Each scenario builds its own, so request counts never mix.
 */
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";
import { operations, taskTypeOf } from "../../src/operations/index.js";
import { openConductor, type BenchConductor } from "./conductor.js";
import {
  createCommonRoomSimulator,
  startCommonRoomServer,
  type CommonRoomSimulator,
  type RateLimitConfig,
  type RunningServer,
} from "../commonroom/index.js";
import { runNode } from "./processes.js";

export const SIM_TOKEN = "bench-token";
export const SIM_SOURCE_ID = "1001";
export const TASK_PREFIX = "common_room_";
export const TASK_TYPES = operations.map((op) => taskTypeOf(op, TASK_PREFIX));
export const CLI = join(packageRoot(), "dist", "src", "cli.js");

export interface EnvironmentOptions {
  /** Simulator latency per Common Room request. */
  latencyMs?: number;
  /** Common Room's own limit (real 429s past it), and how its window is cut. */
  commonRoomRateLimit?: RateLimitConfig;
  /** Put on every TaskDef by `register` as rateLimitPerFrequency (per second). */
  conductorRateLimitPerSecond?: number;
  /** How long dev/conductor postpones a rate-limited task (the real server: always 60 s). */
  rateLimitPostponeMs?: number;
  logDir: string;
}

export interface Environment {
  conductor: BenchConductor;
  sim: CommonRoomSimulator;
  /** Environment variables every contestant gets. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export function workflowNameOf(taskType: string): string {
  return `bench_${taskType}`;
}

export async function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const conductor = await openConductor({
    rateLimitPostponeMs: options.rateLimitPostponeMs ?? 60_000,
  });
  const sim = createCommonRoomSimulator({
    tokens: [SIM_TOKEN],
    latencyMs: options.latencyMs ?? 0,
    ...(options.commonRoomRateLimit && { rateLimit: options.commonRoomRateLimit }),
  });
  let simServer: RunningServer | undefined;
  try {
    simServer = await startCommonRoomServer(sim, { port: 0 });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
      CONDUCTOR_AUTH_KEY: "",
      CONDUCTOR_AUTH_SECRET: "",
      COMMON_ROOM_API_URL: simServer.url,
      COMMON_ROOM_API_V2_URL: "",
      COMMON_ROOM_API_TOKEN: SIM_TOKEN,
      COMMON_ROOM_DESTINATION_SOURCE_ID: SIM_SOURCE_ID,
      COMMON_ROOM_INTEGRATIONS_FILE: "",
      COMMON_ROOM_TASK_PREFIX: TASK_PREFIX,
      COMMON_ROOM_RATE_LIMIT_PER_SECOND:
        options.conductorRateLimitPerSecond === undefined
          ? ""
          : String(options.conductorRateLimitPerSecond),
      LOG_LEVEL: "warn",
      BENCH_TASK_TYPES: TASK_TYPES.join(","),
    };
    await runNode("register", CLI, ["register"], env, join(options.logDir, "register.log"));
    await registerOneTaskWorkflows(conductor.url, TASK_TYPES);
    const server = simServer;
    return {
      conductor,
      sim,
      env,
      async close() {
        await server.close();
        await conductor.close();
      },
    };
  } catch (error) {
    await simServer?.close();
    await conductor.close();
    throw error;
  }
}

async function registerOneTaskWorkflows(url: string, taskTypes: string[]): Promise<void> {
  for (const taskType of taskTypes) {
    let response = await postWorkflowDef(url, taskType);
    // Two environments that register the same definition at once (the idle figure) race on
    // the real server: it answers 409 (Redis) or 500 (SQLite) "already exists" although
    // overwrite is asked for. The definition is the same, so 409 is as good as done, and
    // once more settles a 500.
    if (response.status === 500) response = await postWorkflowDef(url, taskType);
    if (!response.ok && response.status !== 409) {
      throw new Error(
        `registering ${workflowNameOf(taskType)}: ${response.status} ${await response.text()}`,
      );
    }
  }
}

function postWorkflowDef(url: string, taskType: string): Promise<Response> {
  return fetch(`${url}/api/metadata/workflow?overwrite=true`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      name: workflowNameOf(taskType),
      version: 1,
      schemaVersion: 2,
      ownerEmail: "bench@example.com",
      timeoutSeconds: 0,
      tasks: [{ name: taskType, taskReferenceName: "only", type: "SIMPLE", inputParameters: {} }],
    }),
  });
}
