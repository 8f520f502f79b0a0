import { orkesConductorClient } from "@io-orkes/conductor-javascript";
import type { Logger } from "../logger.js";
import type { TaskResultBody } from "./results.js";

/**
 * The worker's few calls to Conductor (poll, update), made through the SDK's own HTTP client
 * so its auth, token refresh, TLS and proxy settings all apply. We do not use the SDK's
 * TaskRunner for these: it polls with a fixed 100 ms timeout, treats a non-array poll body as
 * fatal, and drops a result after about 60 seconds of failed updates.
 */

export type ConductorClient = Awaited<ReturnType<typeof orkesConductorClient>>;

/** The fields of a polled Task the worker reads. */
export interface PolledTask {
  taskId: string;
  workflowInstanceId: string;
  taskType?: string;
  taskDefName?: string;
  inputData?: Record<string, unknown>;
  retryCount?: number;
  pollCount?: number;
  responseTimeoutSeconds?: number;
  domain?: string;
}

export class ConductorHttpError extends Error {
  override readonly name = "ConductorHttpError";
  constructor(
    readonly status: number,
    readonly route: string,
    detail: string,
  ) {
    super(`Conductor answered ${status} to ${route}${detail ? `: ${detail}` : ""}`);
  }
}

/** The update-endpoint outcome the runtime acts on. */
export type UpdateOutcome =
  | { kind: "accepted"; nextTask?: PolledTask }
  /** Conductor no longer knows the task: nothing left to deliver to. */
  | { kind: "unknown_task" };

const SECURITY = [{ name: "X-Authorization", type: "apiKey" }] as const;

export interface ConductorConnection {
  serverUrl: string;
  authKey?: string;
  authSecret?: string;
  /** Long polls hold a connection each, so the pool must exceed the task-type count. */
  maxConnections: number;
  logger: Logger;
}

export async function connectConductor(connection: ConductorConnection): Promise<ConductorClient> {
  const log = connection.logger.child({ component: "conductor-sdk" });
  return orkesConductorClient({
    serverUrl: connection.serverUrl,
    keyId: connection.authKey,
    keySecret: connection.authSecret,
    maxHttp2Connections: connection.maxConnections,
    logger: {
      debug: (...args: unknown[]) => log.debug(args.map(String).join(" ")),
      info: (...args: unknown[]) => log.info(args.map(String).join(" ")),
      warn: (...args: unknown[]) => log.warn(args.map(String).join(" ")),
      error: (...args: unknown[]) => log.error(args.map(String).join(" ")),
    },
  });
}

export class ConductorGateway {
  /** null until the first update tells whether the server has /api/tasks/update-v2. */
  private updateV2Available: boolean | null = null;

  constructor(private readonly client: ConductorClient) {}

  async batchPoll(
    taskType: string,
    options: { workerId: string; count: number; timeoutMs: number; domain?: string },
  ): Promise<PolledTask[]> {
    const { data, error, response } = await this.client.get<PolledTask[], unknown, false>({
      security: SECURITY,
      url: "/api/tasks/poll/batch/{tasktype}",
      path: { tasktype: taskType },
      query: {
        workerid: options.workerId,
        count: options.count,
        timeout: options.timeoutMs,
        ...(options.domain && { domain: options.domain }),
      },
      throwOnError: false,
    });
    if (response.status === 204) return []; // servers before v3.21.20
    if (!response.ok) throw new ConductorHttpError(response.status, "batch poll", describe(error));
    // A body that is not an array would poison the SDK's own loop; here it is just empty.
    return Array.isArray(data) ? data.filter(isPolledTask) : [];
  }

  async updateTask(
    task: Pick<PolledTask, "taskId" | "workflowInstanceId">,
    result: TaskResultBody,
    workerId: string,
    options: { acceptNextTask: boolean } = { acceptNextTask: true },
  ): Promise<UpdateOutcome> {
    const body = {
      ...result,
      taskId: task.taskId,
      workflowInstanceId: task.workflowInstanceId,
      workerId,
    };
    // update-v2 may hand back the next task; while draining, the legacy route takes none.
    const tryV2 = this.updateV2Available !== false && options.acceptNextTask;
    if (tryV2) {
      const { data, error, response } = await this.client.post<PolledTask, unknown, false>({
        security: SECURITY,
        url: "/api/tasks/update-v2",
        body,
        headers: { "Content-Type": "application/json" },
        throwOnError: false,
      });
      if (response.ok) {
        this.updateV2Available = true;
        // A 200 carries the next task of the same type, already IN_PROGRESS for this worker.
        return { kind: "accepted", nextTask: isPolledTask(data) ? data : undefined };
      }
      // 404 is both "no such route" (old server) and "no such task": the legacy route tells.
      if (response.status !== 404 && response.status !== 405) {
        throw new ConductorHttpError(response.status, "update-v2", describe(error));
      }
    }
    const { error, response } = await this.client.post<string, unknown, false>({
      security: SECURITY,
      url: "/api/tasks",
      body,
      headers: { "Content-Type": "application/json" },
      parseAs: "text",
      throwOnError: false,
    });
    if (response.ok) {
      // v2 said 404/405 and the legacy route knew the task: this server has no v2.
      if (tryV2 && this.updateV2Available === null) this.updateV2Available = false;
      return { kind: "accepted" };
    }
    if (response.status === 404) return { kind: "unknown_task" };
    throw new ConductorHttpError(response.status, "update", describe(error));
  }
}

function isPolledTask(value: unknown): value is PolledTask {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as PolledTask).taskId === "string" &&
    typeof (value as PolledTask).workflowInstanceId === "string"
  );
}

function describe(error: unknown): string {
  if (error === undefined || error === null) return "";
  if (typeof error === "string") return error.slice(0, 200);
  if (typeof error === "object" && "message" in error) return String(error.message).slice(0, 200);
  return JSON.stringify(error).slice(0, 200);
}
