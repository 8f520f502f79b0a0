/** The window kinds of the simulator's rate limit, and what each window reports. */

/**
 * - `aligned`: fixed windows aligned to the clock (a one-second window runs from one whole
 *   second to the next). The default.
 * - `first-request`: fixed windows, each starting with the token's first request after the
 *   previous window ended.
 * - `sliding`: a sliding log; a request is allowed while fewer than `limit` requests of the
 *   token were allowed in the last `intervalMs`.
 */
export type RateWindow = "aligned" | "first-request" | "sliding";
export const RATE_WINDOWS: readonly RateWindow[] = ["aligned", "first-request", "sliding"];

export interface RateLimitConfig {
  limit: number;
  intervalMs: number;
  /** Default "aligned". */
  window?: RateWindow;
}

export interface RateLimitSnapshot {
  limit: number;
  remaining: number;
  /** Epoch ms when the next request would be allowed again once the budget is spent. */
  resetAtMs: number;
  intervalMs: number;
  /** False when this request is over the limit (and must get a 429). */
  allowed: boolean;
}

/** The count of one token. */
export interface TokenWindow {
  /** Counts one request. */
  take(): RateLimitSnapshot;
  /** The current numbers without counting a request. */
  peek(): RateLimitSnapshot;
  reset(): void;
}

/** Reported when no limit is configured: headers only, never a 429. */
const ADVISORY: RateLimitConfig = { limit: 10_000, intervalMs: 60_000 };

export function isRateWindow(value: unknown): value is RateWindow {
  return RATE_WINDOWS.includes(value as RateWindow);
}

/** Checks the numbers; returns what to model (the advisory limit when none is set). */
export function checkedConfig(config: RateLimitConfig | undefined): {
  limit: number;
  intervalMs: number;
  enforced: boolean;
} {
  const { limit, intervalMs } = config ?? ADVISORY;
  if (!(Number.isInteger(limit) && limit >= 0))
    throw new Error(`rateLimit.limit must be a whole number >= 0 (got ${JSON.stringify(limit)})`);
  if (!(Number.isFinite(intervalMs) && intervalMs > 0))
    throw new Error(`rateLimit.intervalMs must be > 0 (got ${JSON.stringify(intervalMs)})`);
  return { limit, intervalMs, enforced: config !== undefined };
}
