/**
 * Reading workflows over Conductor's REST API, for callers that do not own the server's
 * memory (the real server): the same answers `dev/conductor` gives in-process.
 */
import { isTerminalWorkflow } from "../conductor/decider.js";
import type { WaitForWorkflowOptions, Workflow } from "../conductor/types.js";

/** GET /api/workflow/{id}; undefined for an unknown id (404) or while the server is away. */
export async function fetchWorkflow(baseUrl: string, id: string): Promise<Workflow | undefined> {
  try {
    const response = await fetch(`${baseUrl}/api/workflow/${id}?includeTasks=true`);
    if (!response.ok) return undefined;
    return (await response.json()) as Workflow;
  } catch {
    return undefined;
  }
}

/** Polls until the workflow is terminal (or `until` holds); fails with what it saw last. */
export async function waitForWorkflowOver(
  baseUrl: string,
  id: string,
  options: WaitForWorkflowOptions = {},
): Promise<Workflow> {
  const until = options.until ?? ((wf: Workflow) => isTerminalWorkflow(wf.status));
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const workflow = await fetchWorkflow(baseUrl, id);
    if (workflow && until(workflow)) return workflow;
    if (Date.now() >= deadline) {
      const seen = workflow
        ? JSON.stringify({
            status: workflow.status,
            tasks: workflow.tasks.map((t) => `${t.referenceTaskName}:${t.status}`),
          })
        : "unknown id";
      throw new Error(
        `workflow ${id} did not reach the expected state in time; last seen: ${seen}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Terminates each workflow that is still running (a shared server must not keep them). */
export async function terminateRunning(baseUrl: string, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      const workflow = await fetchWorkflow(baseUrl, id);
      if (workflow && !isTerminalWorkflow(workflow.status)) {
        await fetch(`${baseUrl}/api/workflow/${id}?reason=test+finished`, { method: "DELETE" });
      }
    }),
  );
}
