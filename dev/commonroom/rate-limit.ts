/** A fixed-window request limiter shared by every request to one simulator. */

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
  private windowStart = 0;
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
    this.windowStart = 0;
    this.used = 0;
  }

  private roll(): void {
    const now = this.now();
    if (now >= this.windowStart + this.intervalMs) {
      this.windowStart = now;
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
