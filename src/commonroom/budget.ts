/**
 * One API token's rate-limit budget as this process sees it: a pure state machine. It is
 * told when a request starts and what its answer said, and asked whether another may start
 * now. No timers, no promises (the queue in pacer.ts waits on its answers); the time is an
 * argument, so a table test drives it.
 *
 * Common Room counts requests per token and says on every answer how many the interval
 * allows (X-RateLimit-Limit) and how many are left (X-RateLimit-Remaining), shared by every
 * process that uses the token. It does not say how its window is cut (fixed on the clock,
 * fixed from the token's first request, or sliding), so nothing here depends on it:
 * - A request may start while the budget left, less this process's requests in flight that
 *   Common Room has not counted yet and a learned margin for other processes, is at least one.
 * - Within an interval whose end is believed, this process's share of what is left is
 *   spread over what is left of it, so replicas do not all burst at the start.
 * - Past a believed end the budget is not taken as refilled on faith: a few requests find
 *   out (an answer showing Remaining back up confirms the reset; a 429 names the real end).
 * - Spent with no end known: one request at a time, spaced by the token's steady rate, finds
 *   out whether the window slides (it then goes through) or waits for a reset (a 429 says when).
 * - A 429 holds the token for what it names, capped (rate-policy.ts): past the hold one
 *   request goes as a probe, and only its answer lifts or renews the hold. A 2xx showing
 *   budget left ends any hold. A 429's wait pins the window's end only when it is a good
 *   part of the interval (a short one may be a sliding window's oldest request leaving).
 * - The interval is revised from every 429 body and every reset observed (the shortest gap
 *   between two resets), never fixed by a first guess.
 * - Before the first answer one request goes at a time (another once the latest has been in
 *   flight for FIRST_ANSWER_WAIT_MS): replicas that start on a backlog learn where the token
 *   stands before they spend it. An answer without the headers ends this: no pacing.
 */
import { DEFAULT_MAX_RATE_WAIT_MS, holdOf } from "./rate-policy.js";
import type { RateReading } from "./rate-reading.js";

export interface BudgetView {
  limit: number;
  /** Left in this interval, as Common Room last said. */
  remaining: number;
  /** What this process may still start: remaining, less uncounted in flight and the margin. */
  available: number;
  margin: number;
  /** This process's share of the token's spending. */
  share: number;
  /** A 429's hold is on (until the time, or until the probe's answer). */
  held: boolean;
}

/** Go now; or wait `waitMs` (undefined: until an answer comes). */
export type Verdict =
  | { go: true; probe?: true }
  | {
      go: false;
      waitMs?: number;
      /** Before the first answer: no verdict on the limit yet. */
      firstAnswer?: true;
      /** Held by a 429 (a hold the answer named, capped). */
      hold?: true;
    };

/** Margin added in an interval where this process met a 429 and others share the token. */
export const MARGIN_STEP = 1;
/** Margin taken off per interval that ran the budget down without a 429. */
export const MARGIN_DECAY = 0.025;
/** Below this share of the token's spending, this process is not alone on it. */
const ALONE_SHARE = 0.95;
/** While neither the reset nor the interval is known, one probe request at most this often. */
export const PROBE_EVERY_MS = 250;
/** Before the first answer: another request may go once the latest in flight is this old. */
export const FIRST_ANSWER_WAIT_MS = 1000;
/** A probe that has not been answered in this long no longer blocks another. */
export const PROBE_TIMEOUT_MS = 10_000;
/** How long a budget view with no known end lasts when no interval is known. */
export const VIEW_TTL_MS = 60_000;
/** A process may start this share of its budget at once; the rest is spread. */
const BURST_SHARE = 0.25;
/** Past a believed reset, this share of the limit may go before an answer confirms it. */
const UNCONFIRMED_SHARE = 0.1;
/**
 * The spread ends this share of the interval before its end, so that a process alone on its
 * token fits its last request in; less the more others share the token.
 */
const END_SLACK = 0.1;
/** A Remaining that rises by at least this share of the limit is a reset, not a trickle. */
const RESET_JUMP_SHARE = 0.25;
/** A 429's wait of at least this share of the interval pins the window's end. */
const PINNING_WAIT_SHARE = 0.25;
/** The steady rate keeps this little under the limit, for answers that race each other. */
const STEADY_SLACK = 1.03;
/** How fast recentShare follows its samples, and its floor. */
const SHARE_SMOOTHING = 0.2;
const MIN_SHARE = 0.02;

/** A request that started: hand it back to `answered` or `unanswered`. */
export interface Ticket {
  readonly sentAt: number;
  readonly probe: boolean;
}

