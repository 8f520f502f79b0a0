/**
 * Paces the requests of one Common Room API token, so that the worker rarely meets a 429.
 *
 * Common Room counts requests per token in fixed intervals and says on every answer how many
 * the interval allows (X-RateLimit-Limit) and how many are left (X-RateLimit-Remaining). The
 * count is the server's, shared by every process using the token, so replicas converge
 * without talking to each other:
 * - A request may start while the budget left, less this process's requests in flight that
 *   Common Room has not counted yet and a safety margin for the other processes' requests in
 *   flight, is at least one.
 * - Otherwise it is held until the interval resets: at the end a 429 or X-RateLimit-Reset
 *   named, or the next boundary after one (a 429's intervalResetSeconds gives the length),
 *   or, when nothing says when, until an answer shows Remaining jump back up (one probe at
 *   a time finds out).
 * - Within an interval whose end is known, requests are spread over what is left of it:
 *   this process takes its share of the budget left (its share of the token's spending in
 *   the last interval) at an even rate, so replicas do not all burst at the interval's start.
 * - The margin is for the other processes' requests in flight: it grows by one in an
 *   interval where this process met a 429 while others spend from the token too, and
 *   shrinks slowly over intervals that ran the budget down without one: it is learned, not
 *   guessed. It holds back a whole request once it reaches one half.
 * - Before the first answer nothing is known, so one request goes at a time (another only if
 *   it takes over a second): replicas that start on a backlog find out where the token
 *   stands before they spend it. An answer without the headers ends this; the pacer then
 *   stays out of the way.
 * - A view of the budget with no known end expires: past one interval (or a minute) with no
 *   answer, the pacer forgets it and lets requests through until Common Room speaks again.
 * A request that would be held past its deadline is refused at once, so the task can be
 * handed back to Conductor instead of waiting in vain. Before the first answer there is no
 * verdict on the limit: a held request waits up to its deadline and then counts as the
 * budget spent.
 */

import { sleep } from "../sleep.js";

export interface PacerObserver {
  /** A request was held, for heldMs, before it started (or was refused or cancelled). */
  onHeld?(e: { integration: string; heldMs: number }): void;
  /** Common Room answered 429 to a request of this token. */
  onRateLimited?(e: { integration: string }): void;
  /** The pacer's view of the budget changed. */
  onBudget?(e: { integration: string } & BudgetView): void;
}

export interface BudgetView {
  limit: number;
  /** Left in this interval, as Common Room last said. */
  remaining: number;
  /** What this process may still start: remaining, less uncounted in flight and the margin. */
  available: number;
  margin: number;
  /** This process's share of the token's spending. */
  share: number;
}

export interface PacerOptions {
  /** The integration's name: for metrics and logs, never the token. */
  name: string;
  /** False: observe only, never hold (the benchmark's comparison). Default true. */
  enabled?: boolean;
  observer?: PacerObserver;
  /** Epoch ms. */
  now?: () => number;
  /** How a hold waits (the retry policy's sleep, so tests can use a fake clock). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Why a request was not started. */
export class PacerRefusal extends Error {
  override readonly name = "PacerRefusal";
  constructor(
    /**
     * past_deadline: the token's budget will not free up before the deadline (a rate limit);
     * deadline: the deadline came while the pacer was still waiting to hear from Common
     * Room (no verdict on the limit); cancelled: the caller gave up.
     */
    readonly reason: "past_deadline" | "deadline" | "cancelled",
    /** For past_deadline: the time until the pacer expects to release it, in ms. */
    readonly waitMs: number,
  ) {
    super(
      reason === "cancelled"
        ? "the call was cancelled while held by the rate-limit pacer"
        : reason === "deadline"
          ? "the call's deadline came while the pacer waited for Common Room's first answer"
          : `the token's rate-limit budget is spent for another ${waitMs} ms`,
    );
  }
}

/** What a started request hands back when Common Room answered (or did not). */
export interface Permit {
  /** `report` undefined: no answer (network error), so nothing was learned. */
  done(report?: { limit?: number; remaining?: number } & RateFacts): void;
}

interface RateFacts {
  limited?: boolean;
  waitMs?: number;
  intervalMs?: number;
}

interface Waiter {
  enqueuedAt: number;
  deadline: number;
  resolve(permit: Permit): void;
  reject(error: PacerRefusal): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Margin added in an interval where this process met a 429 and others share the token. */
export const MARGIN_STEP = 1;
/** Margin taken off per interval that ran the budget down without a 429. */
export const MARGIN_DECAY = 0.025;
/** Below this share of the token's spending, this process is not alone on it. */
const ALONE_SHARE = 0.95;
/** While the reset is unknown, one probe request at most this often. */
export const PROBE_EVERY_MS = 250;
/** Before the first answer: another request may go once the latest in flight is this old. */
export const FIRST_ANSWER_WAIT_MS = 1000;
/** How long a budget view with no known end lasts when no interval is known. */
export const VIEW_TTL_MS = 60_000;
/** A process may start this share of its budget at once; the rest is spread. */
const BURST_SHARE = 0.25;
/**
 * The spread ends this share of the interval before its end, so that a process alone on its
 * token fits its last request in; less the more others share the token (they fill the end,
 * and a common early end would make them burst together).
 */
const END_SLACK = 0.1;

export class Pacer {
  readonly name: string;
  readonly enabled: boolean;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly observer?: PacerObserver;

