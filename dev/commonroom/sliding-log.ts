/**
 * A sliding log of the simulator's rate limit: a request is allowed while fewer than `limit`
 * requests of the token were allowed in the last `intervalMs`. Only allowed requests are
 * logged, so a refused one does not push the next slot further away, and a 429 can name
 * exactly when a slot frees: when the oldest logged request leaves the interval.
 */
import {
  checkedConfig,
  type RateLimitConfig,
  type RateLimitSnapshot,
  type TokenWindow,
} from "./rate-window.js";

export class SlidingLogLimiter implements TokenWindow {
  /** Arrival times (epoch ms) of the allowed requests still inside the interval, oldest first. */
  private log: number[] = [];
  private readonly limit: number;
  private readonly intervalMs: number;
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
  }

  take(): RateLimitSnapshot {
    const now = this.now();
    this.expire(now);
    const allowed = !this.enforced || this.log.length < this.limit;
    // Unenforced (advisory) windows keep counting for the headers, capped at the limit.
    if (allowed && this.log.length < this.limit) this.log.push(now);
    return this.snapshot(now, allowed);
  }

  peek(): RateLimitSnapshot {
    const now = this.now();
    this.expire(now);
    return this.snapshot(now, true);
  }

  reset(): void {
    this.log = [];
  }

  /** A request made at t counts while now < t + intervalMs. */
  private expire(now: number): void {
    let drop = 0;
    while (drop < this.log.length && (this.log[drop] as number) + this.intervalMs <= now) drop++;
    if (drop > 0) this.log.splice(0, drop);
  }

  private snapshot(now: number, allowed: boolean): RateLimitSnapshot {
    const oldest = this.log[0];
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.log.length),
      // When the oldest counted request leaves the interval (with none counted, a full interval on).
      resetAtMs: (oldest ?? now) + this.intervalMs,
      intervalMs: this.intervalMs,
      allowed,
    };
  }
}
