/**
 * Task and workflow definitions: validation and the defaults conductor-oss fills in
 * (TaskDef.java / WorkflowDef.java), so stored defs look like the real server's.
 */
import { badRequest, validationFailed, type ValidationError } from "./errors.js";
import type {
  JsonMap,
  RetryLogic,
  TaskDef,
  TaskTimeoutPolicy,
  WorkflowDef,
  WorkflowTask,
} from "./types.js";

const RETRY_LOGICS: RetryLogic[] = ["FIXED", "LINEAR_BACKOFF", "EXPONENTIAL_BACKOFF"];
const TASK_TIMEOUT_POLICIES: TaskTimeoutPolicy[] = ["RETRY", "TIME_OUT_WF", "ALERT_ONLY"];

const isObject = (value: unknown): value is JsonMap =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const numberOr = (value: unknown, fallback: number): number =>
  typeof value === "number" ? value : fallback;
const optionalNumber = (value: unknown): number | undefined =>
  typeof value === "number" ? value : undefined;

/** The def an unregistered SIMPLE task runs with (MetadataMapperService): plain defaults. */
export function adHocTaskDef(name: string): TaskDef {
  return normalizeTaskDef({ name, timeoutSeconds: 0 }, "adHoc");
}

export function normalizeTaskDef(input: unknown, path = "taskDef"): TaskDef {
  if (!isObject(input)) throw badRequest("TaskDef must be a JSON object");
  const errors: ValidationError[] = [];
  const name = input.name;
  if (typeof name !== "string" || name.trim() === "") {
    errors.push({ path: `${path}.name`, message: "TaskDef name cannot be null or empty" });
  }
  if (typeof input.timeoutSeconds !== "number") {
    errors.push({ path: `${path}.timeoutSeconds`, message: "TaskDef timeoutSeconds must be set" });
  }
  const def: TaskDef = {
    ...input,
    name: String(name ?? ""),
    retryCount: numberOr(input.retryCount, 3),
    timeoutSeconds: numberOr(input.timeoutSeconds, 0),
    timeoutPolicy: (input.timeoutPolicy as TaskTimeoutPolicy | undefined) ?? "TIME_OUT_WF",
    retryLogic: (input.retryLogic as RetryLogic | undefined) ?? "FIXED",
    retryDelaySeconds: numberOr(input.retryDelaySeconds, 60),
    responseTimeoutSeconds: numberOr(input.responseTimeoutSeconds, 3600),
    concurrentExecLimit: optionalNumber(input.concurrentExecLimit),
    rateLimitPerFrequency: optionalNumber(input.rateLimitPerFrequency),
    rateLimitFrequencyInSeconds: optionalNumber(input.rateLimitFrequencyInSeconds),
    pollTimeoutSeconds: optionalNumber(input.pollTimeoutSeconds),
    backoffScaleFactor: numberOr(input.backoffScaleFactor, 1),
    maxRetryDelaySeconds: numberOr(input.maxRetryDelaySeconds, 0),
    backoffJitterMs: numberOr(input.backoffJitterMs, 0),
    totalTimeoutSeconds: numberOr(input.totalTimeoutSeconds, 0),
  };
  if (def.retryCount < 0)
    errors.push({ path: `${path}.retryCount`, message: "TaskDef retryCount: must be >= 0" });
  if (def.responseTimeoutSeconds < 1) {
    errors.push({
      path: `${path}.responseTimeoutSeconds`,
      message: "TaskDef responseTimeoutSeconds: must be > 0",
    });
  }
  if (def.timeoutSeconds > 0 && def.responseTimeoutSeconds > def.timeoutSeconds) {
    errors.push({
      path: path,
      message: `TaskDef: ${def.name} responseTimeoutSeconds: ${def.responseTimeoutSeconds} must be less than timeoutSeconds: ${def.timeoutSeconds}`,
    });
  }
  if (
    def.totalTimeoutSeconds > 0 &&
    def.timeoutSeconds > 0 &&
    def.totalTimeoutSeconds < def.timeoutSeconds
  ) {
    errors.push({
      path,
      message: `TaskDef: ${def.name} totalTimeoutSeconds: ${def.totalTimeoutSeconds} must be greater than or equal to timeoutSeconds: ${def.timeoutSeconds}`,
    });
  }
  if (!RETRY_LOGICS.includes(def.retryLogic)) {
    errors.push({
      path: `${path}.retryLogic`,
      message: `unknown retryLogic ${String(def.retryLogic)}`,
    });
  }
  if (!TASK_TIMEOUT_POLICIES.includes(def.timeoutPolicy)) {
    errors.push({
      path: `${path}.timeoutPolicy`,
      message: `unknown timeoutPolicy ${String(def.timeoutPolicy)}`,
    });
  }
  if (def.backoffScaleFactor < 1) {
    errors.push({
      path: `${path}.backoffScaleFactor`,
      message: "TaskDef backoffScaleFactor: must be >= 1",
    });
  }
  if (errors.length > 0) throw validationFailed(errors);
  return def;
}

/** The evaluators a SWITCH may name; only value-param is modelled here. */
const SWITCH_EVALUATORS = ["value-param"];

