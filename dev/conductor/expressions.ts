/**
 * `${...}` parameter evaluation (ParametersUtils): `${workflow.input.x}`, `${ref.output.y.z}`,
 * `${ref.input}`, array indices `a[0]`. A string that is exactly one expression keeps the
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

function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

function walk(value: unknown, parts: string[]): unknown {
  let current = value;
  for (const part of parts) {
    if (current === null || current === undefined || typeof current !== "object") return null;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined ? null : current;
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
  if (head === undefined) return null;
  return walk(rootOf(head, ctx), rest);
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
