import { WorkflowExecutor, orkesConductorClient } from "@io-orkes/conductor-javascript";
import { setupServer } from "msw/node";
import type { ConductorServerOptions } from "../../dev/conductor/index.js";
import { startConductorUnderTest, type ConductorUnderTest } from "../support/conductor.js";
import { captureLines } from "../support/log-lines.js";
import {
  createCommonRoomSimulator,
  type CommonRoomSimulator,
  type SimulatorOptions,
} from "../../dev/commonroom/index.js";
import { loadConfig, secretsOf, type Env } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { operations } from "../../src/operations/index.js";
import { taskDefinitions } from "../../src/worker/task-defs.js";
import { startService, type Service } from "../../src/worker/service.js";

/**
 * Everything an end-to-end test needs, on real boundaries: a Conductor server over HTTP on
 * loopback (dev/conductor, or the genuine Conductor OSS jar in the `oss-*` vitest projects), the Common Room simulator behind msw at the HTTP edge, and the
 * worker as `npm start` runs it (startService), driven by the real SDK.
 */

export const API_URL = "https://api.commonroom.io/community/v1";
export const TOKEN = "e2e-secret-token-3f9c1a";
export const SOURCE_ID = 1001;

export interface HarnessOptions {
  env?: Env;
  simulator?: SimulatorOptions;
  /** Options of dev/conductor; the real server ignores them. */
  conductor?: ConductorServerOptions;
  /** Overrides of the registered TaskDefs (tests retry at once, not after seconds). */
  taskDef?: Record<string, unknown>;
  maxRateLimitHandbacks?: number;
}

export interface WorkflowRun {
  workflowId: string;
  status: string;
  output?: Record<string, unknown>;
  reasonForIncompletion?: string;
  tasks: {
    taskId: string;
    taskType: string;
    referenceTaskName: string;
    status: string;
    retryCount: number;
    pollCount?: number;
    inputData: Record<string, unknown>;
    outputData: Record<string, unknown>;
    reasonForIncompletion?: string;
    callbackAfterSeconds?: number;
  }[];
}

export interface Harness {
  conductor: ConductorUnderTest;
  sim: CommonRoomSimulator;
  msw: ReturnType<typeof setupServer>;
  service: Service;
  logs: string[];
  executor: WorkflowExecutor;
  /** Registers (or replaces) workflow `name`: one task of `taskType` with this input. */
  registerWorkflow(
    name: string,
    taskType: string,
    inputParameters?: Record<string, unknown>,
  ): Promise<void>;
  /** Runs one task of `taskType` with exactly this input in a one-task workflow. */
  runTask(
    taskType: string,
    input: Record<string, unknown>,
    options?: { timeoutMs?: number },
  ): Promise<WorkflowRun>;
  startWorkflow(name: string, input: Record<string, unknown>): Promise<string>;
  waitFor(workflowId: string, timeoutMs?: number): Promise<WorkflowRun>;
  close(): Promise<void>;
}

let workflowCounter = 0;
/** Workflow names stay distinct across the files that share one real server. */
const fileTag = Math.random().toString(36).slice(2, 8);

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const conductor = await startConductorUnderTest({ sweepIntervalMs: 50, ...options.conductor });
  const sim = createCommonRoomSimulator({
    baseUrl: API_URL,
    tokens: [TOKEN],
    ...options.simulator,
  });
  const msw = setupServer(...sim.handlers);
  // Only Common Room is simulated; the loopback Conductor traffic passes through.
  msw.listen({ onUnhandledRequest: "bypass" });

  const env: Env = {
    CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
    COMMON_ROOM_API_TOKEN: TOKEN,
    COMMON_ROOM_DESTINATION_SOURCE_ID: String(SOURCE_ID),
    COMMON_ROOM_TIMEOUT_MS: "2000",
    // Short long polls keep drains quick in tests; production uses 5000.
    CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "500",
    ...options.env,
  };
  const config = loadConfig(env, { requireConductor: true });
  const { lines: logs, destination } = captureLines();
  const logger = createLogger({ level: "debug", secrets: secretsOf(config), destination });

  const client = await orkesConductorClient({ serverUrl: conductor.url });
  const defs = taskDefinitions(operations, {
    prefix: config.taskPrefix,
    rateLimitPerSecond: config.rateLimitPerSecond,
  }).map((def) => ({
    ...def,
    retryCount: 2,
    retryLogic: "FIXED",
    retryDelaySeconds: 0,
    ...options.taskDef,
  }));
  const registered = await fetch(`${conductor.url}/api/metadata/taskdefs`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(defs),
  });
  if (!registered.ok) throw new Error(`task defs not registered: ${registered.status}`);

  const service = await startService({
    config,
    logger,
    http: { port: 0, host: "127.0.0.1" },
    delivery: { initialDelayMs: 20, maxDelayMs: 200 },
    maxRateLimitHandbacks: options.maxRateLimitHandbacks,
  });
  const executor = new WorkflowExecutor(client);

  const waitFor = async (workflowId: string, timeoutMs = 15_000) => {
    try {
      return (await conductor.waitForWorkflow(workflowId, { timeoutMs })) as unknown as WorkflowRun;
    } catch (error) {
      // What the worker was doing says more than the workflow's last state alone.
      const tail = logs.slice(-15).join("");
      throw new Error(`${(error as Error).message}\nworker log, last lines:\n${tail}`);
    }
  };

  const startWorkflow = (name: string, input: Record<string, unknown>) =>
    executor.startWorkflow({ name, version: 1, input });

  const registerWorkflow = (
    name: string,
    taskType: string,
    inputParameters: Record<string, unknown> = {},
  ) =>
    executor.registerWorkflow(true, {
      name,
      version: 1,
      schemaVersion: 2,
      timeoutSeconds: 0,
      ownerEmail: "e2e@example.com",
      tasks: [{ name: taskType, taskReferenceName: "task", type: "SIMPLE", inputParameters }],
    } as Parameters<WorkflowExecutor["registerWorkflow"]>[1]);

  return {
    conductor,
    sim,
    msw,
    service,
    logs,
    executor,
    startWorkflow,
    waitFor,
    registerWorkflow,
    async runTask(taskType, input, runOptions = {}) {
      const name = `e2e_${taskType}_${fileTag}_${++workflowCounter}`;
      await registerWorkflow(name, taskType, input);
      const workflowId = await startWorkflow(name, {});
      return waitFor(workflowId, runOptions.timeoutMs);
    },
    async close() {
      await service.stop(5_000);
      msw.close();
      client.stopBackgroundRefresh();
      await conductor.close();
    },
  };
}

/** The last attempt of the workflow's only task. */
export function lastTask(run: WorkflowRun): WorkflowRun["tasks"][number] {
  const task = run.tasks.at(-1);
  if (!task) throw new Error(`workflow ${run.workflowId} has no task`);
  return task;
}