  private limit?: number;
  private remaining?: number;
  private windowStart?: number;
  private windowEnd?: number;
  private intervalMs?: number;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  /** Common Room has answered a request of this token at least once. */
  private answered = false;
  private lastBoundary?: number;
  /** When the request that gave the lowest Remaining of this interval was sent. */
  private lowSentAt = Number.NEGATIVE_INFINITY;
  /** When each of this process's requests in flight was sent. */
  private readonly inFlight: number[] = [];
  private margin = 0;
  private share = 1;
  private tokens = 0;
  /** -Infinity: the next refill fills the bucket (a fresh interval may start with a burst). */
  private lastRefill = Number.NEGATIVE_INFINITY;
  private lastProbeAt = Number.NEGATIVE_INFINITY;
  /** This interval: requests of ours answered, a 429 met, the budget run down to the margin. */
  private mine = 0;
  private metLimit = false;
  private pressed = false;

  private readonly queue: Waiter[] = [];
  private timer?: AbortController;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(options: PacerOptions) {
    this.name = options.name;
    this.enabled = options.enabled ?? true;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
    this.observer = options.observer;
  }

  /** The current view, for metrics and tests; undefined until Common Room has said. */
  view(): BudgetView | undefined {
    this.advance(this.now());
    if (this.limit === undefined || this.remaining === undefined) return undefined;
    return {
      limit: this.limit,
      remaining: this.remaining,
      available: this.available(),
      margin: this.margin,
      share: this.share,
    };
  }

  /** The interval's end as the pacer believes it, epoch ms. */
  resetsAt(): number | undefined {
    this.advance(this.now());
    return this.windowEnd;
  }

