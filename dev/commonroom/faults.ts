/** Injected faults: a queue of one-shot (or n-shot) misbehaviours matched per request. */
import type { RateLimitSnapshot } from "./rate-limit.js";
import { json, rateLimited, rateLimitHeaders, text, v2ErrorBody } from "./responses.js";
import { DOCS_URL } from "./seed.js";
import type { V2ErrorCode } from "./spec-checks-v2.js";
import type { Fault } from "./types.js";

interface QueuedFault {
  fault: Fault;
  left: number;
  /** Epoch ms after which the fault no longer applies (forMs), or Infinity. */
  until: number;
  hits: number;
  /** Matching requests still to let through before the fault applies. */
  skip: number;
}

/** What `inject` gives back: the fault's use so far, and a way to lift it early. */
export interface InjectedFault {
  /** Requests this fault has answered so far. */
  readonly hits: number;
  /** False once used up, expired (forMs) or lifted. */
  readonly active: boolean;
  /** Removes the fault: the requests after this one get Common Room's normal answer. */
  lift(): void;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  // Read through Date on each call, so fake clocks installed later still apply.
  constructor(private readonly now: () => number = () => Date.now()) {}

  inject(fault: Fault): InjectedFault {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new Error("fault.times must be > 0");
    if (fault.forMs !== undefined && !(fault.forMs > 0))
      throw new Error(`fault.forMs must be > 0 (got ${JSON.stringify(fault.forMs)})`);
    if (fault.skip !== undefined && !(Number.isInteger(fault.skip) && fault.skip >= 0))
      throw new Error(`fault.skip must be a whole number >= 0 (got ${JSON.stringify(fault.skip)})`);
    const entry: QueuedFault = {
      fault,
      left: times,
      skip: fault.skip ?? 0,
      until: fault.forMs === undefined ? Infinity : this.now() + fault.forMs,
      hits: 0,
    };
    this.queue.push(entry);
    const holds = () => this.holds(entry);
    return {
      get hits() {
        return entry.hits;
      },
      get active() {
        return holds();
      },
      lift: () => this.remove(entry),
    };
  }

  clear(): void {
    this.queue = [];
  }

  get pending(): number {
    this.expire();
    return this.queue.length;
  }

  /** The first queued fault that matches, used up by one. */
  take(method: string, path: string, api: "v1" | "v2" = "v1", token?: string): Fault | undefined {
    this.expire();
    const index = this.queue.findIndex((queued) => {
      if (!matches(queued.fault, method, path, api, token)) return false;
      if (queued.skip === 0) return true;
      // Counted as let through; a later fault in the queue may still apply.
      queued.skip -= 1;
      return false;
    });
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.left -= 1;
    entry.hits += 1;
    if (entry.left <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }

  private expire(): void {
    const now = this.now();
    this.queue = this.queue.filter((entry) => entry.until > now);
  }

  private holds(entry: QueuedFault): boolean {
    this.expire();
    return this.queue.includes(entry);
  }

  private remove(entry: QueuedFault): void {
    this.queue = this.queue.filter((queued) => queued !== entry);
  }
}

function matches(
  fault: Fault,
  method: string,
  path: string,
  api: "v1" | "v2",
  token: string | undefined,
): boolean {
  const match = fault.match;
  if (!match) return true;
  if (match.api !== undefined && match.api !== api) return false;
  if (match.token !== undefined && match.token !== token) return false;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === "string") return match.path === path;
  match.path.lastIndex = 0;
  return match.path.test(path);
}

const DEFAULT_BODIES: Record<number, unknown> = {
  400: { reason: "invalid-request-body", docs: DOCS_URL },
  401: { reason: "Token not valid" },
  403: { status: "forbidden" },
  404: { reason: "Not Found" },
  409: { reason: "Conflict" },
  500: { reason: "Internal Server Error" },
  503: { reason: "Service Unavailable" },
};

/** The v2 error code a 404 on `path` names. */
function notFoundCode(path: string): V2ErrorCode {
  const resource = path.split("/")[1] ?? "";
  const codes: Record<string, V2ErrorCode> = {
    contacts: "contact_not_found",
    activities: "activity_not_found",
    segments: "segment_not_found",
    organizations: "org_not_found",
  };
  return codes[resource] ?? "object_not_found";
}

/** Default bodies of v2 faults: ApiV2ErrorResponse, except 401 (as v1) and 403 (Status). */
function v2DefaultBody(status: number, path: string): unknown {
  switch (status) {
    case 400:
      return v2ErrorBody("invalid_parameters", "Invalid parameters");
    case 401:
      return DEFAULT_BODIES[401];
    case 403:
      return { status: "failure", reason: "Forbidden" };
    case 404:
      return v2ErrorBody(notFoundCode(path), "Not found");
    case 409:
      return v2ErrorBody("conflict", "A segment with this name already exists");
    case 503:
      return v2ErrorBody("internal_server_error", "Service Unavailable");
    default:
      return v2ErrorBody("internal_server_error", "Internal server error");
  }
}

/** A gateway's page, not JSON: the client must cope with a non-JSON error body. */
const BAD_GATEWAY_HTML =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

/**
 * The answer a fault forces, or "delay" (wait `delayMs`, then answer normally),
 * or "network" (no HTTP answer at all), or "lost" (serve, then drop the answer).
 */
export function faultOutcome(
  fault: Fault,
  rate: RateLimitSnapshot,
  now: number,
  request: { api: "v1" | "v2"; path: string } = { api: "v1", path: "" },
):
  | { kind: "respond"; response: Response }
  | { kind: "delay"; ms: number }
  | { kind: "network" }
  | { kind: "lost" } {
  if ("networkError" in fault) return { kind: "network" };
  if ("lostAnswer" in fault) return { kind: "lost" };
  if ("delayMs" in fault) return { kind: "delay", ms: fault.delayMs };
  if ("malformedJson" in fault) {
    const truncated =
      request.api === "v2"
        ? '{"success": true, "data": [{"id": "c_1", "name": "Ada Lo'
        : '{"labels": [{"id": "tag_1", "name": "Champ';
    const response = new Response(truncated, {
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8", ...rateLimitHeaders(rate) },
    });
    return { kind: "respond", response };
  }
  if (fault.status === 429) {
    const waitMs = fault.waitMs ?? 1000;
    const unitMs = fault.resetUnit === "milliseconds" ? 1 : 1000;
    const resetAt = fault.resetAt ?? Math.ceil((now + waitMs) / unitMs);
    const retryAfter = fault.retryAfter ?? new Date(resetAt * unitMs).toISOString();
    return {
      kind: "respond",
      response: rateLimited(rate, { waitMs, resetAt, retryAfter, omit: fault.omit }),
    };
  }
  if (fault.body !== undefined) {
    const response =
      typeof fault.body === "string"
        ? text(fault.status, fault.body, rate)
        : json(fault.status, fault.body, rate);
    return { kind: "respond", response };
  }
  if (fault.status === 502)
    return { kind: "respond", response: text(502, BAD_GATEWAY_HTML, rate, "text/html") };
  const body =
    request.api === "v2" ? v2DefaultBody(fault.status, request.path) : DEFAULT_BODIES[fault.status];
  return { kind: "respond", response: json(fault.status, body, rate) };
}
