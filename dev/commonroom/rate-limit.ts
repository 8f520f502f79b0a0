/**
 * Common Room's limit as the simulator models it: a count per API token, so every process
 * that shares a token shares its budget. Common Room does not say how its window is cut, so
 * the window kind is chosen per run (see RateWindow); `X-RateLimit-Reset` (whole epoch
 * seconds, rounded up) and a 429's waitMs name when the next request would be allowed.
 */
import { FixedWindowLimiter } from "./fixed-window.js";
import {
  isRateWindow,
  RATE_WINDOWS,
  type RateLimitConfig,
  type RateLimitSnapshot,
  type TokenWindow,
} from "./rate-window.js";
import { SlidingLogLimiter } from "./sliding-log.js";

/** A token's window of the configured kind; no config means advisory headers only. */
export function tokenWindow(
  config: RateLimitConfig | undefined,
  now: () => number = Date.now,
): TokenWindow {
  const window = config?.window ?? "aligned";
  if (!isRateWindow(window))
    throw new Error(
      `rateLimit.window must be one of ${RATE_WINDOWS.join(", ")} (got ${JSON.stringify(window)})`,
    );
  if (window === "sliding") return new SlidingLogLimiter(config, now);
  return new FixedWindowLimiter(config, now);
}

/** One window per API token, made on first use; requests without a token share one. */
export class PerTokenLimiter {
  private readonly windows = new Map<string, TokenWindow>();

  constructor(
    private readonly config: RateLimitConfig | undefined,
    private readonly now: () => number = Date.now,
  ) {
    // Fails at construction, not at the first request, when the config is wrong.
    tokenWindow(config, now);
  }

  take(token: string | undefined): RateLimitSnapshot {
    return this.of(token).take();
  }

  peek(token: string | undefined): RateLimitSnapshot {
    return this.of(token).peek();
  }

  reset(): void {
    this.windows.clear();
  }

  private of(token: string | undefined): TokenWindow {
    const key = token ?? "";
    let window = this.windows.get(key);
    if (!window) {
      window = tokenWindow(this.config, this.now);
      this.windows.set(key, window);
    }
    return window;
  }
}

export { FixedWindowLimiter, SlidingLogLimiter, isRateWindow, RATE_WINDOWS };
export type { RateLimitConfig, RateLimitSnapshot, RateWindow, TokenWindow } from "./rate-window.js";