  /**
   * Resolves when the request may start; rejects with PacerRefusal when it would be held
   * past `deadline` (epoch ms) or `signal` aborts.
   */
  acquire(deadline: number, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(new PacerRefusal("cancelled", 0));
    const now = this.now();
    if (this.queue.length === 0) {
      const decision = this.decide(now);
      if (decision.go) return Promise.resolve(this.start(now, now));
    }
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { enqueuedAt: now, deadline, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          this.observer?.onHeld?.({ integration: this.name, heldMs: this.now() - now });
          reject(new PacerRefusal("cancelled", 0));
          this.pump();
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  // ------------------------------------------------------------------ decisions

  /** Go now, or wait `waitMs` (undefined: until an answer says more). */
  private decide(now: number): { go: true } | { go: false; waitMs?: number; firstAnswer?: true } {
    this.advance(now);
    if (!this.enabled) return { go: true };
    if (!this.answered) {
      const newest = this.inFlight.at(-1);
      if (newest === undefined || now - newest >= FIRST_ANSWER_WAIT_MS) return { go: true };
      return { go: false, waitMs: newest + FIRST_ANSWER_WAIT_MS - now, firstAnswer: true };
    }
    if (this.limit === undefined || this.remaining === undefined) return { go: true };
    const available = this.available();
    if (available < 1) {
      this.pressed = true;
      if (this.windowEnd !== undefined) return { go: false, waitMs: this.windowEnd - now };
      // Nobody said when the interval resets: one request at a time finds out.
      if (this.inFlight.length === 0 && now - this.lastProbeAt >= PROBE_EVERY_MS) {
        this.lastProbeAt = now;
        return { go: true };
      }
      return { go: false, waitMs: this.inFlight.length === 0 ? PROBE_EVERY_MS : undefined };
    }
    if (this.windowEnd === undefined) return { go: true };
    // Spread this process's share of what is left over what is left of the interval.
    const slack = END_SLACK * (this.intervalMs ?? 0) * this.share ** 2;
    const left = Math.max(1, this.windowEnd - now - slack);
    const rate = (this.share * available) / left;
    const capacity = Math.max(1, this.share * available * BURST_SHARE);
    this.tokens = Math.min(capacity, this.tokens + rate * Math.max(0, now - this.lastRefill));
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { go: true };
    }
    return { go: false, waitMs: Math.ceil((1 - this.tokens) / rate) };
  }

  private start(now: number, enqueuedAt: number): Permit {
    const sentAt = now;
    this.inFlight.push(sentAt);
    if (now > enqueuedAt)
      this.observer?.onHeld?.({ integration: this.name, heldMs: now - enqueuedAt });
    let finished = false;
    return {
      done: (report) => {
        if (finished) return;
        finished = true;
        this.inFlight.splice(this.inFlight.indexOf(sentAt), 1);
        if (report) this.learn(sentAt, this.now(), report);
        this.pump();
      },
    };
  }

  /** Starts whoever may start; refuses whoever would wait past their deadline; sets a timer. */
  private pump(): void {
    const now = this.now();
    while (this.queue.length > 0) {
      const decision = this.decide(now);
      if (decision.go) {
        const waiter = this.queue.shift() as Waiter;
        if (waiter.signal && waiter.onAbort)
          waiter.signal.removeEventListener("abort", waiter.onAbort);
        waiter.resolve(this.start(now, waiter.enqueuedAt));
        continue;
      }
      const releaseAt = decision.waitMs === undefined ? undefined : now + decision.waitMs;
      // Those who would still be waiting at their deadline go back now, as after a 429.
      // Before the first answer nothing is known of the limit: a waiter goes only at its
      // deadline, and not as rate-limited (the answer may come any moment).
      for (const waiter of [...this.queue]) {
        const expected = decision.firstAnswer ? undefined : (releaseAt ?? this.windowEnd);
        if ((expected !== undefined && expected > waiter.deadline) || now >= waiter.deadline) {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          if (waiter.signal && waiter.onAbort)
            waiter.signal.removeEventListener("abort", waiter.onAbort);
          this.observer?.onHeld?.({ integration: this.name, heldMs: now - waiter.enqueuedAt });
          if (decision.firstAnswer) {
            waiter.reject(new PacerRefusal("deadline", 0));
            continue;
          }
          const waitMs = Math.max(1, (expected ?? now + (this.intervalMs ?? 1000)) - now);
          waiter.reject(new PacerRefusal("past_deadline", Math.ceil(waitMs)));
        }
      }
      if (this.queue.length === 0) break;
      const deadlines = Math.min(...this.queue.map((w) => w.deadline));
      this.schedule(Math.min(releaseAt ?? Number.POSITIVE_INFINITY, deadlines));
      return;
    }
    this.cancelTimer();
  }

  private schedule(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.cancelTimer();
    const timer = new AbortController();
    this.timer = timer;
    this.timerAt = at;
    this.sleep(Math.max(0, at - this.now()), timer.signal).then(
      () => {
        if (this.timer !== timer) return;
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      () => undefined, // cancelled: a sooner wake-up replaced it, or nobody waits any more
    );
  }

  private cancelTimer(): void {
    this.timer?.abort();
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  // ------------------------------------------------------------------ learning

  /** Rolls the interval forward past its end, and lets a view with no end expire. */
  private advance(now: number): void {
    while (this.windowEnd !== undefined && now >= this.windowEnd) {
      this.closeInterval();
      this.windowStart = this.windowEnd;
      this.windowEnd = this.intervalMs === undefined ? undefined : this.windowEnd + this.intervalMs;
      this.remaining = this.limit;
      this.lowSentAt = Number.NEGATIVE_INFINITY;
    }
    if (
      this.windowEnd === undefined &&
      this.remaining !== undefined &&
      now - this.lastReportAt > (this.intervalMs ?? VIEW_TTL_MS)
    ) {
      this.remaining = undefined;
      this.windowStart = undefined;
      this.publish();
    }
  }

  /** Margin and share learn from the interval that ends. */
  private closeInterval(): void {
    if (!this.metLimit && this.pressed) this.margin = Math.max(0, this.margin - MARGIN_DECAY);
    if (this.mine > 0 && this.limit !== undefined && this.remaining !== undefined) {
      const spent = this.limit - this.remaining;
      if (spent > 0) this.share = 0.5 * this.share + 0.5 * Math.min(1, this.mine / spent);
    }
    this.mine = 0;
    this.metLimit = false;
    this.pressed = false;
    this.tokens = 0;
    this.lastRefill = Number.NEGATIVE_INFINITY;
  }

  private newInterval(start: number): void {
    this.closeInterval();
    if (this.lastBoundary !== undefined && this.intervalMs === undefined) {
      const gap = start - this.lastBoundary;
      if (gap > 0) this.intervalMs = gap;
    }
    this.lastBoundary = start;
    this.windowStart = start;
    this.windowEnd = this.intervalMs === undefined ? undefined : start + this.intervalMs;
  }

  private learn(
    sentAt: number,
    at: number,
    report: { limit?: number; remaining?: number } & RateFacts,
  ): void {
    this.advance(at);
    this.lastReportAt = at;
    this.answered = true;
    if (report.limit !== undefined) this.limit = report.limit;
    if (report.intervalMs !== undefined) this.intervalMs = report.intervalMs;
    // An answer to a request sent before this interval began speaks of an older one.
    const current = this.windowStart === undefined || sentAt >= this.windowStart;

    if (report.limited) {
      this.observer?.onRateLimited?.({ integration: this.name });
      if (!this.metLimit) {
        this.metLimit = true;
        const ceiling = this.limit === undefined ? MARGIN_STEP : Math.max(1, this.limit / 2);
        // Alone on the token, a margin would only waste budget: all in flight is known.
        if (this.share < ALONE_SHARE) this.margin = Math.min(ceiling, this.margin + MARGIN_STEP);
      }
      if (report.waitMs !== undefined) {
        // The 429 pins the interval's end (a little late by the answer's trip: safe).
        this.windowEnd = at + report.waitMs;
        if (this.intervalMs !== undefined) this.windowStart = this.windowEnd - this.intervalMs;
      }
      this.remaining = 0;
    } else if (report.remaining !== undefined && current) {
      this.mine += 1;
      if (this.remaining === undefined || report.remaining <= this.remaining) {
        this.remaining = report.remaining;
        this.lowSentAt = sentAt;
      } else if (sentAt > this.lowSentAt && this.nearBoundary(at)) {
        // Remaining jumped back up: a new interval began before this answer came. (An
        // answer that overtook an earlier one, or one far from the expected end, is not that.)
        this.newInterval(at);
        this.remaining = report.remaining;
        this.lowSentAt = sentAt;
      }
    }
    this.publish();
  }

  /**
   * What this process may still start: the budget left, less its requests in flight that
   * Common Room has not counted yet (those sent after the request whose answer gave
   * `remaining`: the earlier ones reached it first), less the margin.
   */
  private available(): number {
    const remaining = this.remaining ?? this.limit ?? 0;
    const uncounted = this.inFlight.filter((sentAt) => sentAt >= this.lowSentAt).length;
    return remaining - uncounted - Math.round(this.margin);
  }

  /** Whether a jump at `at` can be the interval's reset, given the end we expect. */
  private nearBoundary(at: number): boolean {
    if (this.windowEnd === undefined || this.intervalMs === undefined) return true;
    return at >= this.windowEnd - this.intervalMs / 4;
  }

  private publish(): void {
    if (!this.observer?.onBudget || this.limit === undefined) return;
    const remaining = this.remaining ?? this.limit;
    this.observer.onBudget({
      integration: this.name,
      limit: this.limit,
      remaining,
      available: this.available(),
      margin: this.margin,
      share: this.share,
    });
  }
}
