/**
 * The REST surface of conductor-oss that workers and tests use, as a route table.
 * Each handler gets the parsed request and returns a Reply; errors are thrown as ConductorError.
 */
import type { Decider } from "./decider.js";
import { isTerminalWorkflow } from "./decider.js";
import { ConductorError, badRequest, conflict, notFound } from "./errors.js";
import type { Execution } from "./execution.js";
import { empty, json, text, type Reply } from "./http.js";
import { normalizeTaskDef, normalizeWorkflowDef } from "./metadata.js";
import type { Scheduler } from "./scheduler.js";
import { taskJson, workflowJson, type ConductorStore } from "./store.js";
import type { ConductorServerOptions, JsonMap, StartWorkflowRequest } from "./types.js";

export interface RouteRequest {
  params: string[];
  query: URLSearchParams;
  rawBody: string;
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(request: RouteRequest): Reply | Promise<Reply>;
}

export interface RouteDeps {
  store: ConductorStore;
  decider: Decider;
  execution: Execution;
  scheduler: Scheduler;
  options: Required<Pick<ConductorServerOptions, "updateV2" | "emptyPoll" | "scheduler">>;
}

const HEALTH = { healthResults: [], suppressedHealthResults: [], healthy: true };

function parseJson(raw: string): unknown {
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest("Invalid JSON request body");
  }
}

const param = (request: RouteRequest, index: number): string =>
  decodeURIComponent(request.params[index] ?? "");

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw badRequest(`Invalid value for parameter ${name}: ${raw}`);
  return value;
}

/** POST /api/workflow's start, also the scheduler's: the workflow id, or a ConductorError. */
export function startWorkflowOf(
  store: ConductorStore,
  decider: Decider,
  request: StartWorkflowRequest,
): string {
  if (!request.name && !request.workflowDef)
    throw badRequest("Workflow name cannot be null or empty");
  const def = request.workflowDef
    ? normalizeWorkflowDef(request.workflowDef)
    : store.workflowDef(request.name as string, request.version);
  if (!def) {
    throw notFound(
      `No such workflow found by name: ${request.name}, version: ${request.version ?? "null"}`,
    );
  }
  return decider.startWorkflow(def, request).workflowId;
}

