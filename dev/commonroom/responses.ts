/**
 * Builders for the simulator's HTTP answers, all carrying the X-RateLimit headers and the
 * header that says a simulator answered (the sandbox tells it from the real Common Room so).
 */
import type { RateLimitSnapshot } from "./rate-limit.js";
import { DOCS_URL } from "./seed.js";
import type { V2ErrorCode } from "./spec-checks-v2.js";
import type { BodyStyle } from "./types.js";

/** On every answer of the simulator; the real Common Room sends no such header. */
export const SIMULATOR_HEADER = "X-Common-Room-Simulator";

export function rateLimitHeaders(rate: RateLimitSnapshot): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(rate.limit),
    "X-RateLimit-Remaining": String(rate.remaining),
    [SIMULATOR_HEADER]: "dev/commonroom",
  };
}

export function json(
  status: number,
  body: unknown,
  rate: RateLimitSnapshot,
  extra: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      ...rateLimitHeaders(rate),
      ...extra,
    },
  });
}

export function text(
  status: number,
  body: string,
  rate: RateLimitSnapshot,
  contentType = "text/plain; charset=utf-8",
): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": contentType, ...rateLimitHeaders(rate) },
  });
}

export function empty(status: number, rate: RateLimitSnapshot): Response {
  return new Response(null, { status, headers: rateLimitHeaders(rate) });
}

/** A success whose body the spec leaves undeclared, in the configured style. */
export function styled(
  status: number,
  style: BodyStyle,
  defaults: { json: unknown; text: string },
  rate: RateLimitSnapshot,
): Response {
  if (style === "empty") return empty(status, rate);
  if (style === "text") return text(status, defaults.text, rate);
  if (style === "json") return json(status, defaults.json, rate);
  if ("text" in style) return text(status, style.text, rate);
  return json(status, style.json, rate);
}

export const invalidRequest = (rate: RateLimitSnapshot): Response =>
  json(400, { reason: "invalid-request-body", docs: DOCS_URL }, rate);

export const tokenNotValid = (rate: RateLimitSnapshot): Response =>
  json(401, { reason: "Token not valid" }, rate);

export interface RateLimitedShape {
  waitMs: number;
  /** X-RateLimit-Reset as sent: epoch seconds per the spec (a fault may send milliseconds). */
  resetAt: number;
  retryAfter: string;
  omit?: ("body" | "waitMs" | "reset" | "retryAfter")[];
}

/** The spec's RateLimited response. */
export function rateLimited(rate: RateLimitSnapshot, shape: RateLimitedShape): Response {
  const headers: Record<string, string> = {
    ...rateLimitHeaders({ ...rate, remaining: 0 }),
    "Content-Type": "application/json; charset=utf-8",
  };
  const omit = new Set(shape.omit ?? []);
  if (!omit.has("reset")) headers["X-RateLimit-Reset"] = String(shape.resetAt);
  if (!omit.has("retryAfter")) headers["Retry-After"] = shape.retryAfter;
  if (omit.has("body")) {
    delete headers["Content-Type"];
    return new Response(null, { status: 429, headers });
  }
  const body = {
    reason: "Rate limit exceeded",
    rateLimit: {
      intervalLimit: rate.limit,
      intervalRemaining: 0,
      intervalResetSeconds: rate.intervalMs / 1000,
      ...(!omit.has("waitMs") && { waitMs: shape.waitMs }),
    },
  };
  return new Response(JSON.stringify(body), { status: 429, headers });
}

/** The 429 of the real limiter, from its window. */
export function rateLimitedByWindow(rate: RateLimitSnapshot, now: number): Response {
  const waitMs = Math.max(0, rate.resetAtMs - now);
  return rateLimited(rate, {
    waitMs,
    resetAt: Math.ceil(rate.resetAtMs / 1000),
    retryAfter: new Date(rate.resetAtMs).toISOString(),
  });
}

/** The v2 API's error body (ApiV2ErrorResponse). */
export const v2ErrorBody = (code: V2ErrorCode, message: string) => ({
  success: false as const,
  error: { code, message },
});
