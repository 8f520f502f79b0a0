/**
 * Wire shapes of the conductor-oss REST API as the fake server stores and serves them.
 * Optional fields mirror the server's "non-null fields only" JSON: undefined is never sent.
 */

export type TaskStatus =
  | "SCHEDULED"
  | "IN_PROGRESS"
  | "CANCELED"
  | "FAILED"
  | "FAILED_WITH_TERMINAL_ERROR"
  | "COMPLETED"
  | "COMPLETED_WITH_ERRORS"
  | "TIMED_OUT"
  | "SKIPPED";

export type WorkflowStatus =
  "RUNNING" | "COMPLETED" | "FAILED" | "TIMED_OUT" | "TERMINATED" | "PAUSED";

export type RetryLogic = "FIXED" | "LINEAR_BACKOFF" | "EXPONENTIAL_BACKOFF";
export type TaskTimeoutPolicy = "RETRY" | "TIME_OUT_WF" | "ALERT_ONLY";
export type WorkflowTimeoutPolicy = "TIME_OUT_WF" | "ALERT_ONLY";

export type JsonMap = Record<string, unknown>;

export interface TaskDef {
  name: string;
  description?: string;
  retryCount: number;
  timeoutSeconds: number;
  timeoutPolicy: TaskTimeoutPolicy;
  retryLogic: RetryLogic;
  retryDelaySeconds: number;
  responseTimeoutSeconds: number;
  concurrentExecLimit?: number;
  rateLimitPerFrequency?: number;
  rateLimitFrequencyInSeconds?: number;
  pollTimeoutSeconds?: number;
  backoffScaleFactor: number;
  maxRetryDelaySeconds: number;
  backoffJitterMs: number;
  totalTimeoutSeconds: number;
  ownerEmail?: string;
  inputKeys?: string[];
  outputKeys?: string[];
  inputTemplate?: JsonMap;
  createTime?: number;
  updateTime?: number;
  [extra: string]: unknown;
}

export interface WorkflowTask {
  name: string;
  taskReferenceName: string;
  type: string;
  inputParameters: JsonMap;
  optional: boolean;
  retryCount?: number;
  startDelay: number;
  taskDefinition?: TaskDef;
  /** SWITCH: how `expression` is evaluated (only "value-param" is modelled). */
  evaluatorType?: string;
  /** SWITCH with value-param: the key of the task's input whose value picks the case. */
  expression?: string;
  /** SWITCH: the tasks of each case, keyed by the case value as a string. */
  decisionCases?: Record<string, WorkflowTask[]>;
  /** SWITCH: the tasks run when no case matches. */
  defaultCase?: WorkflowTask[];
  [extra: string]: unknown;
}

export interface WorkflowDef {
  name: string;
  version: number;
  description?: string;
  tasks: WorkflowTask[];
  inputParameters: string[];
  outputParameters: JsonMap;
  schemaVersion: number;
  timeoutSeconds: number;
  timeoutPolicy: WorkflowTimeoutPolicy;
  ownerEmail?: string;
  restartable: boolean;
  createTime?: number;
  updateTime?: number;
  [extra: string]: unknown;
}

export interface Task {
  taskType: string;
  taskDefName: string;
  referenceTaskName: string;
  status: TaskStatus;
  inputData: JsonMap;
  outputData: JsonMap;
  /** Set when the output was over the external-storage threshold (see payload-limits.ts). */
  externalOutputPayloadStoragePath?: string;
  retryCount: number;
  seq: number;
  pollCount: number;
  scheduledTime: number;
  startTime: number;
  endTime: number;
  updateTime: number;
  startDelayInSeconds: number;
  retried: boolean;
  executed: boolean;
  callbackFromWorker: boolean;
  responseTimeoutSeconds: number;
  callbackAfterSeconds: number;
  workflowInstanceId: string;
  workflowType: string;
  taskId: string;
  workerId?: string;
  reasonForIncompletion?: string;
  retriedTaskId?: string;
  correlationId?: string;
  domain?: string;
  rateLimitPerFrequency: number;
  rateLimitFrequencyInSeconds: number;
  workflowPriority: number;
  iteration: number;
  workflowTask: WorkflowTask;
  queueWaitTime: number;
  loopOverTask: boolean;
  subworkflowChanged: boolean;
  firstStartTime: number;
}

