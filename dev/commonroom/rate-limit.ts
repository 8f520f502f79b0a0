/**
 * Common Room's limit as the simulator models it: a fixed window per API token, aligned to
 * the clock (a one-second window runs from one whole second to the next), so every process
 * that shares a token shares its count, and `X-RateLimit-Reset` (whole epoch seconds) names
 * the true end of a one-second window.
 */

export interface RateLimitSnapshot {
  limit: number;
  remaining: number;
  /** Epoch ms when the current window ends. */
  resetAtMs: number;
  intervalMs: number;
  /** False when this request is over the limit (and must get a 429). */
  allowed: boolean;
}

/** Reported when no limit is configured: headers only, never a 429. */
const ADVISORY = { limit: 10_000, intervalMs: 60_000 };

export class FixedWindowLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private readonly limit: number;
  private readonly intervalMs: number;
  readonly enforced: boolean;

  constructor(
    config: { limit: number; intervalMs: number } | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.enforced = config !== undefined;
    this.limit = (config ?? ADVISORY).limit;
    this.intervalMs = (config ?? ADVISORY).intervalMs;
    if (!(this.limit >= 0) || !(this.intervalMs > 0))
      throw new Error("rateLimit needs limit >= 0 and intervalMs > 0");
  }

  /** Counts one request. */
  take(): RateLimitSnapshot {
    this.roll();
    this.used += 1;
    const allowed = !this.enforced || this.used <= this.limit;
    return this.snapshot(allowed);
  }

  /** The current numbers without counting a request. */
  peek(): RateLimitSnapshot {
    this.roll();
    return this.snapshot(true);
  }

  reset(): void {
    this.windowStart = Number.NEGATIVE_INFINITY;
    this.used = 0;
  }

  private roll(): void {
    const now = this.now();
    if (now >= this.windowStart + this.intervalMs) {
      this.windowStart = Math.floor(now / this.intervalMs) * this.intervalMs;
      this.used = 0;
    }
  }

  private snapshot(allowed: boolean): RateLimitSnapshot {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.used),
      resetAtMs: this.windowStart + this.intervalMs,
      intervalMs: this.intervalMs,
      allowed,
    };
  }
}

/** One limiter per API token, made on first use; requests without a token share one. */
export class PerTokenLimiter {
  private readonly limiters = new Map<string, FixedWindowLimiter>();

  constructor(
    private readonly config: { limit: number; intervalMs: number } | undefined,
    private readonly now: () => number = Date.now,
  ) {
    // Fails at construction, not at the first request, when the config is wrong.
    new FixedWindowLimiter(config, now);
  }

  take(token: string | undefined): RateLimitSnapshot {
    return this.of(token).take();
  }

  peek(token: string | undefined): RateLimitSnapshot {
    return this.of(token).peek();
  }

  reset(): void {
    this.limiters.clear();
  }

  private of(token: string | undefined): FixedWindowLimiter {
    const key = token ?? "";
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new FixedWindowLimiter(this.config, this.now);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}