export class TokenBudget {
  private limit?: number;
  private remaining?: number;
  private windowStart?: number;
  private windowEnd?: number;
  private intervalMs?: number;
  /** The interval came from a 429 body (Common Room's word), not from gaps between resets. */
  private intervalSaid = false;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private answered_ = false;
  private lastReset?: number;
  /** When the request that gave the lowest Remaining of this interval was sent. */
  private lowSentAt = Number.NEGATIVE_INFINITY;
  /** When each of this process's requests in flight was sent. */
  private readonly inFlight: number[] = [];
  private margin = 0;
  private share = 1;
  private tokens = 0;
  private lastRefill = Number.NEGATIVE_INFINITY;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** When this process's requests of the last interval were sent (for recentShare). */
  private readonly sentLog: number[] = [];
  /**
   * This process's share of the token's count over the last interval, measured on every
   * answer (mine / (limit − remaining)): what spaces its requests where no reset is known.
   * Measured shares of all replicas add up to one, so their rates add up to the limit.
   */
  private recentShare = 1;
  private lastProbeAt = Number.NEGATIVE_INFINITY;
  /** Rolled past a believed reset that no answer has confirmed yet: requests sent since. */
  private unconfirmed?: number;
  /** What was left when the budget rolled past its believed end. */
  private beforeRoll?: number;
  /** This interval: requests of ours answered, a 429 met, the budget run down to the margin. */
  private mine = 0;
  private metLimit = false;
  private pressed = false;
  /** A 429's hold: no request before `until`; after it, one request (a probe) finds out. */
  private hold?: { until: number };
  private probeSentAt?: number;

  constructor(
    readonly options: {
      /** False: observe only, never hold. */
      enabled: boolean;
      /** The cap on any hold (COMMON_ROOM_MAX_RATE_WAIT_SECONDS). */
      maxWaitMs?: number;
    } = { enabled: true },
  ) {}

  /** Common Room has answered a request of this token at least once. */
  get heard(): boolean {
    return this.answered_;
  }

  private get maxWaitMs(): number {
    return this.options.maxWaitMs ?? DEFAULT_MAX_RATE_WAIT_MS;
  }

  view(now: number): BudgetView | undefined {
    this.advance(now);
    if (this.limit === undefined || this.remaining === undefined) return undefined;
    return {
      limit: this.limit,
      remaining: this.remaining,
      available: this.available(),
      margin: this.margin,
      share: this.share,
      held: this.hold !== undefined,
    };
  }

  /** The interval's end as believed, epoch ms. */
  resetsAt(now: number): number | undefined {
    this.advance(now);
    return this.windowEnd;
  }

  /** Whether a request may start now, or how long it should wait. */
  decide(now: number): Verdict {
    this.advance(now);
    if (!this.options.enabled) return { go: true };
    const held = this.held(now);
    if (held) return held;
    if (this.hold) {
      this.probeSentAt = now;
      return { go: true, probe: true };
    }
    if (!this.answered_) {
      const newest = this.inFlight.at(-1);
      if (newest === undefined || now - newest >= FIRST_ANSWER_WAIT_MS) return { go: true };
      return { go: false, waitMs: newest + FIRST_ANSWER_WAIT_MS - now, firstAnswer: true };
    }
    if (this.limit === undefined || this.remaining === undefined) return { go: true };
    if (this.unconfirmed === undefined) return this.paced(now);
    if (this.unconfirmed >= Math.max(1, Math.floor(this.limit * UNCONFIRMED_SHARE))) {
      // Wait for the answers of those sent: they say whether the reset came.
      return { go: false, waitMs: this.inFlight.length === 0 ? PROBE_EVERY_MS : undefined };
    }
    const verdict = this.paced(now);
    if (verdict.go) this.unconfirmed += 1;
    return verdict;
  }

