/**
 * Workflow evaluation for SIMPLE tasks in sequence and SWITCH (DeciderService): scheduling with
 * taskToDomain, retries with their delays, optional tasks, workflow completion/failure,
 * and the response/task/poll/workflow timeouts the real sweeper enforces.
 */
import { contextOf, evaluateParameters } from "./expressions.js";
import { adHocTaskDef } from "./metadata.js";
import { queueNameOf, type TaskQueues } from "./queues.js";
import type { ConductorStore } from "./store.js";
import { decideSwitch, nextTaskAfter } from "./switch.js";
import type {
  JsonMap,
  StartWorkflowRequest,
  Task,
  TaskDef,
  TaskStatus,
  Workflow,
  WorkflowDef,
  WorkflowStatus,
  WorkflowTask,
} from "./types.js";

const TERMINAL_TASK = new Set<TaskStatus>([
  "CANCELED",
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "TIMED_OUT",
  "SKIPPED",
]);
const SUCCESSFUL_TASK = new Set<TaskStatus>(["COMPLETED", "COMPLETED_WITH_ERRORS", "SKIPPED"]);
const RETRIABLE_TASK = new Set<TaskStatus>(["FAILED", "TIMED_OUT"]);

export const isTerminalTask = (status: TaskStatus): boolean => TERMINAL_TASK.has(status);
export const isTerminalWorkflow = (status: WorkflowStatus): boolean =>
  status !== "RUNNING" && status !== "PAUSED";

export class Decider {
  constructor(
    private readonly store: ConductorStore,
    private readonly queues: TaskQueues,
  ) {}

  /** The registered def, or the ad-hoc defaults a real server uses for unregistered SIMPLE tasks. */
  taskDefOf(name: string): TaskDef {
    return this.store.taskDefs.get(name) ?? adHocTaskDef(name);
  }

  startWorkflow(def: WorkflowDef, request: StartWorkflowRequest): Workflow {
    const now = Date.now();
    const workflow: Workflow = {
      workflowId: this.store.newId(),
      workflowName: def.name,
      workflowVersion: def.version,
      status: "RUNNING",
      input: request.input ?? {},
      output: {},
      tasks: [],
      failedReferenceTaskNames: [],
      failedTaskNames: [],
      correlationId: request.correlationId,
      createTime: now,
      startTime: now,
      updateTime: now,
      endTime: 0,
      priority: request.priority ?? 0,
      taskToDomain: request.taskToDomain ?? {},
      variables: {},
      workflowDefinition: def,
      lastRetriedTime: 0,
    };
    this.store.workflows.set(workflow.workflowId, workflow);
    this.store.running.add(workflow.workflowId);
    const first = def.tasks[0];
    if (first) this.schedule(workflow, first);
    else this.finish(workflow, "COMPLETED");
    return workflow;
  }

  /** taskToDomain: exact name, then "*"; from a list the first domain with a live worker, else the last. */
  private domainOf(workflow: Workflow, taskName: string): string | undefined {
    const spec = workflow.taskToDomain[taskName] ?? workflow.taskToDomain["*"];
    if (!spec) return undefined;
    const domains = spec
      .split(",")
      .map((d) => d.trim())
      .filter((d) => d !== "");
    const active = domains.find(
      (d) => d !== "NO_DOMAIN" && this.store.hasActiveWorker(taskName, d),
    );
    const chosen = domains.length > 1 ? (active ?? domains[domains.length - 1]) : domains[0];
    return chosen === undefined || chosen === "NO_DOMAIN" ? undefined : chosen;
  }

  private retryDelayMs(def: TaskDef, failed: Task): number {
    const base = def.retryDelaySeconds;
    let seconds = base;
    if (def.retryLogic === "LINEAR_BACKOFF")
      seconds = base * def.backoffScaleFactor * (failed.retryCount + 1);
    if (def.retryLogic === "EXPONENTIAL_BACKOFF") seconds = base * 2 ** failed.retryCount;
    if (def.maxRetryDelaySeconds > 0) seconds = Math.min(seconds, def.maxRetryDelaySeconds);
    const jitter = def.backoffJitterMs > 0 ? Math.floor(Math.random() * def.backoffJitterMs) : 0;
    return seconds * 1000 + jitter;
  }

