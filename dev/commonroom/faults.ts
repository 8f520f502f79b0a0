/** Injected faults: a queue of one-shot (or n-shot) misbehaviours matched per request. */
import type { RateLimitSnapshot } from "./rate-limit.js";
import { json, rateLimited, rateLimitHeaders, text } from "./responses.js";
import { DOCS_URL } from "./seed.js";
import type { Fault } from "./types.js";

interface QueuedFault {
  fault: Fault;
  left: number;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new Error("fault.times must be > 0");
    this.queue.push({ fault, left: times });
  }

  clear(): void {
    this.queue = [];
  }

  get pending(): number {
    return this.queue.length;
  }

  /** The first queued fault that matches, used up by one. */
  take(method: string, path: string): Fault | undefined {
    const index = this.queue.findIndex(({ fault }) => matches(fault, method, path));
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }
}

function matches(fault: Fault, method: string, path: string): boolean {
  const match = fault.match;
  if (!match) return true;
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

/** A gateway's page, not JSON: the client must cope with a non-JSON error body. */
const BAD_GATEWAY_HTML =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

/**
 * The answer a fault forces, or "delay" (wait `delayMs`, then answer normally),
 * or "network" (no HTTP answer at all).
 */
export function faultOutcome(
  fault: Fault,
  rate: RateLimitSnapshot,
  now: number,
): { kind: "respond"; response: Response } | { kind: "delay"; ms: number } | { kind: "network" } {
  if ("networkError" in fault) return { kind: "network" };
  if ("delayMs" in fault) return { kind: "delay", ms: fault.delayMs };
  if ("malformedJson" in fault) {
    const response = new Response('{"labels": [{"id": "tag_1", "name": "Champ', {
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8", ...rateLimitHeaders(rate) },
    });
    return { kind: "respond", response };
  }
  if (fault.status === 429) {
    const waitMs = fault.waitMs ?? 1000;
    const resetAt = fault.resetAt ?? Math.ceil((now + waitMs) / 1000);
    const retryAfter = fault.retryAfter ?? new Date(resetAt * 1000).toISOString();
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
  return { kind: "respond", response: json(fault.status, DEFAULT_BODIES[fault.status], rate) };
}
