/**
 * Everything that can go wrong with a task, and the error code of contract.md each becomes:
 * the one home of the task-level error types, importable from operations and worker alike.
 * CommonRoomError (the HTTP facts of a failed call) stays at the client's edge, in
 * commonroom/errors.ts; toTaskError maps it here with the rest.
 */
import type { ZodError } from "zod";
import { CallStopped, isCommonRoomError, type CommonRoomErrorKind } from "../commonroom/errors.js";

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

export interface InputIssue {
  /** Dotted path into the task input, e.g. "user.customFields.0.value.value". */
  path: string;
  message: string;
}

/** The task input is wrong; retrying the same input cannot help. */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
  constructor(readonly issues: InputIssue[]) {
    super(
      issues
        .slice(0, 5)
        .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
        .join("; ") + (issues.length > 5 ? `; and ${issues.length - 5} more` : ""),
    );
  }

  static fromZod(error: ZodError): InvalidInputError {
    return new InvalidInputError(
      error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: unionMessage(issue) ?? issue.message,
      })),
    );
  }

  static field(path: string, message: string): InvalidInputError {
    return new InvalidInputError([{ path, message }]);
  }
}

/** zod says only "Invalid input" for a union; the first branch's reason is more useful. */
function unionMessage(issue: ZodError["issues"][number]): string | undefined {
  if (issue.code !== "invalid_union") return undefined;
  const first = issue.unionErrors[0]?.issues[0];
  return first ? first.message : undefined;
}

/** A bulk task in which no item was accepted; retryable when any item's failure was. */
export class BulkFailedError extends Error {
  override readonly name = "BulkFailedError";
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The per-item results, kept in the task output beside the error. */
    readonly output: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The attempt stops before the work is done, for the rate limit or because the worker
 * drains: the task goes back to Conductor IN_PROGRESS (no retry spent) with what is done in
 * its output, from which the next attempt resumes (see resume.ts).
 */
export class HandBackError extends Error {
  override readonly name = "HandBackError";
  constructor(
    message: string,
    readonly why: "rate_limited" | "draining",
    /** For rate_limited: how long until the limit is expected to lift, in ms. */
    readonly waitMs: number,
    /** What is done so far, kept in the task output. */
    readonly output: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Why a call's failure hands the task back rather than failing it, and for how long. */
export interface Held {
  why: HandBackError["why"];
  waitMs: number;
}

/** A call held past the attempt's budget by the rate limit, or stopped by the drain. */
export function heldBy(error: unknown): Held | undefined {
  if (error instanceof CallStopped) return { why: "draining", waitMs: 0 };
  if (isCommonRoomError(error) && error.kind === "rate_limited") {
    return { why: "rate_limited", waitMs: error.waitMs ?? 0 };
  }
  return undefined;
}

/** The task names an integration that is not configured, or is switched off. */
export class IntegrationError extends Error {
  override readonly name = "IntegrationError";
  constructor(
    readonly code: "INTEGRATION_NOT_FOUND" | "INTEGRATION_INACTIVE",
    message: string,
  ) {
    super(message);
  }
}

/** An output over the ceiling that the operation could not cut down itself. */
export class OutputTooLargeError extends Error {
  override readonly name = "OutputTooLargeError";
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
    hint = "",
  ) {
    super(
      `the task's output would be ${bytes} bytes, over COMMON_ROOM_MAX_OUTPUT_BYTES (${maxBytes})${hint ? `; ${hint}` : ""}`,
    );
  }
}

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
  if (error instanceof HandBackError) {
    // Handed back too often: Conductor's retry takes it from here.
    return { code: "RATE_LIMITED", message: error.message, retryable: true };
  }
  if (error instanceof CallStopped) {
    return { code: "NOT_ATTEMPTED", message: error.message, retryable: true };
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