  /** Creates a SCHEDULED task (first attempt or retry of `previous`) and queues it. */
  private schedule(workflow: Workflow, workflowTask: WorkflowTask, previous?: Task): Task {
    if (workflowTask.type === "SWITCH") return this.runSwitch(workflow, workflowTask);
    const now = Date.now();
    const def = this.taskDefOf(workflowTask.name);
    const domain = this.domainOf(workflow, workflowTask.name);
    const delayMs = previous ? this.retryDelayMs(def, previous) : workflowTask.startDelay * 1000;
    const task: Task = {
      taskType: workflowTask.name,
      taskDefName: workflowTask.name,
      referenceTaskName: workflowTask.taskReferenceName,
      status: "SCHEDULED",
      inputData: evaluateParameters(workflowTask.inputParameters, contextOf(workflow)),
      outputData: {},
      retryCount: previous ? previous.retryCount + 1 : 0,
      seq: workflow.tasks.length + 1,
      pollCount: 0,
      scheduledTime: now,
      startTime: 0,
      endTime: 0,
      updateTime: now,
      startDelayInSeconds: Math.round(delayMs / 1000),
      retried: false,
      executed: false,
      callbackFromWorker: true,
      responseTimeoutSeconds: def.responseTimeoutSeconds,
      callbackAfterSeconds: 0,
      workflowInstanceId: workflow.workflowId,
      workflowType: workflow.workflowName,
      taskId: this.store.newId(),
      reasonForIncompletion: previous?.reasonForIncompletion,
      retriedTaskId: previous?.taskId,
      correlationId: workflow.correlationId,
      domain,
      rateLimitPerFrequency: def.rateLimitPerFrequency ?? 0,
      rateLimitFrequencyInSeconds: def.rateLimitFrequencyInSeconds ?? 0,
      workflowPriority: workflow.priority,
      iteration: 0,
      workflowTask: { ...workflowTask, taskDefinition: def },
      queueWaitTime: 0,
      loopOverTask: false,
      subworkflowChanged: false,
      firstStartTime: previous ? previous.firstStartTime || previous.startTime : 0,
    };
    workflow.tasks.push(task);
    workflow.updateTime = now;
    this.store.tasks.set(task.taskId, task);
    this.queues.push(queueNameOf(task.taskType, domain), task.taskId, delayMs);
    return task;
  }

  /**
   * A SWITCH is a system task the server completes as it schedules it, together with the
   * first task of the chosen case; an empty case goes straight on after the SWITCH.
   */
  private runSwitch(workflow: Workflow, workflowTask: WorkflowTask): Task {
    const now = Date.now();
    const input = evaluateParameters(workflowTask.inputParameters, contextOf(workflow));
    const { caseValue, tasks } = decideSwitch(workflowTask, input);
    const task: Task = {
      taskType: "SWITCH",
      taskDefName: "SWITCH",
      referenceTaskName: workflowTask.taskReferenceName,
      status: "COMPLETED",
      inputData: { ...input, case: caseValue, ...(tasks.length > 0 && { hasChildren: "true" }) },
      outputData: { evaluationResult: [caseValue], selectedCase: caseValue },
      retryCount: 0,
      seq: workflow.tasks.length + 1,
      pollCount: 0,
      scheduledTime: now,
      startTime: now,
      endTime: now,
      updateTime: now,
      startDelayInSeconds: 0,
      retried: false,
      executed: true,
      callbackFromWorker: true,
      responseTimeoutSeconds: 0,
      callbackAfterSeconds: 0,
      workflowInstanceId: workflow.workflowId,
      workflowType: workflow.workflowName,
      taskId: this.store.newId(),
      correlationId: workflow.correlationId,
      rateLimitPerFrequency: 0,
      rateLimitFrequencyInSeconds: 0,
      workflowPriority: workflow.priority,
      iteration: 0,
      workflowTask,
      queueWaitTime: 0,
      loopOverTask: false,
      subworkflowChanged: false,
      firstStartTime: 0,
    };
    workflow.tasks.push(task);
    workflow.updateTime = now;
    this.store.tasks.set(task.taskId, task);
    const first = tasks[0];
    if (first) this.schedule(workflow, first);
    else this.advance(workflow, task);
    return task;
  }

  /** Re-evaluates a running workflow after one of its tasks changed. */
  decide(workflow: Workflow): void {
    if (workflow.status !== "RUNNING") return;
    const last = workflow.tasks[workflow.tasks.length - 1];
    if (!last || !isTerminalTask(last.status)) return;
    if (SUCCESSFUL_TASK.has(last.status)) {
      this.advance(workflow, last);
      return;
    }
    const workflowTask = last.workflowTask;
    const def = this.taskDefOf(workflowTask.name);
    const allowed = workflowTask.retryCount ?? def.retryCount;
    if (
      RETRIABLE_TASK.has(last.status) &&
      last.retryCount < allowed &&
      this.withinTotalTimeout(workflow, last, def)
    ) {
      last.retried = true;
      this.schedule(workflow, workflowTask, last);
      return;
    }
    if (workflowTask.optional) {
      last.status = "COMPLETED_WITH_ERRORS";
      this.advance(workflow, last);
      return;
    }
    const status: WorkflowStatus =
      last.status === "CANCELED"
        ? "TERMINATED"
        : last.status === "TIMED_OUT"
          ? "TIMED_OUT"
          : "FAILED";
    const reason = `Task ${last.taskId} failed with status: ${status} and reason: '${last.reasonForIncompletion ?? "null"}'`;
    this.finish(workflow, status, reason);
  }

  /** totalTimeoutSeconds is a budget across all attempts of one task reference. */
  private withinTotalTimeout(workflow: Workflow, task: Task, def: TaskDef): boolean {
    if (def.totalTimeoutSeconds <= 0) return true;
    const first = workflow.tasks.find((t) => t.referenceTaskName === task.referenceTaskName);
    const since = first?.scheduledTime ?? task.scheduledTime;
    return Date.now() - since < def.totalTimeoutSeconds * 1000;
  }

