import { isCommonRoomError, type CommonRoomErrorKind } from "../commonroom/errors.js";
import { BulkFailedError } from "../operations/bulk-error.js";
import { InvalidInputError } from "../operations/input-error.js";
import { OutputTooLargeError } from "../operations/output-ceiling.js";
import type { TaskOutput } from "../operations/define.js";
import { IntegrationError } from "./integration-error.js";

/**
 * The one map from what happened to a task to the result Conductor receives. The error codes
 * and statuses of contract.md live here and nowhere else.
 */

export type ErrorCode =
  | "INVALID_INPUT"
  | "INTEGRATION_NOT_FOUND"
  | "INTEGRATION_INACTIVE"
  | "UNAUTHORIZED"
  | "NOT_FOUND"
  | "BAD_REQUEST"
  | "RATE_LIMITED"
  | "UPSTREAM_ERROR"
  | "NETWORK_ERROR"
  | "UNEXPECTED_RESPONSE"
  | "CONFLICT"
  | "BULK_FAILED"
  /** Inside a bulk task's results only: an item the time budget left no room for. */
  | "NOT_ATTEMPTED"
  | "INTERNAL_ERROR";

export interface TaskError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  httpStatus?: number;
  details?: Record<string, unknown>;
}

export type TaskStatus = "COMPLETED" | "FAILED" | "FAILED_WITH_TERMINAL_ERROR" | "IN_PROGRESS";

export interface TaskResultBody {
  status: TaskStatus;
  outputData: Record<string, unknown>;
  reasonForIncompletion?: string;
  callbackAfterSeconds?: number;
  /** Short lines Conductor shows in its Logs tab (see task-log.ts). */
  logs?: { log: string; createdTime: number }[];
}

export type Outcome = { ok: true; output: TaskOutput } | { ok: false; error: unknown };

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

const CODE_OF_KIND: Record<CommonRoomErrorKind, ErrorCode> = {
  unauthorized: "UNAUTHORIZED",
  not_found: "NOT_FOUND",
  bad_request: "BAD_REQUEST",
  conflict: "CONFLICT",
  rate_limited: "RATE_LIMITED",
  upstream: "UPSTREAM_ERROR",
  network: "NETWORK_ERROR",
  unexpected_response: "UNEXPECTED_RESPONSE",
};

export interface ResultContext {
  /** How many times Conductor has handed this task out (its pollCount). */
  pollCount?: number;
  /** Hand-backs allowed before a rate-limited task fails; MAX_RATE_LIMIT_HANDBACKS by default. */
  maxHandbacks?: number;
}

export function toTaskResult(outcome: Outcome, context: ResultContext = {}): Classified {
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

export function toTaskError(error: unknown): TaskError {
  if (error instanceof InvalidInputError) {
    return {
      code: "INVALID_INPUT",
      message: `Invalid input: ${error.message}`,
      retryable: false,
      details: { issues: error.issues },
    };
  }
  if (error instanceof BulkFailedError) {
    return { code: "BULK_FAILED", message: error.message, retryable: error.retryable };
  }
  if (error instanceof OutputTooLargeError) {
    // Common Room answered more than one task may carry: asking again cannot help.
    return { code: "UNEXPECTED_RESPONSE", message: error.message, retryable: false };
  }
  if (error instanceof IntegrationError) {
    return { code: error.code, message: error.message, retryable: false };
  }
  if (isCommonRoomError(error)) {
    return {
      code: CODE_OF_KIND[error.kind],
      message: error.message,
      retryable: error.retryable,
      ...(error.httpStatus !== undefined && { httpStatus: error.httpStatus }),
      ...(error.details !== undefined && { details: error.details }),
    };
  }
  // Anything else is a bug in the worker: retryable, so a fixed worker can finish the task.
  const message = error instanceof Error ? error.message : String(error);
  return { code: "INTERNAL_ERROR", message: `Worker error: ${message}`, retryable: true };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
