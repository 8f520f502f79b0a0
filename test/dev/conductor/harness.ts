/** Shared plumbing for the fake Conductor server tests: plain-fetch calls and small fixtures. */
import type { ConductorServer } from "../../../dev/conductor/index.js";

export interface ApiResponse {
  status: number;
  contentType: string | null;
  text: string;
  json: unknown;
}

export async function api(
  server: ConductorServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const response = await fetch(server.url + path, {
    method,
    headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const contentType = response.headers.get("content-type");
  let json: unknown;
  if (contentType?.includes("json") && text !== "") json = JSON.parse(text);
  return { status: response.status, contentType, text, json };
}

/** Registers one task def per name and a workflow running them in order; returns the workflow name. */
export async function registerSequence(
  server: ConductorServer,
  name: string,
  tasks: Array<{
    name: string;
    def?: Record<string, unknown>;
    workflowTask?: Record<string, unknown>;
  }>,
  workflowExtra: Record<string, unknown> = {},
): Promise<string> {
  const defs = tasks
    .filter((t) => t.def)
    .map((t) => ({ name: t.name, timeoutSeconds: 0, ...t.def }));
  if (defs.length > 0) expectOk(await api(server, "POST", "/api/metadata/taskdefs", defs));
  const def = {
    name,
    version: 1,
    tasks: tasks.map((t) => ({
      name: t.name,
      taskReferenceName: `${t.name}_ref`,
      type: "SIMPLE",
      ...t.workflowTask,
    })),
    ...workflowExtra,
  };
  expectOk(await api(server, "POST", "/api/metadata/workflow?overwrite=true", def));
  return name;
}

export async function startWorkflow(
  server: ConductorServer,
  name: string,
  input: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const response = await api(server, "POST", "/api/workflow", { name, input, ...extra });
  expectOk(response);
  return response.text;
}

export async function pollBatch(
  server: ConductorServer,
  taskType: string,
  query = "count=1&timeout=0&workerid=w1",
): Promise<ApiResponse> {
  return api(server, "GET", `/api/tasks/poll/batch/${taskType}?${query}`);
}

/** Polls once and returns the single task handed out (fails when none). */
export async function pollOne(
  server: ConductorServer,
  taskType: string,
  query?: string,
): Promise<Record<string, unknown>> {
  const response = await pollBatch(server, taskType, query);
  const tasks = response.json as Array<Record<string, unknown>>;
  if (response.status !== 200 || !Array.isArray(tasks) || tasks.length !== 1) {
    throw new Error(`expected one ${taskType} task, got ${response.status} ${response.text}`);
  }
  return tasks[0] as Record<string, unknown>;
}

export async function complete(
  server: ConductorServer,
  task: Record<string, unknown>,
  result: Record<string, unknown>,
): Promise<ApiResponse> {
  return api(server, "POST", "/api/tasks", {
    workflowInstanceId: task.workflowInstanceId,
    taskId: task.taskId,
    workerId: "w1",
    ...result,
  });
}

export function expectOk(response: ApiResponse): void {
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`unexpected HTTP ${response.status}: ${response.text}`);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
