/**
 * The Conductor server the sandbox and the benchmark run on: the embedded Conductor-compatible
 * server (`dev`, the default: starts in milliseconds) or the genuine Conductor OSS jar
 * (`oss` = its default SQLite store, `oss-redis` = the local Redis, as production runs).
 */
import { startConductorServer, type ConductorServerOptions } from "./conductor/index.js";
import type { WaitForWorkflowOptions, Workflow } from "./conductor/types.js";
import { startOssConductor } from "./conductor-oss/server.js";
import { waitForWorkflowOver } from "./conductor-oss/workflows.js";

export const CONDUCTOR_CHOICES = ["dev", "oss", "oss-sqlite", "oss-redis"] as const;
export type ConductorChoice = (typeof CONDUCTOR_CHOICES)[number];

export interface ChosenConductor {
  /** "dev/conductor" or "Conductor OSS 3.32.3 (redis)". */
  label: string;
  /** Base URL, without /api. */
  url: string;
  waitForWorkflow(id: string, options?: WaitForWorkflowOptions): Promise<Workflow>;
  close(): Promise<void>;
}

export function isConductorChoice(value: string): value is ConductorChoice {
  return (CONDUCTOR_CHOICES as readonly string[]).includes(value);
}

export async function startChosenConductor(
  choice: ConductorChoice,
  options: { port?: number; dev?: ConductorServerOptions; log?: (line: string) => void } = {},
): Promise<ChosenConductor> {
  if (choice === "dev") {
    const server = await startConductorServer({ ...options.dev, port: options.port ?? 0 });
    return {
      label: "dev/conductor",
      url: server.url,
      waitForWorkflow: (id, wait) => server.waitForWorkflow(id, wait),
      close: () => server.close(),
    };
  }
  const server = await startOssConductor({
    flavour: choice === "oss-redis" ? "redis" : "sqlite",
    ...(options.port && { port: options.port }),
    ...(options.log && { log: options.log }),
  });
  return {
    label: server.label,
    url: server.url,
    waitForWorkflow: (id, wait) => waitForWorkflowOver(server.url, id, wait),
    close: () => server.close(),
  };
}
