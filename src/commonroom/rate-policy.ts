/**
 * The rate-limit policy: every decision on what to do when Common Room (or the token's
 * pacer) says the limit is reached, in one place, as pure functions that a table test pins.
 * Every Common Room request meets it: single operations, bulk items, pages, the catalog.
 *
 * - No answer holds a token, and no task is handed back, for longer than the cap
 *   (COMMON_ROOM_MAX_RATE_WAIT_SECONDS): a longer reading is capped, and past the cap one
 *   request goes as a probe (budget.ts), whose answer lifts or renews the hold.
 * - A wait that fits in the attempt's budget is waited; one that does not hands the task
 *   back to Conductor (IN_PROGRESS with callbackAfterSeconds), which costs no retry.
 * - 5xx and network failures are retried with backoff a few times within the budget.
 */

/** COMMON_ROOM_MAX_RATE_WAIT_SECONDS' default, in ms. */
export const DEFAULT_MAX_RATE_WAIT_MS = 60_000;
/** A 429 that names no wait is held this long, then tried again. */
export const UNNAMED_WAIT_MS = 1000;
/** At most this many 429 waits in one call, however short each one is. */
export const MAX_RATE_LIMIT_WAITS = 10;

/** What the pacer does with a 429's reading: hold the token this long; probe after it if capped. */
export interface Hold {
  holdMs: number;
  /** The reading was longer than the cap: the first request after the hold is a probe. */
  capped: boolean;
}

export function holdOf(waitMs: number | undefined, maxWaitMs: number): Hold {
  const wanted = waitMs ?? UNNAMED_WAIT_MS;
  return wanted > maxWaitMs
    ? { holdMs: maxWaitMs, capped: true }
    : { holdMs: wanted, capped: false };
}

/** Conductor's callbackAfterSeconds for a wait: at least 1 s, never past the cap. */
export function handBackSeconds(waitMs: number, maxWaitMs: number): number {
  const cap = Math.max(1, Math.ceil(maxWaitMs / 1000));
  return Math.min(cap, Math.max(1, Math.ceil(waitMs / 1000)));
}

/** What went wrong with one request, as far as the policy needs to know. */
export type Situation =
  /** Common Room answered 429; waitMs as read (rate-reading.ts), waits already waited. */
  | { said: "rate_limited"; waitMs?: number; waits: number }
  /** The token's pacer would hold the request until `waitMs` from now (no request went). */
  | { said: "held"; waitMs: number }
  /** 5xx or no answer; `failures` so far including this one, `delayMs` the next backoff. */
  | { said: "upstream" | "network"; failures: number; maxAttempts: number; delayMs: number }
  /** Any other answer (4xx, unexpected body): the request's outcome is final. */
  | { said: "final" };

export interface Deadline {
  now: number;
  /** Epoch ms: no request or wait starts past it. */
  deadline: number;
  /** The cap on any one wait for the rate limit. */
  maxWaitMs: number;
}

export type Decision =
  | { action: "wait"; ms: number }
  | { action: "retry"; ms: number }
  /** Give the task back to Conductor; waitMs capped, as the task's callbackAfterSeconds says. */
  | { action: "hand_back"; waitMs: number; callbackAfterSeconds: number }
  | { action: "fail" };

/**
 * The decision after one request (or its hold). `jitterMs` is added to rate-limit waits so
 * that replicas do not come back in lockstep.
 */
export function decide(situation: Situation, time: Deadline, jitterMs = 0): Decision {
  const { now, deadline, maxWaitMs } = time;
  switch (situation.said) {
    case "rate_limited": {
      const { holdMs } = holdOf(situation.waitMs, maxWaitMs);
      const ms = holdMs + jitterMs;
      if (situation.waits >= MAX_RATE_LIMIT_WAITS || now + ms > deadline) {
        return handBack(holdMs, maxWaitMs);
      }
      return { action: "wait", ms };
    }
    case "held":
      return handBack(situation.waitMs, maxWaitMs);
    case "upstream":
    case "network":
      if (situation.failures >= situation.maxAttempts) return { action: "fail" };
      if (now + situation.delayMs >= deadline) return { action: "fail" };
      return { action: "retry", ms: situation.delayMs };
    case "final":
      return { action: "fail" };
  }
}

function handBack(waitMs: number, maxWaitMs: number): Decision {
  const capped = Math.min(Math.max(1, Math.ceil(waitMs)), maxWaitMs);
  return {
    action: "hand_back",
    waitMs: capped,
    callbackAfterSeconds: handBackSeconds(capped, maxWaitMs),
  };
}

/** How long one attempt may take when its operation does not say. */
export const DEFAULT_ATTEMPT_BUDGET_MS = 30_000;
/** The share of Conductor's responseTimeoutSeconds an attempt may use (the rest: delivery). */
const RESPONSE_TIMEOUT_SHARE = 0.8;

/**
 * The time budget of one attempt, computed here only: the operation's own budget, kept well
 * inside the task's responseTimeoutSeconds so that Conductor does not declare it lost.
 */
export function attemptBudgetMs(
  operationBudgetMs: number | undefined,
  responseTimeoutSeconds: number | undefined,
): number {
  const wanted = operationBudgetMs ?? DEFAULT_ATTEMPT_BUDGET_MS;
  const responseTimeoutMs = (responseTimeoutSeconds ?? 0) * 1000;
  return responseTimeoutMs > 0
    ? Math.min(wanted, responseTimeoutMs * RESPONSE_TIMEOUT_SHARE)
    : wanted;
}
