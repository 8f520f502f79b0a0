/**
 * The Conductor server a test runs against: `dev/conductor` (the default, one per test file)
 * or the genuine Conductor OSS jar (the vitest project `oss-redis` / `oss-sqlite`, one server
 * started by test/oss-setup.ts and shared by that project's files, which run one at a time).
 * Both come with the same request log and fault switches; against the real server these
 * live in a recording proxy in front of it.
 */
import { inject } from "vitest";
import {
  startConductorServer,
  type ConductorFault,
  type ConductorServer,
  type ConductorServerOptions,
  type RecordedRequest,
  type TaskDef,
  type WaitForWorkflowOptions,
  type Workflow,
} from "../../dev/conductor/index.js";
import { startRecordingProxy } from "../../dev/conductor-oss/proxy.js";
import {
  fetchWorkflow,
  terminateRunning,
  waitForWorkflowOver,
} from "../../dev/conductor-oss/workflows.js";

export type ConductorKind = "dev" | "oss-redis" | "oss-sqlite";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL (no /api) of the real Conductor server the `oss-*` project shares. */
    ossConductorUrl: string;
    /** e.g. "Conductor OSS 3.32.3 (redis)". */
    ossConductorLabel: string;
  }
}

/** Which server this test file runs against (set per vitest project). */
export const conductorKind: ConductorKind =
  (process.env.E2E_CONDUCTOR as ConductorKind | undefined) ?? "dev";
export const onRealConductor = conductorKind !== "dev";

export interface ConductorUnderTest {
  kind: ConductorKind;
  /** "dev/conductor" or "Conductor OSS 3.32.3 (redis)". */
  label: string;
  /** What the worker and the SDK talk to (the proxy, on the real server). */
  url: string;
  /** Every request answered so far, in arrival order. */
  requests: RecordedRequest[];
  setFault(fault: ConductorFault | null): void;
  listening(): Promise<void>;
  getWorkflow(id: string): Promise<Workflow | undefined>;
  waitForWorkflow(id: string, options?: WaitForWorkflowOptions): Promise<Workflow>;
  getTaskDef(name: string): Promise<TaskDef | undefined>;
  /** The in-process fake's extra hooks; undefined on the real server. */
  dev?: ConductorServer;
  close(): Promise<void>;
}

async function fetchTaskDef(url: string, name: string): Promise<TaskDef | undefined> {
  const response = await fetch(`${url}/api/metadata/taskdefs/${name}`);
  return response.ok ? ((await response.json()) as TaskDef) : undefined;
}

function onDev(server: ConductorServer): ConductorUnderTest {
  return {
    kind: "dev",
    label: "dev/conductor",
    url: server.url,
    requests: server.requests,
    setFault: (fault) => server.setFault(fault),
    listening: () => server.listening(),
    getWorkflow: async (id) => server.getWorkflow(id),
    waitForWorkflow: (id, options) => server.waitForWorkflow(id, options),
    getTaskDef: async (name) => server.taskDefs.get(name),
    dev: server,
    close: () => server.close(),
  };
}

/**
 * A server for one test file. `devOptions` shape the fake only (faults of the fake's own,
 * sweep timing); the real server is what it is.
 */
export async function startConductorUnderTest(
  devOptions: ConductorServerOptions = {},
): Promise<ConductorUnderTest> {
  if (!onRealConductor) return onDev(await startConductorServer(devOptions));
  const upstream = inject("ossConductorUrl");
  const proxy = await startRecordingProxy(upstream);
  return {
    kind: conductorKind,
    label: inject("ossConductorLabel"),
    url: proxy.url,
    requests: proxy.requests,
    setFault: (fault) => proxy.setFault(fault),
    listening: () => proxy.listening(),
    getWorkflow: (id) => fetchWorkflow(upstream, id),
    waitForWorkflow: (id, options) => waitForWorkflowOver(upstream, id, options),
    getTaskDef: (name) => fetchTaskDef(upstream, name),
    async close() {
      // The server outlives this file: leave no running workflow or queued task behind.
      await terminateRunning(upstream, proxy.startedWorkflows);
      await proxy.close();
    },
  };
}