  private advance(workflow: Workflow, done: Task): void {
    const next = nextTaskAfter(workflow.workflowDefinition.tasks, done.referenceTaskName);
    if (next) this.schedule(workflow, next);
    else this.finish(workflow, "COMPLETED");
  }

  /** Ends a workflow: cancels what is still pending and computes the output as the server does. */
  finish(workflow: Workflow, status: WorkflowStatus, reason?: string): void {
    const now = Date.now();
    for (const task of workflow.tasks) {
      if (isTerminalTask(task.status)) continue;
      task.status = "CANCELED";
      task.endTime = now;
      task.updateTime = now;
      this.queues.remove(queueNameOf(task.taskType, task.domain), task.taskId);
    }
    const failed = workflow.tasks.filter(
      (t) => t.status === "FAILED" || t.status === "FAILED_WITH_TERMINAL_ERROR",
    );
    workflow.failedReferenceTaskNames = [...new Set(failed.map((t) => t.referenceTaskName))];
    workflow.failedTaskNames = [...new Set(failed.map((t) => t.taskDefName))];
    workflow.status = status;
    if (reason !== undefined) workflow.reasonForIncompletion = reason;
    workflow.output = this.outputOf(workflow);
    workflow.endTime = now;
    workflow.updateTime = now;
    this.store.running.delete(workflow.workflowId);
  }

  /** Def outputParameters evaluated, or else the last task's outputData (updateWorkflowOutput). */
  private outputOf(workflow: Workflow): JsonMap {
    const params = workflow.workflowDefinition.outputParameters;
    if (Object.keys(params).length > 0) return evaluateParameters(params, contextOf(workflow));
    return structuredClone(workflow.tasks[workflow.tasks.length - 1]?.outputData ?? {});
  }

  private timeOut(task: Task, reason: string): void {
    const now = Date.now();
    task.status = "TIMED_OUT";
    task.reasonForIncompletion = reason;
    task.endTime = now;
    task.updateTime = now;
    this.queues.remove(queueNameOf(task.taskType, task.domain), task.taskId);
  }

  /** Applies a task timeout per the def's timeoutPolicy; true when the task was timed out. */
  private applyPolicy(workflow: Workflow, task: Task, def: TaskDef, reason: string): boolean {
    if (def.timeoutPolicy === "ALERT_ONLY") return false;
    this.timeOut(task, reason);
    if (def.timeoutPolicy === "TIME_OUT_WF") this.finish(workflow, "TIMED_OUT", reason);
    else this.decide(workflow);
    return true;
  }

  /** The sweeper: every running workflow's timeouts (checkTaskTimeout, checkTaskPollTimeout, isResponseTimedOut). */
  sweep(now = Date.now()): void {
    for (const id of [...this.store.running]) {
      const workflow = this.store.workflows.get(id);
      if (!workflow || workflow.status !== "RUNNING") continue;
      const wfDef = workflow.workflowDefinition;
      if (wfDef.timeoutPolicy === "TIME_OUT_WF" && wfDef.timeoutSeconds > 0) {
        const elapsed = now - workflow.startTime;
        if (elapsed >= wfDef.timeoutSeconds * 1000) {
          this.finish(
            workflow,
            "TIMED_OUT",
            `Workflow timed out after ${Math.floor(elapsed / 1000)} seconds. Timeout configured as ${wfDef.timeoutSeconds} seconds. Timeout policy configured to TIME_OUT_WF`,
          );
          continue;
        }
      }
      const task = workflow.tasks[workflow.tasks.length - 1];
      if (!task || isTerminalTask(task.status)) continue;
      const def = this.taskDefOf(task.taskDefName);
      if (def.timeoutSeconds > 0 && task.startTime > 0) {
        const elapsed = now - task.startTime; // per attempt, from its first poll
        if (elapsed >= def.timeoutSeconds * 1000) {
          const reason = `Task timed out after ${Math.floor(elapsed / 1000)} seconds. Timeout configured as ${def.timeoutSeconds} seconds. Timeout policy configured to ${def.timeoutPolicy}`;
          if (this.applyPolicy(workflow, task, def, reason)) continue;
        }
      }
      if (task.status === "SCHEDULED" && (def.pollTimeoutSeconds ?? 0) > 0) {
        const limitMs = ((def.pollTimeoutSeconds ?? 0) + task.callbackAfterSeconds) * 1000;
        if (now - task.scheduledTime >= limitMs + task.startDelayInSeconds * 1000) {
          const reason = `Task poll timed out after ${def.pollTimeoutSeconds} seconds`;
          if (this.applyPolicy(workflow, task, def, reason)) continue;
        }
      }
      if (task.status === "IN_PROGRESS") {
        const limitMs = (task.responseTimeoutSeconds + task.callbackAfterSeconds) * 1000;
        if (now - task.updateTime >= limitMs) {
          this.timeOut(
            task,
            `responseTimeout: ${task.responseTimeoutSeconds} exceeded for the taskId: ${task.taskId} with Task Definition: ${task.taskDefName}`,
          );
          this.decide(workflow);
        }
      }
    }
  }
}
