import { orkesConductorClient, type Task, type TaskResult } from "@io-orkes/conductor-javascript";
import type { Logger } from "../logger.js";
import { PollError } from "./poll-error.js";
import type { TaskResultBody } from "./results.js";

/**
 * The worker's few calls to Conductor (poll, update), made through the SDK's own HTTP client
 * so its auth, token refresh, TLS and proxy settings all apply. We do not use the SDK's
 * TaskRunner for these: it polls with a fixed 100 ms timeout, treats a non-array poll body as
 * fatal, and drops a result after about 60 seconds of failed updates.
 */

export type ConductorClient = Awaited<ReturnType<typeof orkesConductorClient>>;

/** A Task as the SDK types the wire, with the two ids every polled task carries. */
export type PolledTask = Task & Required<Pick<Task, "taskId" | "workflowInstanceId">>;

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

  /** The SDK client's base URL, e.g. http://conductor:8080 (its routes add /api). */
  private readonly baseUrl: string;

  /** A reconnection under way, shared by every delivery that met the same refusal. */
  private reconnecting?: Promise<void>;

  /**
   * `reconnect` builds a client with a token of its own (Orkes key auth); without it (OSS,
   * no credentials) a refused token cannot be renewed.
   */
  constructor(
    private client: ConductorClient,
    private readonly reconnect?: () => Promise<ConductorClient>,
  ) {
    this.baseUrl = client.getConfig().baseUrl ?? "";
  }

  /**
   * After a 401 or 403 that the SDK did not answer with a new token itself (it renews only
   * when the body says EXPIRED_TOKEN or INVALID_TOKEN, and not while its own refresh is
   * backing off): a new client, so a new token. False when there is no way to renew.
   */
  async reauthenticate(): Promise<boolean> {
    if (!this.reconnect) return false;
    this.reconnecting ??= this.reconnect()
      .then((fresh) => {
        this.client.stopBackgroundRefresh();
        this.client = fresh;
      })
      .finally(() => {
        this.reconnecting = undefined;
      });
    await this.reconnecting;
    return true;
  }

  /** Stops the current client's background token refresh. */
  close(): void {
    this.client.stopBackgroundRefresh();
  }

  /**
   * One batch poll. Anything but a JSON array (or the 204 of old servers) throws a PollError
   * naming the URL and what came back: a wrong CONDUCTOR_SERVER_URL must not look like
   * "no tasks".
   */
  async batchPoll(
    taskType: string,
    options: { workerId: string; count: number; timeoutMs: number; domain?: string },
  ): Promise<PolledTask[]> {
    const url = `${this.baseUrl}/api/tasks/poll/batch/${encodeURIComponent(taskType)}`;
    let answer;
    try {
      answer = await this.client.get<string, unknown, false>({
        security: SECURITY,
        url: "/api/tasks/poll/batch/{tasktype}",
        path: { tasktype: taskType },
        query: {
          workerid: options.workerId,
          count: options.count,
          timeout: options.timeoutMs,
          ...(options.domain && { domain: options.domain }),
        },
        // Parsed here, so a body that is not JSON is reported rather than thrown by the SDK.
        parseAs: "text",
        throwOnError: false,
      });
    } catch (error) {
      throw PollError.unreachable(url, error);
    }
    const { data, error, response } = answer;
    if (response.status === 204) return []; // servers before v3.21.20
    const text = response.ok ? String(data ?? "") : bodyText(error);
    if (!response.ok) throw PollError.answered(url, response.status, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw PollError.answered(url, response.status, text);
    }
    if (!Array.isArray(body)) throw PollError.answered(url, response.status, text);
    return body.filter(isPolledTask);
  }

  async updateTask(
    task: Pick<PolledTask, "taskId" | "workflowInstanceId">,
    result: TaskResultBody,
    workerId: string,
    options: { acceptNextTask: boolean } = { acceptNextTask: true },
  ): Promise<UpdateOutcome> {
    const body: TaskResult = {
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

/** The SDK hands an error body back parsed when it was JSON; turn it back into text. */
function bodyText(error: unknown): string {
  if (error === undefined || error === null) return "";
  return typeof error === "string" ? error : JSON.stringify(error);
}

function describe(error: unknown): string {
  if (error === undefined || error === null) return "";
  if (typeof error === "string") return error.slice(0, 200);
  if (typeof error === "object" && "message" in error) return String(error.message).slice(0, 200);
  return JSON.stringify(error).slice(0, 200);
}
