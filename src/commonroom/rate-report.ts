/**
 * What one Common Room answer says about its token's rate limit: the X-RateLimit headers
 * every answer carries and, on a 429, the reset headers and the body's `rateLimit`.
 */
import { parseJsonOrUndefined, rateLimitWaitMs } from "./classify.js";

export interface RateReport {
  /** X-RateLimit-Limit, else a 429 body's intervalLimit. */
  limit?: number;
  /** X-RateLimit-Remaining, else a 429 body's intervalRemaining. */
  remaining?: number;
  /** A 429: the token's budget for this interval is spent. */
  limited: boolean;
  /** A 429's wait until the interval resets (body waitMs, X-RateLimit-Reset, Retry-After). */
  waitMs?: number;
  /** A 429 body's intervalResetSeconds, in ms: the length of one interval. */
  intervalMs?: number;
}

/** Reads the rate-limit facts of an answer; `headers` have lower-case names. */
export function readRateReport(
  status: number,
  headers: Record<string, unknown>,
  bodyText: string,
  now: number,
): RateReport {
  const limited = status === 429;
  const body = limited ? parseJsonOrUndefined(bodyText) : undefined;
  const inBody = rateLimitOf(body);
  const limit = count(headers["x-ratelimit-limit"]) ?? count(inBody?.intervalLimit);
  const remaining = count(headers["x-ratelimit-remaining"]) ?? count(inBody?.intervalRemaining);
  const seconds = inBody?.intervalResetSeconds;
  const intervalMs =
    typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0
      ? Math.round(seconds * 1000)
      : undefined;
  const report: RateReport = { limited };
  if (limit !== undefined) report.limit = limit;
  if (remaining !== undefined) report.remaining = remaining;
  if (intervalMs !== undefined) report.intervalMs = intervalMs;
  if (limited && knowsReset(body, headers)) report.waitMs = rateLimitWaitMs(body, headers, now);
  return report;
}

/** A 429 that says when the interval resets (else the client's fallback wait is a guess). */
function knowsReset(body: unknown, headers: Record<string, unknown>): boolean {
  const waitMs = rateLimitOf(body)?.waitMs;
  return (
    (typeof waitMs === "number" && Number.isFinite(waitMs) && waitMs >= 0) ||
    first(headers["x-ratelimit-reset"]) !== undefined ||
    first(headers["retry-after"]) !== undefined
  );
}

function rateLimitOf(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const rateLimit = (body as { rateLimit?: unknown }).rateLimit;
  return typeof rateLimit === "object" && rateLimit !== null
    ? (rateLimit as Record<string, unknown>)
    : undefined;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? (value[0] as unknown) : value;
}

/** A whole, non-negative number from a header or body field, else undefined. */
function count(value: unknown): number | undefined {
  const raw = first(value);
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.trim()) : NaN;
  return Number.isInteger(n) && n >= 0 && !(typeof raw === "string" && raw.trim() === "")
    ? n
    : undefined;
}
