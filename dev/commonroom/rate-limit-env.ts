/** SIM_RATE_LIMIT and SIM_RATE_WINDOW, read into the simulator's rateLimit option. */
import { isRateWindow, RATE_WINDOWS, type RateLimitConfig } from "./rate-window.js";

/**
 * `limit` is "<limit>/<intervalMs>" (e.g. "20/1000"); `window` is one of RATE_WINDOWS
 * (default aligned). No limit means no 429 ever, so a window without one is a mistake.
 */
export function rateLimitFromEnv(
  limit: string | undefined,
  window: string | undefined,
): RateLimitConfig | undefined {
  const kind = window?.trim() || undefined;
  if (kind !== undefined && !isRateWindow(kind))
    throw new Error(
      `SIM_RATE_WINDOW must be one of ${RATE_WINDOWS.join(", ")} (got ${JSON.stringify(window)})`,
    );
  if (!limit?.trim()) {
    if (kind !== undefined)
      throw new Error(`SIM_RATE_WINDOW=${kind} needs SIM_RATE_LIMIT (e.g. 20/1000) beside it`);
    return undefined;
  }
  const match = /^(\d+)\/(\d+)$/.exec(limit.trim());
  if (!match || Number(match[2]) === 0)
    throw new Error(
      `SIM_RATE_LIMIT must look like 100/1000 (<limit>/<intervalMs>, interval > 0; got ${JSON.stringify(limit)})`,
    );
  return {
    limit: Number(match[1]),
    intervalMs: Number(match[2]),
    ...(kind !== undefined && { window: kind }),
  };
}
