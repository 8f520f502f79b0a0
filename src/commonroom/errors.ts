/**
 * The one error type of the Common Room client. Every failure of a call (HTTP status,
 * network, timeout, malformed body) is classified here, where the HTTP facts are known,
 * so nothing above the client needs to know HTTP.
 */
export type CommonRoomErrorKind =
  | "unauthorized" // 401 or 403
  | "not_found" // 404
  | "bad_request" // 400 (and other 4xx that retrying cannot fix)
  | "conflict" // 409
  | "rate_limited" // 429 still limited after the worker's own waiting
  | "upstream" // 5xx after the worker's own retries
  | "network" // connection failure or timeout after the worker's own retries
  | "unexpected_response"; // a 2xx whose body does not match the documented shape

const RETRYABLE: Record<CommonRoomErrorKind, boolean> = {
  unauthorized: false,
  not_found: false,
  bad_request: false,
  conflict: false,
  rate_limited: true,
  upstream: true,
  network: true,
  unexpected_response: false,
};

export interface CommonRoomErrorInit {
  kind: CommonRoomErrorKind;
  message: string;
  /** The client method that failed, e.g. "getTag". */
  operation: string;
  httpStatus?: number;
  /** Common Room's own `reason` (400 bodies, v2 error codes), when it gave one. */
  reason?: string;
  /** For rate_limited: how long Common Room asked us to wait, in milliseconds. */
  waitMs?: number;
  /** Extra facts safe to show a workflow author (never headers, never the token). */
  details?: Record<string, unknown>;
}

export class CommonRoomError extends Error {
  override readonly name = "CommonRoomError";
  readonly kind: CommonRoomErrorKind;
  readonly operation: string;
  readonly httpStatus?: number;
  readonly reason?: string;
  readonly waitMs?: number;
  readonly details?: Record<string, unknown>;
  readonly retryable: boolean;
  /**
   * Set by the retry layer when an earlier request of the same call went unanswered (a
   * network error or a 5xx): Common Room may have done the work then, so a 404 or 409 now
   * can be this call's own doing.
   */
  afterUnansweredRequest = false;

  constructor(init: CommonRoomErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.operation = init.operation;
    this.httpStatus = init.httpStatus;
    this.reason = init.reason;
    this.waitMs = init.waitMs;
    this.details = init.details;
    this.retryable = RETRYABLE[init.kind];
  }
}

export function isCommonRoomError(value: unknown): value is CommonRoomError {
  return value instanceof CommonRoomError;
}

/**
 * A call that was not started (or whose rate-limit wait was cut) because the worker drains:
 * nothing went to Common Room for it. Not a failure of Common Room: the operation hands its
 * task back to Conductor with what it has done, for another replica to take over.
 */
export class CallStopped extends Error {
  override readonly name = "CallStopped";
  constructor(readonly operation: string) {
    super(`Common Room was not asked for ${operation}: the worker is shutting down`);
  }
}

/** The abort reason of a stop signal that fired because the worker drains. */
export const DRAINING = "draining";
