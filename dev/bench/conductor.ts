/**
 * The Conductor server of a benchmark run. `dev` gives each environment a fresh in-process
 * server; the real Conductor OSS jar starts once per run (its JVM takes 20 s or more) and each
 * environment gets a recording proxy in front of it, for its own request log, and terminates
 * what it started when it closes. Environments run one after another (only the idle figure
 * runs two at once, and it queues no task), so one server serves them all.
 */
import { startConductorServer, type RecordedRequest, type Workflow } from "../conductor/index.js";
import type { ConductorChoice } from "../conductor-choice.js";
import { startRecordingProxy } from "../conductor-oss/proxy.js";
import { startOssConductor, type OssConductor } from "../conductor-oss/server.js";
import { fetchWorkflow, terminateRunning } from "../conductor-oss/workflows.js";

export interface BenchConductor {
  url: string;
  requests: RecordedRequest[];
  getWorkflow(id: string): Promise<Workflow | undefined>;
  close(): Promise<void>;
}

let choice: ConductorChoice = "dev";
let shared: OssConductor | undefined;

/** The server figures are measured on, e.g. "Conductor OSS 3.32.3 (redis)". */
export function benchConductorLabel(): string {
  return shared?.label ?? "dev/conductor (the project's Conductor-compatible server)";
}

export async function useConductor(
  next: ConductorChoice,
  log: (line: string) => void,
): Promise<void> {
  choice = next;
  if (next !== "dev") {
    shared = await startOssConductor({ flavour: next === "oss-redis" ? "redis" : "sqlite", log });
  }
}

export async function closeConductor(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

export async function openConductor(options: {
  rateLimitPostponeMs: number;
}): Promise<BenchConductor> {
  if (choice === "dev" || !shared) {
    const server = await startConductorServer({
      port: 0,
      sweepIntervalMs: 100,
      rateLimitPostponeMs: options.rateLimitPostponeMs,
    });
    return {
      url: server.url,
      requests: server.requests,
      getWorkflow: async (id) => server.getWorkflow(id),
      close: () => server.close(),
    };
  }
  const upstream = shared.url;
  const proxy = await startRecordingProxy(upstream);
  return {
    url: proxy.url,
    requests: proxy.requests,
    getWorkflow: (id) => fetchWorkflow(upstream, id),
    async close() {
      await terminateRunning(upstream, proxy.startedWorkflows);
      await proxy.close();
    },
  };
}
