/**
 * The worker-facing side (ExecutionService / WorkflowExecutor#updateTask): batch long polls
 * with rate and concurrency limits, task result updates and lease extension.
 */
import type { Decider } from "./decider.js";
import { isTerminalTask, isTerminalWorkflow } from "./decider.js";
import { applyOutputLimits } from "./payload-limits.js";
import {
  ConductorError,
  badRequest,
  notFound,
  validationFailed,
  type ValidationError,
} from "./errors.js";
import { queueNameOf, type TaskQueues } from "./queues.js";
import { taskJson, type ConductorStore } from "./store.js";
import type { Task, TaskResult, TaskStatus } from "./types.js";

export const MAX_POLL_TIMEOUT_MS = 5000;
const RESULT_STATUSES = new Set([
  "IN_PROGRESS",
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "COMPLETED",
  "CANCELED",
]);
const MAX_REASON_LENGTH = 500;

export interface PollRequest {
  taskType: string;
  domain?: string;
  workerId?: string;
  count: number;
  timeoutMs: number;
}

const REDIS_GATHER_MS = 2;

export class Execution {
  constructor(
    private readonly store: ConductorStore,
    private readonly queues: TaskQueues,
    private readonly decider: Decider,
    private readonly rateLimitPostponeMs: number,
    private readonly queueKind: "redis" | "sql" = "redis",
  ) {}

  /**
   * Long poll. The SQL queues (SQLite, Postgres) wait until `count` tasks were handed out or
   * `timeoutMs` passed; the Redis queue answers once it holds at least one, after gathering
   * others for about 2 ms (conductor-protocol.md §2.16).
   */
  async poll(request: PollRequest): Promise<Task[]> {
    if (request.timeoutMs > MAX_POLL_TIMEOUT_MS)
      throw badRequest("Long Poll Timeout value cannot be more than 5 seconds");
    // A poll whose client went away runs to its end, as on the real server: it may hand a
    // task to nobody (Conductor's responseTimeout recovers it).
    const { taskType, domain, workerId, count } = request;
    this.store.recordPoll(taskType, domain, workerId);
    const queueName = queueNameOf(taskType, domain);
    const deadline = Date.now() + Math.max(0, request.timeoutMs);
    const out: Task[] = [];
    for (;;) {
      if (this.queues.isClosed) break;
      this.handOut(queueName, count, workerId, out);
      const left = deadline - Date.now();
      if (out.length > 0 && out.length < count && this.queueKind === "redis") {
        await new Promise((resolve) => setTimeout(resolve, REDIS_GATHER_MS));
        this.handOut(queueName, count, workerId, out);
        break;
      }
      if (out.length >= count || left <= 0) break;
      await this.queues.waitForMessages(queueName, left);
    }
    return out.map(taskJson);
  }

  private handOut(
    queueName: string,
    count: number,
    workerId: string | undefined,
    out: Task[],
  ): void {
    while (out.length < count) {
      const ids = this.queues.take(queueName, count - out.length);
      if (ids.length === 0) return;
      for (const id of ids) {
        const task = this.store.tasks.get(id);
        if (!task || isTerminalTask(task.status)) continue; // stale message: dropped
        const workflow = this.store.workflows.get(task.workflowInstanceId);
        if (!workflow || isTerminalWorkflow(workflow.status)) continue;
        if (this.overLimit(task)) {
          this.queues.push(queueName, id, this.rateLimitPostponeMs);
          continue;
        }
        this.start(task, workerId);
        workflow.updateTime = task.updateTime;
        out.push(task);
      }
    }
  }

  /** concurrentExecLimit and rateLimitPerFrequency of the current def, checked at poll time. */
  private overLimit(task: Task): boolean {
    const def = this.store.taskDefs.get(task.taskDefName);
    if (!def) return false;
    const limit = def.concurrentExecLimit ?? 0;
    if (limit > 0 && this.inProgressCount(def.name) >= limit) return true;
    const perFrequency = def.rateLimitPerFrequency ?? 0;
    if (perFrequency > 0) {
      const windowMs = (def.rateLimitFrequencyInSeconds || 1) * 1000;
      const now = Date.now();
      const recent = (this.store.handOuts.get(def.name) ?? []).filter((at) => now - at < windowMs);
      this.store.handOuts.set(def.name, recent);
      if (recent.length >= perFrequency) return true;
    }
    return false;
  }

