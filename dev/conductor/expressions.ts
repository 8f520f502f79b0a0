/**
 * `${...}` parameter evaluation (ParametersUtils): `${workflow.input.x}`, `${ref.output.y.z}`,
 * `${ref.input}`, array indices `a[0]`, every element `a[*].b` and elements that have a
 * field `a[?(@.b != null)].b`. A string that is exactly one expression keeps the
 * value's type; expressions inside longer strings are interpolated as text.
 */
import type { JsonMap, Task, Workflow } from "./types.js";

const EXPRESSION = /\$\{([^}]+)\}/g;
const WHOLE_EXPRESSION = /^\$\{([^}]+)\}$/;

/** What `${...}` paths resolve against: the workflow and the latest attempt of each task ref. */
export interface ExpressionContext {
  workflow: Workflow;
  tasksByRef: Map<string, Task>;
}

export function contextOf(workflow: Workflow): ExpressionContext {
  const tasksByRef = new Map<string, Task>();
  for (const task of workflow.tasks) tasksByRef.set(task.referenceTaskName, task); // later attempts win
  return { workflow, tasksByRef };
}

/** A step of a path: a key or index, every element (`[*]`), or those with a field (`[?(@.x != null)]`). */
type Part = string | { every: true } | { withField: string };

const PART = /\[\*\]|\[\?\(@\.(\w+)\s*!=\s*null\)\]|\[(\d+)\]|([^.[\]]+)/g;

function splitPath(path: string): Part[] {
  const parts: Part[] = [];
  for (const match of path.matchAll(PART)) {
    if (match[0] === "[*]") parts.push({ every: true });
    else if (match[1] !== undefined) parts.push({ withField: match[1] });
    else if (match[2] !== undefined) parts.push(match[2]);
    else if (match[3] !== undefined && match[3].trim() !== "") parts.push(match[3].trim());
  }
  return parts;
}

const MISSING = Symbol("missing");

/**
 * JsonPath as the server reads it (Jayway): a missing step is null; after `[*]` or a
 * filter the result is a list of what each element gives, leaving out the elements where
 * the rest of the path is missing (an explicit null stays).
 */
function walk(value: unknown, parts: Part[], index = 0): unknown {
  if (index === parts.length) return value;
  const part = parts[index] as Part;
  if (typeof part === "string") {
    if (value === null || value === undefined || typeof value !== "object") return MISSING;
    const next = (value as Record<string, unknown>)[part];
    return next === undefined ? MISSING : walk(next, parts, index + 1);
  }
  if (!Array.isArray(value)) return MISSING;
  const chosen =
    "every" in part
      ? value
      : value.filter(
          (item) =>
            typeof item === "object" &&
            item !== null &&
            (item as Record<string, unknown>)[part.withField] != null,
        );
  return chosen.map((item) => walk(item, parts, index + 1)).filter((item) => item !== MISSING);
}

function rootOf(head: string, ctx: ExpressionContext): unknown {
  if (head === "workflow") {
    const wf = ctx.workflow;
    return {
      input: wf.input,
      output: wf.output,
      variables: wf.variables,
      workflowId: wf.workflowId,
      workflowType: wf.workflowName,
      version: wf.workflowVersion,
      correlationId: wf.correlationId,
      status: wf.status,
      createTime: wf.createTime,
      taskToDomain: wf.taskToDomain,
    };
  }
  const task = ctx.tasksByRef.get(head);
  if (!task) return null;
  return {
    input: task.inputData,
    output: task.outputData,
    taskId: task.taskId,
    status: task.status,
    retryCount: task.retryCount,
    pollCount: task.pollCount,
    referenceTaskName: task.referenceTaskName,
  };
}

export function resolvePath(path: string, ctx: ExpressionContext): unknown {
  const [head, ...rest] = splitPath(path);
  if (typeof head !== "string") return null;
  const value = walk(rootOf(head, ctx), rest);
  return value === MISSING || value === undefined ? null : value;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function evaluateValue(value: unknown, ctx: ExpressionContext): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_EXPRESSION.exec(value);
    if (whole?.[1] !== undefined) return structuredClone(resolvePath(whole[1], ctx));
    if (!value.includes("${")) return value;
    return value.replace(EXPRESSION, (_match, path: string) => asText(resolvePath(path, ctx)));
  }
  if (Array.isArray(value)) return value.map((item) => evaluateValue(item, ctx));
  if (value !== null && typeof value === "object") {
    const out: JsonMap = {};
    for (const [key, item] of Object.entries(value)) out[key] = evaluateValue(item, ctx);
    return out;
  }
  return value;
}

export function evaluateParameters(params: JsonMap, ctx: ExpressionContext): JsonMap {
  return evaluateValue(params, ctx) as JsonMap;
}
