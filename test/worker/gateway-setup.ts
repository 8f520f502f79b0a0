/** The worker's Conductor gateway over real HTTP, and tasks queued on dev/conductor for it. */
import {
  startConductorServer,
  type ConductorServer,
  type ConductorServerOptions,
} from "../../dev/conductor/index.js";
import { createLogger } from "../../src/logger.js";
import { ConductorGateway, connectConductor } from "../../src/worker/conductor.js";
import type { TaskResultBody } from "../../src/worker/results.js";
import type { Cleanups } from "../support/cleanups.js";
import { registerSequence, startWorkflow } from "../dev/conductor/harness.js";

/** A gateway as the service builds it, on the SDK's HTTP client, for `baseUrl` (no /api). */
export async function gatewayTo(
  cleanup: Cleanups,
  baseUrl: string,
  auth: { authKey?: string; authSecret?: string } = {},
): Promise<ConductorGateway> {
  const client = await connectConductor({
    serverUrl: `${baseUrl}/api`,
    ...auth,
    maxConnections: 4,
    logger: createLogger({ level: "silent" }),
  });
  cleanup(() => client.stopBackgroundRefresh());
  return new ConductorGateway(client);
}

/** Starts `count` one-task workflows, so `count` tasks of `taskType` wait in its queue. */
export async function queueTasks(
  server: ConductorServer,
  taskType: string,
  count: number,
  def: Record<string, unknown> = {},
): Promise<string[]> {
  const workflow = await registerSequence(server, `${taskType}_flow`, [{ name: taskType, def }]);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await startWorkflow(server, workflow, { i }));
  return ids;
}

export const COMPLETED: TaskResultBody = { status: "COMPLETED", outputData: { done: true } };

/** dev/conductor for one test, closed after it. */
export async function startConductor(
  cleanup: Cleanups,
  options: ConductorServerOptions = {},
): Promise<ConductorServer> {
  const server = await startConductorServer(options);
  cleanup(() => server.close());
  return server;
}

/** The result updates the server answered, in order, as "path status". */
export function updatesSeen(server: ConductorServer): string[] {
  return server.requests
    .filter((r) => r.method === "POST" && /^\/api\/tasks(\/update-v2)?$/.test(r.path))
    .map((r) => `${r.path} ${r.status}`);
}