  private inProgressCount(taskDefName: string): number {
    let n = 0;
    for (const id of this.store.running) {
      for (const task of this.store.workflows.get(id)?.tasks ?? []) {
        if (task.taskDefName === taskDefName && task.status === "IN_PROGRESS") n++;
      }
    }
    return n;
  }

  private start(task: Task, workerId: string | undefined): void {
    const now = Date.now();
    if (task.startTime === 0) {
      task.startTime = now;
      task.queueWaitTime = now - task.scheduledTime;
    }
    if (task.firstStartTime === 0) task.firstStartTime = task.startTime;
    task.status = "IN_PROGRESS";
    task.callbackAfterSeconds = 0;
    task.workerId = workerId;
    task.pollCount += 1;
    task.updateTime = now;
    if ((this.store.taskDefs.get(task.taskDefName)?.rateLimitPerFrequency ?? 0) > 0) {
      const times = this.store.handOuts.get(task.taskDefName) ?? [];
      times.push(now);
      this.store.handOuts.set(task.taskDefName, times);
    }
  }

  /**
   * POST /api/tasks semantics. Returns the stored task after the update, or null when nothing
   * was updated (lease extension, workflow already over) - update-v2 answers 204 then.
   */
  update(body: unknown): Task | null {
    const result = (typeof body === "object" && body !== null ? body : {}) as TaskResult;
    const errors: ValidationError[] = [];
    if (typeof result.workflowInstanceId !== "string" || result.workflowInstanceId === "") {
      errors.push({
        path: "updateTask.taskResult.workflowInstanceId",
        message: "Workflow Id cannot be null or empty",
      });
    }
    if (typeof result.taskId !== "string" || result.taskId === "") {
      errors.push({
        path: "updateTask.taskResult.taskId",
        message: "Task ID cannot be null or empty",
      });
    }
    if (errors.length > 0) throw validationFailed(errors);
    const taskId = result.taskId as string;
    const task = this.store.tasks.get(taskId);
    const now = Date.now();

    if (result.extendLease === true) {
      // Only the lease moves: updateTime restarts the response timeout.
      if (task && !isTerminalTask(task.status)) task.updateTime = now;
      return null;
    }
    if (!task) throw notFound(`No such task found by id: ${taskId}`);
    const queueName = queueNameOf(task.taskType, task.domain);
    if (isTerminalTask(task.status)) {
      this.queues.remove(queueName, taskId);
      return task; // duplicate/late result: ignored
    }
    const workflow = this.store.workflows.get(task.workflowInstanceId);
    if (!workflow || isTerminalWorkflow(workflow.status)) {
      this.queues.remove(queueName, taskId);
      return null;
    }
    if (result.status === undefined || result.status === null) {
      // The real server dereferences the null status.
      throw new ConductorError(
        500,
        "TaskResult status is null (the real server fails with a NullPointerException)",
      );
    }
    if (!RESULT_STATUSES.has(result.status)) {
      throw badRequest(`Invalid TaskResult status: ${String(result.status)}`);
    }

    // A worker's IN_PROGRESS means "call me back": the task goes back to the queue.
    if (typeof result.reasonForIncompletion === "string") {
      task.reasonForIncompletion = result.reasonForIncompletion.slice(0, MAX_REASON_LENGTH);
    }
    const { status, outputData } = applyOutputLimits(
      task,
      (result.status === "IN_PROGRESS" ? "SCHEDULED" : result.status) as TaskStatus,
      result.outputData ?? {},
    );
    task.status = status;
    task.outputData = outputData;
    if (typeof result.workerId === "string") task.workerId = result.workerId;
    task.callbackAfterSeconds =
      typeof result.callbackAfterSeconds === "number" ? result.callbackAfterSeconds : 0;
    task.updateTime = now;
    if (isTerminalTask(status)) {
      task.endTime = now;
      task.executed = true;
      this.queues.remove(queueName, taskId);
    } else {
      this.queues.push(queueName, taskId, task.callbackAfterSeconds * 1000);
    }
    if (Array.isArray(result.logs)) this.store.addLogs(taskId, result.logs);
    workflow.updateTime = now;
    this.decider.decide(workflow);
    return task;
  }

  /** update-v2: after a terminal update, hand the same worker the next task of that type/domain. */
  async updateV2(body: unknown): Promise<Task | null> {
    const task = this.update(body);
    if (!task || !isTerminalTask(task.status)) return null;
    const workerId = (body as TaskResult).workerId;
    const [next] = await this.poll({
      taskType: task.taskType,
      domain: task.domain,
      workerId,
      count: 1,
      timeoutMs: 100,
    });
    return next ?? null;
  }
}
