/** Starting one-task workflows over plain fetch and waiting for them on the in-process server. */
import type { ConductorServer, Workflow } from "../conductor/index.js";
import { sleep } from "./stats.js";

const TERMINAL = new Set(["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"]);

export async function startWorkflow(
  url: string,
  name: string,
  input: Record<string, unknown> = {},
): Promise<string> {
  const response = await fetch(`${url}/api/workflow`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, version: 1, input }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`starting ${name}: ${response.status} ${text}`);
  return text;
}

/** Starts `count` workflows as fast as the server takes them, `parallel` requests at a time. */
export async function startMany(
  url: string,
  name: string,
  count: number,
  parallel = 8,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      ids.push(await startWorkflow(url, name));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return ids;
}

/**
 * Waits until every workflow is terminal or `timeoutMs` passed; returns the last view of each
 * (unfinished ones included, so callers can count them).
 */
export async function waitAll(
  conductor: ConductorServer,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Workflow[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, Workflow>();
  for (;;) {
    for (const id of ids) {
      if (done.has(id)) continue;
      const workflow = conductor.getWorkflow(id);
      if (workflow && TERMINAL.has(workflow.status)) done.set(id, workflow);
    }
    if (done.size === ids.length || Date.now() >= deadline) break;
    await sleep(100);
  }
  return ids.map((id) => done.get(id) ?? (conductor.getWorkflow(id) as Workflow));
}

export const isTerminal = (workflow: Workflow | undefined): boolean =>
  workflow !== undefined && TERMINAL.has(workflow.status);
