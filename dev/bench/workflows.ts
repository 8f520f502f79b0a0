/** Starting one-task workflows over plain fetch and waiting for them to end. */
import type { Workflow } from "../conductor/index.js";
import type { BenchConductor } from "./conductor.js";
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

/** How many unfinished workflows one round looks at: they end roughly in start order. */
const LOOK_AHEAD = 20;

/**
 * Waits until every workflow is terminal or `timeoutMs` passed; returns the last view of each
 * (unfinished ones included, so callers can count them). On the real server each look is a
 * REST call, so a round reads only the first few unfinished ones rather than all of them.
 */
export async function waitAll(
  conductor: BenchConductor,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Workflow[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, Workflow>();
  for (;;) {
    const pending = ids.filter((id) => !done.has(id)).slice(0, LOOK_AHEAD);
    const views = await Promise.all(pending.map((id) => conductor.getWorkflow(id)));
    let progressed = false;
    views.forEach((workflow, i) => {
      if (workflow && TERMINAL.has(workflow.status)) {
        done.set(pending[i]!, workflow);
        progressed = true;
      }
    });
    if (done.size === ids.length || Date.now() >= deadline) break;
    if (!progressed) await sleep(100);
  }
  return Promise.all(
    ids.map(async (id) => done.get(id) ?? ((await conductor.getWorkflow(id)) as Workflow)),
  );
}

export const isTerminal = (workflow: Workflow | undefined): boolean =>
  workflow !== undefined && TERMINAL.has(workflow.status);
