/**
 * A fixed window of the simulator's rate limit: `limit` requests per window, every request
 * (refused ones too) counted until the window ends. Where a window starts is the choice:
 * aligned to the clock, or with the token's first request after the previous one ended.
 */
import {
  checkedConfig,
  type RateLimitConfig,
  type RateLimitSnapshot,
  type TokenWindow,
} from "./rate-window.js";

export class FixedWindowLimiter implements TokenWindow {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private readonly limit: number;
  private readonly intervalMs: number;
  private readonly alignedToClock: boolean;
  readonly enforced: boolean;

  constructor(
    config: RateLimitConfig | undefined,
    private readonly now: () => number = Date.now,
  ) {
    ({
      limit: this.limit,
      intervalMs: this.intervalMs,
      enforced: this.enforced,
    } = checkedConfig(config));
    if (config?.window === "sliding") throw new Error("a sliding window is a SlidingLogLimiter");
    this.alignedToClock = (config?.window ?? "aligned") === "aligned";
  }

  take(): RateLimitSnapshot {
    this.roll();
    this.used += 1;
    const allowed = !this.enforced || this.used <= this.limit;
    return this.snapshot(allowed);
  }

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
      this.windowStart = this.alignedToClock
        ? Math.floor(now / this.intervalMs) * this.intervalMs
        : now;
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
