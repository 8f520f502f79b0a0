/**
 * The few documented Conductor REST calls the process and restart tests make, as plain
 * fetches (so they work against dev/conductor and the real server alike).
 */
import { operations } from "../../src/operations/index.js";
import { taskDefinitions } from "../../src/worker/task-defs.js";

async function post(url: string, body: unknown): Promise<Response> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`POST ${url}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** Registers every operation's TaskDef as `register` would, with these fields overridden. */
export async function registerTaskDefs(
  conductorUrl: string,
  overrides: Record<string, unknown>,
): Promise<void> {
  const defs = taskDefinitions(operations, { prefix: "common_room_" }).map((def) => ({
    ...def,
    ...overrides,
  }));
  await post(`${conductorUrl}/api/metadata/taskdefs`, defs);
}

/** Registers (or replaces) a one-task workflow: `taskType` with these input parameters. */
export async function registerOneTaskWorkflow(
  conductorUrl: string,
  name: string,
  taskType: string,
  inputParameters: Record<string, unknown>,
): Promise<void> {
  await post(`${conductorUrl}/api/metadata/workflow?overwrite=true`, {
    name,
    version: 1,
    schemaVersion: 2,
    timeoutSeconds: 0,
    tasks: [{ name: taskType, taskReferenceName: "task", type: "SIMPLE", inputParameters }],
  });
}

/** Starts workflow `name` (latest version) with this input; returns its id. */
export async function startWorkflow(
  conductorUrl: string,
  name: string,
  input: Record<string, unknown>,
): Promise<string> {
  return (await post(`${conductorUrl}/api/workflow/${name}`, input)).text();
}