function normalizeWorkflowTask(
  input: unknown,
  path: string,
  errors: ValidationError[],
): WorkflowTask {
  const task = isObject(input) ? input : {};
  const type = typeof task.type === "string" ? task.type : "SIMPLE";
  if (typeof task.name !== "string" || task.name === "") {
    errors.push({ path: `${path}.name`, message: "WorkflowTask name cannot be empty or null" });
  }
  if (typeof task.taskReferenceName !== "string" || task.taskReferenceName === "") {
    errors.push({
      path: `${path}.taskReferenceName`,
      message: "WorkflowTask taskReferenceName name cannot be empty or null",
    });
  }
  const normalized: WorkflowTask = {
    ...task,
    name: String(task.name ?? ""),
    taskReferenceName: String(task.taskReferenceName ?? ""),
    type,
    inputParameters: isObject(task.inputParameters) ? task.inputParameters : {},
    optional: task.optional === true,
    retryCount: optionalNumber(task.retryCount),
    startDelay: numberOr(task.startDelay, 0),
  };
  if (type === "SWITCH") return normalizeSwitch(normalized, task, path, errors);
  if (type !== "SIMPLE") {
    // Only SIMPLE and SWITCH tasks are modelled; a real server would accept the others.
    errors.push({
      path: `${path}.type`,
      message: `task type ${type} is not supported by this fake Conductor server (only SIMPLE and SWITCH are)`,
    });
  }
  return normalized;
}

/** SWITCH (WorkflowTaskTypeConstraint): an evaluator, an expression and at least one case. */
function normalizeSwitch(
  normalized: WorkflowTask,
  task: JsonMap,
  path: string,
  errors: ValidationError[],
): WorkflowTask {
  const name = normalized.name;
  if (typeof task.evaluatorType !== "string" || task.evaluatorType === "") {
    errors.push({
      path: `${path}.evaluatorType`,
      message: `evaluatorType should be set for taskType: SWITCH taskName: ${name}`,
    });
  } else if (!SWITCH_EVALUATORS.includes(task.evaluatorType)) {
    errors.push({
      path: `${path}.evaluatorType`,
      message: `evaluatorType ${task.evaluatorType} is not supported by this fake Conductor server (only ${SWITCH_EVALUATORS.join(", ")} is)`,
    });
  }
  if (typeof task.expression !== "string" || task.expression === "") {
    errors.push({
      path: `${path}.expression`,
      message: `expression should be set for taskType: SWITCH taskName: ${name}`,
    });
  }
  const rawCases = isObject(task.decisionCases) ? task.decisionCases : {};
  if (Object.keys(rawCases).length === 0) {
    errors.push({
      path: `${path}.decisionCases`,
      message: `decisionCases should have atleast one task for taskType: SWITCH taskName: ${name}`,
    });
  }
  const decisionCases: Record<string, WorkflowTask[]> = {};
  for (const [value, list] of Object.entries(rawCases)) {
    decisionCases[value] = normalizeTaskList(list, `${path}.decisionCases.${value}`, errors);
  }
  return {
    ...normalized,
    evaluatorType: task.evaluatorType as string | undefined,
    expression: task.expression as string | undefined,
    decisionCases,
    defaultCase: normalizeTaskList(task.defaultCase ?? [], `${path}.defaultCase`, errors),
  };
}

function normalizeTaskList(
  input: unknown,
  path: string,
  errors: ValidationError[],
): WorkflowTask[] {
  const list = Array.isArray(input) ? input : [];
  return list.map((task, index) => normalizeWorkflowTask(task, `${path}[${index}]`, errors));
}

/** Every task of a definition, those inside SWITCH cases included, in definition order. */
export function allWorkflowTasks(tasks: readonly WorkflowTask[]): WorkflowTask[] {
  return tasks.flatMap((task) => [
    task,
    ...Object.values(task.decisionCases ?? {}).flatMap((list) => allWorkflowTasks(list)),
    ...allWorkflowTasks(task.defaultCase ?? []),
  ]);
}

export function normalizeWorkflowDef(input: unknown): WorkflowDef {
  if (!isObject(input)) throw badRequest("WorkflowDef must be a JSON object");
  const errors: ValidationError[] = [];
  if (typeof input.name !== "string" || input.name === "") {
    errors.push({ path: "workflowDef.name", message: "WorkflowDef name cannot be null or empty" });
  }
  const rawTasks = Array.isArray(input.tasks) ? input.tasks : [];
  if (rawTasks.length === 0)
    errors.push({ path: "workflowDef.tasks", message: "WorkflowDef must have at least one task" });
  const tasks = normalizeTaskList(rawTasks, "workflowDef.tasks", errors);
  const refs = new Set<string>();
  for (const task of allWorkflowTasks(tasks)) {
    if (refs.has(task.taskReferenceName)) {
      errors.push({
        path: "workflowDef.tasks",
        message: `taskReferenceName: ${task.taskReferenceName} should be unique across tasks for a given workflowDefinition: ${String(input.name)}`,
      });
    }
    refs.add(task.taskReferenceName);
  }
  const schemaVersion = numberOr(input.schemaVersion, 2);
  if (schemaVersion !== 2)
    errors.push({
      path: "workflowDef.schemaVersion",
      message: "workflowDef schemaVersion: 2 is only supported",
    });
  const timeoutPolicy = input.timeoutPolicy ?? "ALERT_ONLY";
  if (timeoutPolicy !== "ALERT_ONLY" && timeoutPolicy !== "TIME_OUT_WF") {
    errors.push({
      path: "workflowDef.timeoutPolicy",
      message: `unknown timeoutPolicy ${String(timeoutPolicy)}`,
    });
  }
  if (errors.length > 0) throw validationFailed(errors);
  return {
    ...input,
    name: String(input.name),
    version: numberOr(input.version, 1),
    tasks,
    inputParameters: Array.isArray(input.inputParameters)
      ? (input.inputParameters as string[])
      : [],
    outputParameters: isObject(input.outputParameters) ? input.outputParameters : {},
    schemaVersion,
    timeoutSeconds: numberOr(input.timeoutSeconds, 0),
    timeoutPolicy: timeoutPolicy as WorkflowDef["timeoutPolicy"],
    restartable: input.restartable !== false,
  };
}
