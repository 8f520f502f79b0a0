import type { TaskResult } from "@io-orkes/conductor-javascript";
import { isCommonRoomError } from "../commonroom/errors.js";
import type { TaskOutput } from "../operations/define.js";
import { BulkFailedError, toTaskError, type TaskError } from "../operations/errors.js";

/**
 * The one map from what happened to a task to the result Conductor receives: its status,
 * output and reason. The error codes are in operations/errors.ts; statuses live here.
 */

/**
 * A TaskResult as the SDK types the wire, before the gateway adds the task's ids: status
 * and output always set. Its logs are the lines Conductor shows in its Logs tab (task-log.ts).
 */
export type TaskResultBody = Required<Pick<TaskResult, "status" | "outputData">> &
  Pick<TaskResult, "reasonForIncompletion" | "callbackAfterSeconds" | "logs">;

export type TaskStatus = TaskResultBody["status"];

/** What running an operation gave: its output, or whatever it threw. */
export type OperationResult = { ok: true; output: TaskOutput } | { ok: false; error: unknown };

export interface Classified {
  result: TaskResultBody;
  /** For logs and metrics: completed, failed (retryable), terminal, waiting, or a bug. */
  outcome: "completed" | "failed" | "terminal" | "waiting" | "internal_error";
  error?: TaskError;
}

/** Conductor keeps 500 characters of reasonForIncompletion. */
const REASON_LIMIT = 500;
/** A task handed back for rate limiting this many times fails instead (Conductor retries it). */
export const MAX_RATE_LIMIT_HANDBACKS = 10;

export interface ResultContext {
  /** How many times Conductor has handed this task out (its pollCount). */
  pollCount?: number;
  /** Hand-backs allowed before a rate-limited task fails; MAX_RATE_LIMIT_HANDBACKS by default. */
  maxHandbacks?: number;
}

export function toTaskResult(outcome: OperationResult, context: ResultContext = {}): Classified {
  if (outcome.ok) {
    return { result: { status: "COMPLETED", outputData: outcome.output }, outcome: "completed" };
  }
  const { error } = outcome;

  // Common Room asked for a wait longer than this attempt's budget: hand the task back
  // without using up a retry, unless it has come back too often already.
  if (
    isCommonRoomError(error) &&
    error.kind === "rate_limited" &&
    error.waitMs !== undefined &&
    (context.pollCount ?? 0) <= (context.maxHandbacks ?? MAX_RATE_LIMIT_HANDBACKS)
  ) {
    const callbackAfterSeconds = Math.max(1, Math.ceil(error.waitMs / 1000));
    return {
      result: {
        status: "IN_PROGRESS",
        callbackAfterSeconds,
        outputData: {
          waiting: { code: "RATE_LIMITED", message: error.message, waitMs: error.waitMs },
        },
      },
      outcome: "waiting",
    };
  }

  const taskError = toTaskError(error);
  const status: TaskStatus = taskError.retryable ? "FAILED" : "FAILED_WITH_TERMINAL_ERROR";
  // A failed bulk task still reports each item, beside the error.
  const partial = error instanceof BulkFailedError ? error.output : {};
  return {
    result: {
      status,
      outputData: { ...partial, error: taskError },
      reasonForIncompletion: truncate(`${taskError.code}: ${taskError.message}`, REASON_LIMIT),
    },
    outcome:
      taskError.code === "INTERNAL_ERROR"
        ? "internal_error"
        : taskError.retryable
          ? "failed"
          : "terminal",
    error: taskError,
  };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
