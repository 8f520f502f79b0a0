/**
 * SWITCH as conductor-oss runs it (SwitchTaskMapper, ValueParamEvaluator, Switch): the case
 * value is `"" + input[expression]` (so `true` becomes "true" and a missing key "null"), an
 * empty or unknown case falls back to `defaultCase`, and the task after the last task of a
 * case is the task after the SWITCH.
 */
import type { JsonMap, WorkflowTask } from "./types.js";

export interface SwitchDecision {
  /** The case value as the server stores it: in the output's evaluationResult and selectedCase. */
  caseValue: string;
  /** The tasks of the chosen case (maybe none). */
  tasks: WorkflowTask[];
}

/** Java's `"" + value` for the values a JSON input can hold. */
function javaString(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function decideSwitch(workflowTask: WorkflowTask, input: JsonMap): SwitchDecision {
  // Only value-param is accepted at registration (metadata.ts).
  const caseValue = javaString(input[workflowTask.expression ?? ""]);
  const chosen = workflowTask.decisionCases?.[caseValue];
  const tasks = chosen && chosen.length > 0 ? chosen : (workflowTask.defaultCase ?? []);
  return { caseValue, tasks };
}

type Lookup = { found: false } | { found: true; next?: WorkflowTask };

/** Where `ref` sits in a (nested) task list, and what runs after it. */
function lookup(tasks: readonly WorkflowTask[], ref: string): Lookup {
  for (const [index, task] of tasks.entries()) {
    if (task.taskReferenceName === ref) return { found: true, next: tasks[index + 1] };
    const lists = [...Object.values(task.decisionCases ?? {}), task.defaultCase ?? []];
    for (const list of lists) {
      const inner = lookup(list, ref);
      if (!inner.found) continue;
      // The end of a case continues after the SWITCH that holds it.
      return inner.next ? inner : { found: true, next: tasks[index + 1] };
    }
  }
  return { found: false };
}

/** The task to schedule after `ref` completes; undefined when the workflow is done. */
export function nextTaskAfter(
  tasks: readonly WorkflowTask[],
  ref: string,
): WorkflowTask | undefined {
  const result = lookup(tasks, ref);
  return result.found ? result.next : undefined;
}
