/**
 * The queue of one API token's waiting requests. Whether a request may start is the budget's
 * decision (budget.ts, a pure state machine); this file only holds the requests it says to
 * hold, wakes them when it may say go, and refuses at once a request that would be held past
 * its deadline, so the task can be handed back to Conductor instead of waiting in vain.
 * Before Common Room's first answer there is no verdict on the limit: a held request waits
 * up to its deadline and then counts as the budget spent.
 */
import type { Logger } from "pino";
import { sleep } from "../sleep.js";
import { DEFAULT_MAX_RATE_WAIT_MS } from "./rate-policy.js";
import { TokenBudget, type BudgetView, type Ticket } from "./budget.js";
import type { RateReading } from "./rate-reading.js";

export type { BudgetView };

export interface PacerObserver {
  /** A request was held, for heldMs, before it started (or was refused or cancelled). */
  onHeld?(e: { integration: string; heldMs: number }): void;
  /** Common Room answered 429 to a request of this token. */
  onRateLimited?(e: { integration: string }): void;
  /** The pacer's view of the budget changed. */
  onBudget?(e: { integration: string } & BudgetView): void;
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
  /** The cap on any hold (COMMON_ROOM_MAX_RATE_WAIT_SECONDS), in ms. */
  maxWaitMs?: number;
  /** Told (at warn, once an hour) of a reading longer than the cap. Never given the token. */
  logger?: Pick<Logger, "warn">;
}

/** A capped reading is logged at most this often per token. */
export const CAPPED_WARNING_EVERY_MS = 3_600_000;

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
  done(reading?: RateReading): void;
}

interface Waiter {
  enqueuedAt: number;
  deadline: number;
  resolve(permit: Permit): void;
  reject(error: PacerRefusal): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class Pacer {
  readonly name: string;
  readonly enabled: boolean;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly observer?: PacerObserver;
  private readonly budget: TokenBudget;
  private readonly queue: Waiter[] = [];
  private timer?: AbortController;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly maxWaitMs: number;
  private readonly logger?: Pick<Logger, "warn">;
  private lastCappedWarning = Number.NEGATIVE_INFINITY;

  constructor(options: PacerOptions) {
    this.name = options.name;
    this.enabled = options.enabled ?? true;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
    this.observer = options.observer;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_RATE_WAIT_MS;
    this.logger = options.logger;
    this.budget = new TokenBudget({ enabled: this.enabled, maxWaitMs: this.maxWaitMs });
  }

  /** The current view, for metrics and tests; undefined until Common Room has said. */
  view(): BudgetView | undefined {
    return this.budget.view(this.now());
  }

  /** The interval's end as the budget believes it, epoch ms. */
  resetsAt(): number | undefined {
    return this.budget.resetsAt(this.now());
  }

  /**
   * Resolves when the request may start; rejects with PacerRefusal when it would be held
   * past `deadline` (epoch ms) or `signal` aborts.
   */
  acquire(deadline: number, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(new PacerRefusal("cancelled", 0));
    const now = this.now();
    if (this.queue.length === 0) {
      const verdict = this.budget.decide(now);
      if (verdict.go) return Promise.resolve(this.start(now, now, verdict.probe));
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

  private start(now: number, enqueuedAt: number, probe?: boolean): Permit {
    const ticket: Ticket = this.budget.started(now, probe);
    if (now > enqueuedAt)
      this.observer?.onHeld?.({ integration: this.name, heldMs: now - enqueuedAt });
    let finished = false;
    return {
      done: (reading) => {
        if (finished) return;
        finished = true;
        if (reading) {
          if (reading.limited) {
            this.observer?.onRateLimited?.({ integration: this.name });
            this.warnIfCapped(reading);
          }
          this.budget.answered(ticket, reading, this.now());
          this.publish();
        } else {
          this.budget.unanswered(ticket);
        }
        this.pump();
      },
    };
  }

  /** Starts whoever may start; refuses whoever would wait past their deadline; sets a timer. */
  private pump(): void {
    const now = this.now();
    while (this.queue.length > 0) {
      const verdict = this.budget.decide(now);
      if (verdict.go) {
        const waiter = this.queue.shift() as Waiter;
        if (waiter.signal && waiter.onAbort)
          waiter.signal.removeEventListener("abort", waiter.onAbort);
        waiter.resolve(this.start(now, waiter.enqueuedAt, verdict.probe));
        continue;
      }
      const releaseAt = verdict.waitMs === undefined ? undefined : now + verdict.waitMs;
      // Those who would still be waiting at their deadline go back now, as after a 429.
      // Before the first answer nothing is known of the limit: a waiter goes only at its
      // deadline, and not as rate-limited (the answer may come any moment).
      for (const waiter of [...this.queue]) {
        const expected = verdict.firstAnswer ? undefined : (releaseAt ?? this.budget.resetsAt(now));
        if ((expected !== undefined && expected > waiter.deadline) || now >= waiter.deadline) {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          if (waiter.signal && waiter.onAbort)
            waiter.signal.removeEventListener("abort", waiter.onAbort);
          this.observer?.onHeld?.({ integration: this.name, heldMs: now - waiter.enqueuedAt });
          if (verdict.firstAnswer) {
            waiter.reject(new PacerRefusal("deadline", 0));
            continue;
          }
          const waitMs = Math.max(1, (expected ?? now + 1000) - now);
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

  /** One answer asked for more than the cap: say so, at most once an hour for this token. */
  private warnIfCapped(reading: RateReading): void {
    if (reading.waitMs === undefined || reading.waitMs <= this.maxWaitMs) return;
    const now = this.now();
    if (now - this.lastCappedWarning < CAPPED_WARNING_EVERY_MS) return;
    this.lastCappedWarning = now;
    this.logger?.warn(
      {
        integration: this.name,
        waitMs: reading.waitMs,
        waitFrom: reading.waitFrom,
        cappedAtMs: this.maxWaitMs,
      },
      "Common Room asked this token to wait longer than COMMON_ROOM_MAX_RATE_WAIT_SECONDS: holding for the cap, then one request probes",
    );
  }

  private publish(): void {
    const view = this.budget.view(this.now());
    if (view) this.observer?.onBudget?.({ integration: this.name, ...view });
  }
}