export interface Workflow {
  workflowId: string;
  workflowName: string;
  workflowVersion: number;
  status: WorkflowStatus;
  input: JsonMap;
  output: JsonMap;
  tasks: Task[];
  reasonForIncompletion?: string;
  failedReferenceTaskNames: string[];
  failedTaskNames: string[];
  correlationId?: string;
  createTime: number;
  startTime: number;
  updateTime: number;
  endTime: number;
  priority: number;
  taskToDomain: Record<string, string>;
  variables: JsonMap;
  workflowDefinition: WorkflowDef;
  lastRetriedTime: number;
}

/** What a worker posts to /api/tasks and /api/tasks/update-v2. */
export interface TaskResult {
  workflowInstanceId?: string;
  taskId?: string;
  status?: string;
  outputData?: JsonMap;
  reasonForIncompletion?: string;
  callbackAfterSeconds?: number;
  workerId?: string;
  logs?: Array<{ log?: string; createdTime?: number; taskId?: string }>;
  extendLease?: boolean;
}

export interface TaskExecLog {
  log: string;
  taskId: string;
  createdTime: number;
}

export interface PollData {
  queueName: string;
  domain?: string;
  workerId?: string;
  lastPollTime: number;
}

export interface StartWorkflowRequest {
  name?: string;
  version?: number;
  input?: JsonMap;
  correlationId?: string;
  taskToDomain?: Record<string, string>;
  priority?: number;
  workflowDef?: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  at: number;
}

export type ConductorFault =
  { routes: "updates" | "polls" | "all"; status: number } | { routes: "all"; refuse: true };

export interface ConductorServerOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** "method-not-allowed" answers 405 on /api/tasks/update-v2, like servers before v3.21.12. */
  updateV2?: "enabled" | "method-not-allowed";
  /** "json-array" = 200 [] (current servers), "no-content" = bare 204 (before v3.21.20). */
  emptyPoll?: "json-array" | "no-content";
  /** "absent" answers 404 on /api/scheduler/..., like servers before v3.30.0. Default "enabled". */
  scheduler?: "enabled" | "absent";
  /**
   * How a batch poll with fewer ready tasks than `count` waits: "redis" (default, as most
   * production clusters run) answers with what it has at once; "sql" (SQLite, Postgres)
   * waits for `count` or the timeout.
   */
  queue?: "redis" | "sql";
  /** Orkes-style key auth; undefined = OSS, POST /api/token answers 404. */
  auth?: { keyId: string; keySecret: string };
  /** How often timeouts and delayed queues are evaluated; default 100 ms. */
  sweepIntervalMs?: number;
  /** How long a rate- or concurrency-limited task is postponed; default 60 000 ms like the real server. */
  rateLimitPostponeMs?: number;
}

export interface WaitForWorkflowOptions {
  timeoutMs?: number;
  until?: (workflow: Workflow) => boolean;
}

export interface ConductorServer {
  /** http://127.0.0.1:<port>; the SDK accepts it with or without /api. */
  url: string;
  port: number;
  /** Stops the server and drops idle and long-poll connections. */
  close(): Promise<void>;
  /** Every request answered so far, in arrival order. */
  requests: RecordedRequest[];
  setFault(fault: ConductorFault | null): void;
  /** Resolves once the server listens again (after a refuse fault is lifted). */
  listening(): Promise<void>;
  getWorkflow(id: string): Workflow | undefined;
  getTask(taskId: string): Task | undefined;
  waitForWorkflow(id: string, opts?: WaitForWorkflowOptions): Promise<Workflow>;
  /** Registered task definitions by name (live view). */
  taskDefs: ReadonlyMap<string, TaskDef>;
  /** Ready + delayed messages in a queue (`taskType` or `domain:taskType`). */
  queueSize(queueName: string): number;
  /** Invalidates every issued token, so the next call gets 401 EXPIRED_TOKEN. */
  expireTokens(): void;
}
