import type { TaskResult } from "@io-orkes/conductor-javascript";
import { isCommonRoomError } from "../commonroom/errors.js";
import type { TaskOutput } from "../operations/define.js";
import { CallStopped } from "../commonroom/errors.js";
import { DEFAULT_MAX_RATE_WAIT_MS, handBackSeconds } from "../commonroom/rate-policy.js";
import {
  BulkFailedError,
  HandBackError,
  toTaskError,
  type TaskError,
} from "../operations/errors.js";

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
  /** The cap on callbackAfterSeconds for a rate limit (COMMON_ROOM_MAX_RATE_WAIT_SECONDS), ms. */
  maxRateWaitMs?: number;
}

export function toTaskResult(outcome: OperationResult, context: ResultContext = {}): Classified {
  if (outcome.ok) {
    return { result: { status: "COMPLETED", outputData: outcome.output }, outcome: "completed" };
  }
  const { error } = outcome;

  const maxWaitMs = context.maxRateWaitMs ?? DEFAULT_MAX_RATE_WAIT_MS;
  const mayWait = (context.pollCount ?? 0) <= (context.maxHandbacks ?? MAX_RATE_LIMIT_HANDBACKS);

  // The worker drains: the task goes back at once for another replica, with what is done.
  if (
    error instanceof CallStopped ||
    (error instanceof HandBackError && error.why === "draining")
  ) {
    return handedBack(0, "DRAINING", error.message, 0, partialOf(error));
  }
  // Common Room asked for a wait longer than this attempt's budget: hand the task back
  // without using up a retry (with what is done), unless it has come back too often already.
  if (error instanceof HandBackError && mayWait) {
    const seconds = handBackSeconds(error.waitMs, maxWaitMs);
    return handedBack(seconds, "RATE_LIMITED", error.message, error.waitMs, error.output);
  }
  if (
    isCommonRoomError(error) &&
    error.kind === "rate_limited" &&
    error.waitMs !== undefined &&
    mayWait
  ) {
    const seconds = handBackSeconds(error.waitMs, maxWaitMs);
    return handedBack(seconds, "RATE_LIMITED", error.message, error.waitMs, {});
  }

  const taskError = toTaskError(error);
  const status: TaskStatus = taskError.retryable ? "FAILED" : "FAILED_WITH_TERMINAL_ERROR";
  // A failed bulk task still reports each item, beside the error.
  const partial = partialOf(error);
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

/** IN_PROGRESS with callbackAfterSeconds: Conductor hands the task out again after it. */
function handedBack(
  callbackAfterSeconds: number,
  code: "RATE_LIMITED" | "DRAINING",
  message: string,
  waitMs: number,
  done: Record<string, unknown>,
): Classified {
  return {
    result: {
      status: "IN_PROGRESS",
      callbackAfterSeconds,
      outputData: { ...done, waiting: { code, message, waitMs } },
    },
    outcome: "waiting",
  };
}

/** What a task that ends early has done, kept in its output. */
function partialOf(error: unknown): Record<string, unknown> {
  return error instanceof BulkFailedError || error instanceof HandBackError ? error.output : {};
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
