/**
 * The one place where an HTTP answer (or the lack of one) becomes a CommonRoomError.
 * Only safe facts are kept: operation, status, method, path, an error code, Common Room's
 * own `reason`. Never headers, never the request config, never the axios error itself.
 */
import { scrubSecrets } from "../secrets.js";
import { UNNAMED_WAIT_MS } from "./rate-policy.js";
import { readRateLimit } from "./rate-reading.js";
import { CommonRoomError, type CommonRoomErrorKind } from "./errors.js";

export const FALLBACK_RATE_LIMIT_WAIT_MS = UNNAMED_WAIT_MS;
const SNIPPET_CHARS = 120;

export interface HttpAnswer {
  operation: string;
  method: string;
  /** The request path below the API base, e.g. "/tags/abc". */
  path: string;
  status: number;
  /** Lower-case header names, as axios gives them. */
  headers: Record<string, unknown>;
  bodyText: string;
  /** Current time in epoch ms, for X-RateLimit-Reset and Retry-After. */
  now: number;
  secrets: readonly string[];
}

/**
 * Classifies a non-2xx answer, from either API version. A v2 error body
 * (`{ success: false, error: { code, message } }`) is classified by its code first (see
 * kindOfV2Code), and its code becomes the error's `reason`; anything else, and a v2 code
 * with no mapping, is classified by the HTTP status.
 */
export function classifyHttpError(answer: HttpAnswer): CommonRoomError {
  const { operation, method, path, status, secrets } = answer;
  const body = parseJsonOrUndefined(answer.bodyText);
  const v2 = v2ErrorOf(body);
  let reason: string | undefined;
  /** What Common Room said, ready for the message. */
  let said: string | undefined;
  if (v2 !== undefined) {
    reason = scrubSecrets(clip(v2.code, 80), secrets);
    said = `${v2.message === undefined ? "no message given" : scrubSecrets(clip(v2.message), secrets)} (${reason})`;
  } else {
    const v1Reason = reasonOf(body);
    reason = v1Reason === undefined ? undefined : scrubSecrets(clip(v1Reason), secrets);
    said = reason;
  }
  const details = { method, path };
  const base = { operation, httpStatus: status, details, reason };
  const say = (text: string) => `Common Room answered ${status} to ${operation}: ${text}`;

  const byCode = v2 === undefined ? undefined : kindOfV2Code(v2.code);
  if (byCode !== undefined && said !== undefined) {
    return new CommonRoomError({ ...base, kind: byCode, message: say(said) });
  }

  if (status === 401 || status === 403) {
    return new CommonRoomError({
      ...base,
      kind: "unauthorized",
      message: say(said ?? "the API token was refused"),
    });
  }
  if (status === 404) {
    const what = v2 === undefined ? notFoundSubject(path) : undefined;
    return new CommonRoomError({
      ...base,
      kind: "not_found",
      message: say(what ?? said ?? "Not found"),
    });
  }
  if (status === 409) {
    return new CommonRoomError({
      ...base,
      kind: "conflict",
      message: say(said ?? "Conflict"),
    });
  }
  if (status === 429) {
    const waitMs =
      readRateLimit(status, answer.headers, answer.bodyText, answer.now).waitMs ??
      FALLBACK_RATE_LIMIT_WAIT_MS;
    return new CommonRoomError({
      ...base,
      kind: "rate_limited",
      waitMs,
      message: say(`rate limited; asked to wait ${waitMs} ms`),
    });
  }
  if (status >= 500) {
    return new CommonRoomError({
      ...base,
      kind: "upstream",
      message: say(said ?? "server error"),
    });
  }
  if (status >= 400) {
    const text = said ?? snippetOrNothing(answer.bodyText, secrets) ?? "no reason given";
    return new CommonRoomError({ ...base, kind: "bad_request", message: say(text) });
  }
  // 1xx/3xx that axios did not resolve: nothing we can use.
  return new CommonRoomError({
    ...base,
    kind: "unexpected_response",
    message: say("an unexpected status"),
  });
}

/**
 * The kind a v2 error code stands for, whatever the HTTP status: `*_not_found` →
 * not_found, `invalid_*` → bad_request, `conflict` → conflict, `internal_server_error` →
 * upstream. Any other code: undefined (the status decides).
 */
export function kindOfV2Code(code: string): CommonRoomErrorKind | undefined {
  if (code.endsWith("_not_found")) return "not_found";
  if (code.startsWith("invalid_")) return "bad_request";
  if (code === "conflict") return "conflict";
  if (code === "internal_server_error") return "upstream";
  return undefined;
}

/** The code and message of a v2 error body, or undefined when the body is not one. */
function v2ErrorOf(body: unknown): { code: string; message?: string } | undefined {
  if (!isRecord(body) || body.success === true || !isRecord(body.error)) return undefined;
  const { code, message } = body.error;
  if (typeof code !== "string" || code.trim() === "") return undefined;
  return {
    code: code.trim(),
    ...(typeof message === "string" && message.trim() !== "" && { message: message.trim() }),
  };
}

/** The subset of an axios error that is safe to look at. */
export interface TransportFailure {
  code?: string;
  operation: string;
  method: string;
  path: string;
  timeoutMs: number;
}

const TIMEOUT_CODES = new Set(["ECONNABORTED", "ETIMEDOUT", "ESOCKETTIMEDOUT"]);

/** Classifies a call that got no HTTP answer (connection failure, timeout, cancel). */
export function classifyTransportError(failure: TransportFailure): CommonRoomError {
  const { code, operation, method, path, timeoutMs } = failure;
  let text: string;
  if (code !== undefined && TIMEOUT_CODES.has(code)) text = `timed out after ${timeoutMs} ms`;
  else if (code === "ERR_CANCELED") text = "the call was cancelled";
  else text = `connection failed (${code ?? "unknown error"})`;
  return new CommonRoomError({
    kind: "network",
    operation,
    message: `Common Room did not answer ${operation}: ${text}`,
    details: { method, path, ...(code !== undefined && { code }) },
  });
}

/** A 2xx body that is not what the API documents. */
export function unexpectedResponse(
  operation: string,
  status: number,
  problem: string,
  secrets: readonly string[],
): CommonRoomError {
  return new CommonRoomError({
    kind: "unexpected_response",
    operation,
    httpStatus: status,
    message: scrubSecrets(
      clip(`Common Room answered ${status} to ${operation} with ${problem}`, 300),
      secrets,
    ),
  });
}

/** A short quoted excerpt of a body, for messages. */
export function snippet(text: string, secrets: readonly string[]): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(scrubSecrets(clip(oneLine, SNIPPET_CHARS), secrets));
}

export function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function notFoundSubject(path: string): string | undefined {
  if (path.startsWith("/tags/")) return "Tag not found";
  if (path.startsWith("/source/")) return "Destination source not found";
  if (path.startsWith("/segments/")) return "Segment not found";
  if (path.startsWith("/contacts/") || path.startsWith("/user/")) return "Contact not found";
  return undefined;
}

/** Common Room's `reason` (v1), a v2-like `error.message`, or a Status body's `status`. */
function reasonOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (typeof body.reason === "string" && body.reason.trim() !== "") return body.reason;
  if (isRecord(body.error) && typeof body.error.message === "string") return body.error.message;
  if (typeof body.status === "string" && body.status.trim() !== "") return body.status;
  return undefined;
}

function snippetOrNothing(text: string, secrets: readonly string[]): string | undefined {
  return text.trim() === "" ? undefined : snippet(text, secrets);
}

function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
