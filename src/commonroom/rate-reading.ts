/**
 * What one Common Room answer says about its token's rate limit, read defensively: the
 * X-RateLimit headers every answer carries and, on a 429, when the limit lifts. A reading
 * that cannot be true (negative, not a number, a date in the past) is skipped for the next
 * source, so one odd header never decides a wait on its own.
 *
 * The wait of a 429, in order: the body's `rateLimit.waitMs`; `X-RateLimit-Reset` as epoch
 * seconds, or epoch milliseconds where that is the plausible reading, or (a small number)
 * seconds to wait; `Retry-After` as a date-time (what Common Room documents), an HTTP-date
 * or seconds. None of them: no wait is known (the policy decides, see rate-policy.ts).
 */

export interface RateReading {
  /** X-RateLimit-Limit, else a 429 body's intervalLimit. */
  limit?: number;
  /** X-RateLimit-Remaining, else a 429 body's intervalRemaining. */
  remaining?: number;
  /** A 429: the token's budget is spent for now (absent: no). */
  limited?: boolean;
  /** A 429's wait until the limit lifts, as read (uncapped: the policy caps it). */
  waitMs?: number;
  /** Where waitMs came from, for logs. */
  waitFrom?: "body" | "x-ratelimit-reset" | "retry-after";
  /** A 429 body's intervalResetSeconds, in ms: the length of one interval. */
  intervalMs?: number;
}

/** Epoch seconds are about 1.7e9 today; epoch milliseconds about 1.7e12. */
const EPOCH_SECONDS_FROM = 1e9;
const EPOCH_MILLISECONDS_FROM = 1e11;

/** Reads the rate-limit facts of an answer; `headers` have lower-case names. */
export function readRateLimit(
  status: number,
  headers: Record<string, unknown>,
  bodyText: string,
  now: number,
): RateReading {
  const limited = status === 429;
  const inBody = limited ? rateLimitOf(parseJson(bodyText)) : undefined;
  const reading: RateReading = { limited };
  const limit = count(headers["x-ratelimit-limit"]) ?? count(inBody?.intervalLimit);
  const remaining = count(headers["x-ratelimit-remaining"]) ?? count(inBody?.intervalRemaining);
  if (limit !== undefined && limit > 0) reading.limit = limit;
  if (remaining !== undefined) reading.remaining = remaining;
  const seconds = inBody?.intervalResetSeconds;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0) {
    reading.intervalMs = Math.round(seconds * 1000);
  }
  if (!limited) return reading;
  const wait = waitOf(inBody, headers, now);
  if (wait) {
    reading.waitMs = wait.ms;
    reading.waitFrom = wait.from;
  }
  return reading;
}

function waitOf(
  inBody: Record<string, unknown> | undefined,
  headers: Record<string, unknown>,
  now: number,
): { ms: number; from: NonNullable<RateReading["waitFrom"]> } | undefined {
  const fromBody = inBody?.waitMs;
  if (typeof fromBody === "number" && Number.isFinite(fromBody) && fromBody >= 0) {
    return { ms: Math.ceil(fromBody), from: "body" };
  }
  const reset = resetWaitMs(text(headers["x-ratelimit-reset"]), now);
  if (reset !== undefined) return { ms: reset, from: "x-ratelimit-reset" };
  const retryAfter = retryAfterMs(text(headers["retry-after"]), now);
  if (retryAfter !== undefined) return { ms: retryAfter, from: "retry-after" };
  return undefined;
}

/** X-RateLimit-Reset: epoch seconds as documented, epoch ms when that big, else seconds. */
export function resetWaitMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) return undefined;
  if (n >= EPOCH_MILLISECONDS_FROM) return Math.max(0, Math.ceil(n - now));
  if (n >= EPOCH_SECONDS_FROM) return Math.max(0, Math.ceil(n * 1000 - now));
  return Math.ceil(n * 1000);
}

/** Retry-After: seconds, or a date (Common Room sends an ISO date-time; RFC 9110 an HTTP-date). */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function rateLimitOf(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const rateLimit = Object.hasOwn(body, "rateLimit")
    ? (body as { rateLimit?: unknown }).rateLimit
    : undefined;
  return typeof rateLimit === "object" && rateLimit !== null
    ? (rateLimit as Record<string, unknown>)
    : undefined;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? (value[0] as unknown) : value;
}

function text(value: unknown): string | undefined {
  const raw = first(value);
  if (typeof raw === "number") return String(raw);
  return typeof raw === "string" && raw.trim() !== "" ? raw.trim() : undefined;
}

/** A whole, non-negative number from a header or body field, else undefined. */
function count(value: unknown): number | undefined {
  const raw = first(value);
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.trim()) : NaN;
  return Number.isInteger(n) && n >= 0 && !(typeof raw === "string" && raw.trim() === "")
    ? n
    : undefined;
}
