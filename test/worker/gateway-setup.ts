/** The worker's Conductor gateway over real HTTP, and tasks queued on dev/conductor for it. */
import type { ConductorServer } from "../../dev/conductor/index.js";
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
  cleanup(() => (client as { stopBackgroundRefresh?: () => void }).stopBackgroundRefresh?.());
  return new ConductorGateway(client);
}

/** Starts `count` one-task workflows, so `count` tasks of `taskType` wait in its queue. */
export async function queueTasks(
  server: ConductorServer,
  taskType: string,
  count: number,
): Promise<string[]> {
  const workflow = await registerSequence(server, `${taskType}_flow`, [
    { name: taskType, def: {} },
  ]);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await startWorkflow(server, workflow, { i }));
  return ids;
}

export const COMPLETED: TaskResultBody = { status: "COMPLETED", outputData: { done: true } };