export function conductorRoutes({
  store,
  decider,
  execution,
  scheduler,
  options,
}: RouteDeps): Route[] {
  const route = (method: string, path: string, handle: Route["handle"]): Route => ({
    method,
    pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "([^/]+)")}$`),
    handle,
  });

  const emptyPoll = (): Reply => (options.emptyPoll === "no-content" ? empty(204) : json([]));

  const startWorkflow = (request: StartWorkflowRequest) => startWorkflowOf(store, decider, request);

  const routes = [
    route("GET", "/health", () => json(HEALTH)),
    route("GET", "/api/health", () => json(HEALTH)),

    // ---- tasks (worker side)
    route("GET", "/api/tasks/poll/batch/{taskType}", async (req) => {
      const tasks = await execution.poll({
        taskType: param(req, 0),
        workerId: req.query.get("workerid") ?? undefined,
        domain: req.query.get("domain") || undefined,
        count: intParam(req.query, "count", 1),
        timeoutMs: intParam(req.query, "timeout", 100),
      });
      return tasks.length > 0 ? json(tasks) : emptyPoll();
    }),
    route("GET", "/api/tasks/poll/{taskType}", async (req) => {
      const [task] = await execution.poll({
        taskType: param(req, 0),
        workerId: req.query.get("workerid") ?? undefined,
        domain: req.query.get("domain") || undefined,
        count: 1,
        timeoutMs: 100,
      });
      return task ? json(task) : empty(204);
    }),
    route("POST", "/api/tasks/update-v2", async (req) => {
      if (options.updateV2 === "method-not-allowed") {
        throw new ConductorError(405, "Request method 'POST' is not supported");
      }
      const next = await execution.updateV2(parseJson(req.rawBody));
      return next ? json(next) : empty(204);
    }),
    route("POST", "/api/tasks", (req) => {
      const body = parseJson(req.rawBody);
      execution.update(body);
      return text(String((body as { taskId?: unknown }).taskId));
    }),
    route("GET", "/api/tasks/queue/polldata", (req) =>
      json(store.pollDataOf(req.query.get("taskType") ?? "")),
    ),
    route("GET", "/api/tasks/{taskId}/log", (req) => {
      const logs = store.logs.get(param(req, 0)) ?? [];
      return logs.length > 0 ? json(logs) : empty(204);
    }),
    route("POST", "/api/tasks/{taskId}/log", (req) => {
      // The controller stores the raw body string (a JSON-encoded message keeps its quotes).
      store.addLogs(param(req, 0), [{ log: req.rawBody }]);
      return empty(200);
    }),
    route("GET", "/api/tasks/{taskId}", (req) => {
      const task = store.tasks.get(param(req, 0));
      if (!task) throw notFound(`No such task found by id: ${param(req, 0)}`);
      return json(taskJson(task));
    }),

    // ---- metadata
    route("POST", "/api/metadata/taskdefs", (req) => {
      const body = parseJson(req.rawBody);
      if (!Array.isArray(body)) throw badRequest("Expected a JSON array of TaskDef");
      const defs = body.map((def, i) =>
        normalizeTaskDef(def, `registerTaskDef.taskDefinitions[${i}]`),
      );
      const now = Date.now();
      for (const def of defs) {
        def.createTime = store.taskDefs.get(def.name)?.createTime ?? now;
        def.updateTime = now;
        store.taskDefs.set(def.name, def);
      }
      return empty(200);
    }),
    route("PUT", "/api/metadata/taskdefs", (req) => {
      const def = normalizeTaskDef(parseJson(req.rawBody), "updateTaskDef.taskDefinition");
      const existing = store.taskDefs.get(def.name);
      if (!existing) throw notFound(`No such task by name ${def.name}`);
      store.taskDefs.set(def.name, {
        ...def,
        createTime: existing.createTime,
        updateTime: Date.now(),
      });
      return empty(200);
    }),
    route("GET", "/api/metadata/taskdefs", () => json([...store.taskDefs.values()])),
    route("GET", "/api/metadata/taskdefs/{name}", (req) => {
      const def = store.taskDefs.get(param(req, 0));
      if (!def) throw notFound(`No such taskType found by name: ${param(req, 0)}`);
      return json(def);
    }),
    route("DELETE", "/api/metadata/taskdefs/{name}", (req) => {
      if (!store.taskDefs.delete(param(req, 0)))
        throw notFound(`No such task definition found by name: ${param(req, 0)}`);
      return empty(200);
    }),
    route("POST", "/api/metadata/workflow", (req) => {
      const def = normalizeWorkflowDef(parseJson(req.rawBody));
      const overwrite = req.query.get("overwrite") === "true";
      if (store.workflowDef(def.name, def.version) && !overwrite) {
        throw conflict(`Workflow with ${def.name}.${def.version} already exists!`);
      }
      def.createTime = Date.now();
      store.putWorkflowDef(def);
      return empty(200);
    }),
    route("PUT", "/api/metadata/workflow", (req) => {
      const body = parseJson(req.rawBody);
      if (!Array.isArray(body)) throw badRequest("Expected a JSON array of WorkflowDef");
      const defs = body.map((def) => normalizeWorkflowDef(def));
      for (const def of defs) store.putWorkflowDef({ ...def, updateTime: Date.now() });
      return json({ bulkErrorResults: {}, bulkSuccessfulResults: defs.map((d) => d.name) });
    }),
    route("GET", "/api/metadata/workflow", () =>
      json([...store.workflowDefs.values()].flatMap((versions) => [...versions.values()])),
    ),
    route("GET", "/api/metadata/workflow/{name}", (req) => {
      const version = req.query.get("version");
      const def = store.workflowDef(param(req, 0), version ? Number(version) : undefined);
      if (!def)
        throw notFound(
          `No such workflow found by name: ${param(req, 0)}, version: ${version ?? "null"}`,
        );
      return json(def);
    }),

    // ---- workflows
    route("POST", "/api/workflow", (req) => {
      const body = parseJson(req.rawBody);
      if (typeof body !== "object" || body === null)
        throw badRequest("StartWorkflowRequest expected");
      return text(startWorkflow(body as StartWorkflowRequest));
    }),
    route("POST", "/api/workflow/{name}", (req) => {
      const version = req.query.get("version");
      const priority = req.query.get("priority");
      return text(
        startWorkflow({
          name: param(req, 0),
          version: version ? Number(version) : undefined,
          correlationId: req.query.get("correlationId") ?? undefined,
          priority: priority ? Number(priority) : undefined,
          input: (parseJson(req.rawBody) as JsonMap | undefined) ?? {},
        }),
      );
    }),
    route("GET", "/api/workflow/{name}/correlated/{correlationId}", (req) => {
      // WorkflowResource#getWorkflows: closed runs only with includeClosed, tasks only with includeTasks.
      const includeClosed = req.query.get("includeClosed") === "true";
      const includeTasks = req.query.get("includeTasks") === "true";
      const matches = [...store.workflows.values()].filter(
        (w) =>
          w.workflowName === param(req, 0) &&
          w.correlationId === param(req, 1) &&
          (includeClosed || !isTerminalWorkflow(w.status)),
      );
      return json(matches.map((w) => workflowJson(w, includeTasks)));
    }),
    route("GET", "/api/workflow/{workflowId}", (req) => {
      const workflow = store.workflows.get(param(req, 0));
      if (!workflow) throw notFound(`Workflow with id: ${param(req, 0)} not found.`);
      return json(workflowJson(workflow, req.query.get("includeTasks") !== "false"));
    }),
    route("DELETE", "/api/workflow/{workflowId}", (req) => {
      // Terminate (WorkflowResource#terminate): pending tasks are canceled.
      const workflow = store.workflows.get(param(req, 0));
      if (!workflow) throw notFound(`Workflow with id: ${param(req, 0)} not found.`);
      if (!isTerminalWorkflow(workflow.status))
        decider.finish(workflow, "TERMINATED", req.query.get("reason") ?? undefined);
      return empty(200);
    }),
  ];
  const schedulerRoutes = [
    // ---- scheduler (since 3.30, on by default)
    route("POST", "/api/scheduler/schedules", (req) =>
      json(scheduler.save(parseJson(req.rawBody))),
    ),
    route("GET", "/api/scheduler/schedules", (req) =>
      json(scheduler.list(req.query.get("workflowName") ?? undefined)),
    ),
    route("GET", "/api/scheduler/schedules/{name}", (req) => json(scheduler.get(param(req, 0)))),
    route("DELETE", "/api/scheduler/schedules/{name}", (req) => {
      scheduler.delete(param(req, 0));
      return empty(200);
    }),
    route("PUT", "/api/scheduler/schedules/{name}/pause", (req) => {
      scheduler.pause(param(req, 0), req.query.get("reason") ?? undefined);
      return empty(200);
    }),
    route("PUT", "/api/scheduler/schedules/{name}/resume", (req) => {
      scheduler.resume(param(req, 0));
      return empty(200);
    }),
    route("GET", "/api/scheduler/nextFewSchedules", (req) => {
      const optional = (name: string) =>
        req.query.get(name) === null ? undefined : intParam(req.query, name, 0);
      return json(
        scheduler.nextFew(
          req.query.get("cronExpression") ?? "",
          intParam(req.query, "limit", 5),
          optional("scheduleStartTime"),
          optional("scheduleEndTime"),
        ),
      );
    }),
  ];
  // Before 3.30 there is no scheduler: its paths are unknown routes (404).
  return options.scheduler === "absent" ? routes : [...routes, ...schedulerRoutes];
}