  /** The budget's verdict once its state is known: spent, or spread over the interval. */
  private paced(now: number): Verdict {
    const available = this.available();
    if (available < 1) {
      this.pressed = true;
      if (this.windowEnd !== undefined) return { go: false, waitMs: this.windowEnd - now };
      // Nobody said when the budget comes back: one request at a time, at the token's steady
      // rate, finds out (a sliding window lets it through; a fixed one answers 429 and when).
      // With the rate known, spaced from the last request; else from the last such probe.
      const every = this.steadySpacingMs();
      const since = this.intervalMs === undefined ? this.lastProbeAt : this.lastSentAt;
      if (this.inFlight.length === 0 && now - since >= every) {
        this.lastProbeAt = now;
        return { go: true };
      }
      return { go: false, waitMs: this.inFlight.length === 0 ? since + every - now : undefined };
    }
    if (this.windowEnd === undefined) {
      // No reset known (a sliding window, or one not found yet): with little left, keep to
      // the steady rate, so replicas that share it do not all take the last of it at once.
      if (this.intervalMs === undefined || available > (this.limit ?? 0) * BURST_SHARE) {
        return { go: true };
      }
      const waitMs = this.lastSentAt + this.steadySpacingMs() - now;
      return waitMs <= 0 ? { go: true } : { go: false, waitMs };
    }
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

  /** A request starts now (after `decide` said go). */
  started(now: number, probe = false): Ticket {
    this.inFlight.push(now);
    this.lastSentAt = now;
    this.sentLog.push(now);
    return { sentAt: now, probe };
  }

  /** Its request got no answer (a network error): nothing learned. */
  unanswered(ticket: Ticket): void {
    this.finish(ticket);
    if (ticket.probe) this.probeSentAt = undefined;
  }

  /** Its request was answered, at `at`, with this reading. */
  answered(ticket: Ticket, reading: RateReading, at: number): void {
    this.finish(ticket);
    this.advance(at);
    this.lastReportAt = at;
    this.answered_ = true;
    if (reading.limit !== undefined) this.limit = reading.limit;
    if (reading.intervalMs !== undefined) {
      this.intervalMs = reading.intervalMs;
      this.intervalSaid = true;
    }
    const current = this.windowStart === undefined || ticket.sentAt >= this.windowStart;

    if (reading.limited) {
      // Refused requests are not in Common Room's count, so not in this process's share.
      const index = this.sentLog.lastIndexOf(ticket.sentAt);
      if (index >= 0) this.sentLog.splice(index, 1);
      this.onLimited(ticket, reading, at);
      return;
    }
    if (ticket.probe || (this.hold && (reading.remaining ?? 0) > 0)) {
      // The probe went through, or an answer shows budget left: the hold is over. A probe
      // whose answer says nothing of the budget leaves it unknown, not spent.
      this.hold = undefined;
      this.probeSentAt = undefined;
      if (reading.remaining === undefined) this.remaining = undefined;
    }
    if (reading.remaining === undefined) {
      if (reading.limit === undefined) this.unconfirmed = undefined;
      return;
    }
    this.measureShare(ticket.sentAt, reading.remaining);
    if (this.unconfirmed !== undefined && ticket.sentAt >= (this.windowStart ?? at)) {
      // The first answer past the believed reset says where the budget really stands: a rise
      // confirms the reset; none means the window is not where we thought.
      this.unconfirmed = undefined;
      if (reading.remaining - (this.beforeRoll ?? 0) >= this.resetRise()) {
        this.noteReset(this.windowStart ?? at);
      } else this.windowEnd = this.windowStart = undefined;
      this.remaining = reading.remaining;
      this.lowSentAt = ticket.sentAt;
      this.mine += 1;
      return;
    }
    if (!current) return;
    this.mine += 1;
    if (this.remaining === undefined || reading.remaining <= this.remaining) {
      this.remaining = reading.remaining;
      this.lowSentAt = ticket.sentAt;
    } else if (ticket.sentAt > this.lowSentAt && this.isReset(reading.remaining)) {
      // Remaining jumped back up: a reset came before this answer.
      this.newInterval(at);
      this.remaining = reading.remaining;
      this.lowSentAt = ticket.sentAt;
    } else if (ticket.sentAt > this.lowSentAt) {
      // A small rise: the window slides (old requests leave it one by one).
      this.remaining = reading.remaining;
      this.lowSentAt = ticket.sentAt;
    }
  }

  /** mine / counted over the interval up to this request, smoothed. */
  private measureShare(sentAt: number, remaining: number): void {
    if (this.intervalMs === undefined || this.limit === undefined) return;
    const since = sentAt - this.intervalMs;
    while (this.sentLog.length > 0 && (this.sentLog[0] as number) <= since - this.intervalMs) {
      this.sentLog.shift();
    }
    const counted = this.limit - remaining;
    if (counted <= 0) return;
    const mine = this.sentLog.filter((t) => t > since && t <= sentAt).length;
    const sample = Math.max(MIN_SHARE, Math.min(1, mine / counted));
    this.recentShare += SHARE_SMOOTHING * (sample - this.recentShare);
  }

  private onLimited(ticket: Ticket, reading: RateReading, at: number): void {
    if (!this.metLimit) {
      this.metLimit = true;
      const ceiling = this.limit === undefined ? MARGIN_STEP : Math.max(1, this.limit / 2);
      // Alone on the token, a margin would only waste budget: all in flight is known.
      if (this.share < ALONE_SHARE) this.margin = Math.min(ceiling, this.margin + MARGIN_STEP);
    }
    this.remaining = 0;
    // A 429 just past a believed reset: the reset was not there.
    const believedWrongly = this.unconfirmed !== undefined;
    this.unconfirmed = undefined;
    this.probeSentAt = undefined;
    const { holdMs, capped } = holdOf(reading.waitMs, this.maxWaitMs);
    const until = at + holdMs;
    // A probe's 429 renews the hold; any other keeps the longer of the two.
    // Past any hold one request finds out first; a capped one's answer alone lifts it.
    if (ticket.probe || !this.hold || until > this.hold.until) this.hold = { until };
    if (believedWrongly) {
      this.windowEnd = this.windowStart = undefined;
      return;
    }
    // A wait of a good part of the interval pins where the window ends. A short one may be a
    // sliding window's oldest request leaving, and a longer one (a quota, one endpoint's
    // limit, a bad header) says nothing about the window: resets seen pin those instead.
    const pins =
      this.intervalMs === undefined ||
      (holdMs <= this.intervalMs && holdMs >= this.intervalMs * PINNING_WAIT_SHARE);
    if (!capped && reading.waitMs !== undefined && pins) {
      this.windowEnd = until;
      this.windowStart = this.intervalMs === undefined ? undefined : until - this.intervalMs;
    }
  }

  /** The hold's verdict, or undefined when no hold stops a request now. */
  private held(now: number): Verdict | undefined {
    if (!this.hold) return undefined;
    if (now < this.hold.until) return { go: false, waitMs: this.hold.until - now, hold: true };
    if (this.probeSentAt !== undefined && now - this.probeSentAt < PROBE_TIMEOUT_MS) {
      return { go: false, hold: true };
    }
    return undefined;
  }

  private finish(ticket: Ticket): void {
    const index = this.inFlight.indexOf(ticket.sentAt);
    if (index >= 0) this.inFlight.splice(index, 1);
  }

  /**
   * One request per this many ms keeps the token at its limit on any window: the interval
   * over this process's part of the limit.
   */
  private steadySpacingMs(): number {
    if (this.limit === undefined || this.intervalMs === undefined) return PROBE_EVERY_MS;
    const perInterval = Math.max(1, this.limit * this.recentShare);
    return Math.max(1, Math.ceil((this.intervalMs / perInterval) * STEADY_SLACK));
  }

  /** Rolls the interval forward past its believed end; a view with no end expires. */
  private advance(now: number): void {
    if (this.windowEnd !== undefined && now >= this.windowEnd) {
      this.closeInterval();
      const intervalMs = this.intervalMs;
      if (intervalMs === undefined) {
        this.windowStart = this.windowEnd;
        this.windowEnd = undefined;
      } else {
        const skipped = Math.floor((now - this.windowEnd) / intervalMs);
        this.windowStart = this.windowEnd + skipped * intervalMs;
        this.windowEnd = this.windowStart + intervalMs;
      }
      this.beforeRoll = this.remaining;
      this.remaining = this.limit;
      this.lowSentAt = Number.NEGATIVE_INFINITY;
      // Believed, not seen: the first answers after it confirm it.
      this.unconfirmed = 0;
    }
    if (
      this.windowEnd === undefined &&
      this.remaining !== undefined &&
      now - this.lastReportAt > (this.intervalMs ?? VIEW_TTL_MS)
    ) {
      this.remaining = undefined;
      this.windowStart = undefined;
      this.unconfirmed = undefined;
    }
  }

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

  private isReset(remaining: number): boolean {
    if (this.limit === undefined || this.remaining === undefined) return true;
    return remaining - this.remaining >= this.resetRise();
  }

  /** A rise of Remaining at least this big is a reset; a smaller one, a window that slides. */
  private resetRise(): number {
    return Math.max(2, (this.limit ?? 0) * RESET_JUMP_SHARE);
  }

  private newInterval(start: number): void {
    this.closeInterval();
    this.noteReset(start);
    this.windowStart = start;
    this.windowEnd = this.intervalMs === undefined ? undefined : start + this.intervalMs;
  }

  /** A reset seen at `at`: the gap since the last one bounds the interval from above. */
  private noteReset(at: number): void {
    if (this.lastReset !== undefined && !this.intervalSaid) {
      const gap = at - this.lastReset;
      if (gap > 0 && (this.intervalMs === undefined || gap < this.intervalMs)) {
        this.intervalMs = gap;
      }
    }
    this.lastReset = at;
  }

  /**
   * What this process may still start: the budget left, less its requests in flight that
   * Common Room has not counted yet (those sent after the request whose answer gave
   * `remaining`), less the margin.
   */
  private available(): number {
    const remaining = this.remaining ?? this.limit ?? 0;
    const uncounted = this.inFlight.filter((sentAt) => sentAt >= this.lowSentAt).length;
    return remaining - uncounted - Math.round(this.margin);
  }
}
