/**
 * The retry and rate-limit layer around each Common Room call, kept apart from the
 * methods themselves. Every operation is safe to repeat (upserts, create returns the
 * existing tag, update sets values), so any call may be retried here.
 *
 * - 429: wait what Common Room asks (already computed into the error's waitMs), plus a
 *   little jitter. Waits do not use up the 5xx/network attempts, but they are bounded by
 *   the deadline and a maximum count. A wait that would end past the deadline is not
 *   slept: the rate_limited error goes up at once, so the task can be handed back.
 * - 5xx and network: capped full-jitter exponential backoff, up to maxAttempts in all,
 *   never sleeping past the deadline.
 * - Anything else is thrown as is.
 */
import { backoffMs } from "../backoff.js";
import { sleep } from "../sleep.js";
import { CallStopped, CommonRoomError, DRAINING, isCommonRoomError } from "./errors.js";
import {
  decide,
  DEFAULT_MAX_RATE_WAIT_MS,
  MAX_RATE_LIMIT_WAITS,
  type Situation,
} from "./rate-policy.js";

export { MAX_RATE_LIMIT_WAITS };

export interface RetryPolicy {
  /** Attempts in all for 5xx and network errors (1 = no retry). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The time budget when the caller gives no deadline. */
  defaultBudgetMs: number;
  /** In [0, 1). */
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Epoch ms. */
  now: () => number;
  /** The longest one answer may hold a call (COMMON_ROOM_MAX_RATE_WAIT_SECONDS). */
  maxRateWaitMs: number;
}

/** Up to this much is added to each 429 wait, so replicas don't return in lockstep. */
export const RATE_LIMIT_JITTER_MS = 100;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  defaultBudgetMs: 30_000,
  random: Math.random,
  sleep,
  now: Date.now,
  maxRateWaitMs: DEFAULT_MAX_RATE_WAIT_MS,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (policy as Record<string, unknown>)[key] = value;
  }
  return policy;
}

/** The delay before retry number `failures` (1-based): full jitter under a capped exponential. */
export function backoffDelayMs(policy: RetryPolicy, failures: number): number {
  return backoffMs(failures, {
    baseMs: policy.baseDelayMs,
    maxMs: policy.maxDelayMs,
    jitter: "full",
    random: policy.random,
  });
}

/** `reason` is the failure's message (which status, what Common Room asked for). */
export interface RetryHooks {
  onRateLimitWait?(e: { operation: string; waitMs: number; reason: string }): void;
  onRetry?(e: {
    operation: string;
    attempt: number;
    kind: string;
    delayMs: number;
    reason: string;
  }): void;
}

export interface RetryContext {
  operation: string;
  policy: RetryPolicy;
  /** Epoch ms; absent means now + policy.defaultBudgetMs. */
  deadline?: number;
  signal?: AbortSignal;
  /** The attempt's stop (drain or deadline): no request or wait starts once it fired. */
  stop?: AbortSignal;
  hooks?: RetryHooks;
}

/**
 * Runs `attempt` until it succeeds or a failure may not (or can no longer) be retried.
 * `attempt` gets the time left before the deadline, to cap its own request timeout.
 */
export async function withRetry<T>(
  ctx: RetryContext,
  attempt: (remainingMs: number) => Promise<T>,
): Promise<T> {
  const { operation, policy, signal, stop, hooks } = ctx;
  const deadline = ctx.deadline ?? policy.now() + policy.defaultBudgetMs;
  let failures = 0;
  let waits = 0;
  for (;;) {
    throwIfCancelled(operation, signal);
    if (stop?.aborted) throw stopped(operation, stop);
    // No request starts once the budget is spent: the attempt must report in time.
    if (policy.now() >= deadline) throw budgetSpent(operation);
    try {
      return await attempt(deadline - policy.now());
    } catch (error) {
      if (!isCommonRoomError(error) || signal?.aborted) throw error;
      // Any failure after an unanswered request may be the echo of that request's work.
      if (failures > 0) error.afterUnansweredRequest = true;

      const situation = situationOf(error, failures + 1, waits, policy);
      if (situation.said === "upstream" || situation.said === "network") failures += 1;
      const jitterMs =
        situation.said === "rate_limited" ? Math.floor(policy.random() * RATE_LIMIT_JITTER_MS) : 0;
      const decision = decide(
        situation,
        { now: policy.now(), deadline, maxWaitMs: policy.maxRateWaitMs },
        jitterMs,
      );
      if (decision.action === "wait") {
        waits += 1;
        hooks?.onRateLimitWait?.({ operation, waitMs: decision.ms, reason: error.message });
        await pause(policy, decision.ms, operation, signal, stop);
        continue;
      }
      if (decision.action === "retry") {
        hooks?.onRetry?.({
          operation,
          attempt: failures,
          kind: error.kind,
          delayMs: decision.ms,
          reason: error.message,
        });
        await pause(policy, decision.ms, operation, signal);
        continue;
      }
      if (decision.action === "hand_back") throw handedBack(error, decision.waitMs, situation);
      throw error;
    }
  }
}

/** What the policy needs to know of one failed request. */
function situationOf(
  error: CommonRoomError,
  nextFailure: number,
  waits: number,
  policy: RetryPolicy,
): Situation {
  if (error.kind === "rate_limited") {
    // Held by the pacer (no request went): nothing to wait out here, the task goes back.
    return error.httpStatus === undefined
      ? { said: "held", waitMs: error.waitMs ?? 0 }
      : { said: "rate_limited", waitMs: error.waitMs, waits };
  }
  if (error.kind === "upstream" || error.kind === "network") {
    return {
      said: error.kind,
      failures: nextFailure,
      maxAttempts: policy.maxAttempts,
      delayMs: backoffDelayMs(policy, nextFailure),
    };
  }
  return { said: "final" };
}

/** The rate_limited error that hands the task back, its wait capped as the policy decided. */
function handedBack(error: CommonRoomError, waitMs: number, situation: Situation): CommonRoomError {
  if (situation.said === "held") {
    return error.waitMs === waitMs ? error : new CommonRoomError({ ...fieldsOf(error), waitMs });
  }
  const why =
    situation.said === "rate_limited" && situation.waits >= MAX_RATE_LIMIT_WAITS
      ? `still rate limited after ${MAX_RATE_LIMIT_WAITS} waits`
      : `rate limited for another ${error.waitMs ?? waitMs} ms, past this call's time budget`;
  return new CommonRoomError({
    ...fieldsOf(error),
    waitMs,
    message: `Common Room answered ${error.httpStatus ?? 429} to ${error.operation}: ${why}`,
  });
}

function fieldsOf(error: CommonRoomError) {
  return {
    kind: error.kind,
    operation: error.operation,
    httpStatus: error.httpStatus,
    reason: error.reason,
    waitMs: error.waitMs,
    details: error.details,
    message: error.message,
  };
}

/** Sleeps `ms`; a stop cuts a rate-limit wait short (nothing was sent: the task goes back). */
async function pause(
  policy: RetryPolicy,
  ms: number,
  operation: string,
  signal: AbortSignal | undefined,
  stop?: AbortSignal,
): Promise<void> {
  const either = stop && signal ? AbortSignal.any([signal, stop]) : (stop ?? signal);
  await policy.sleep(ms, either);
  if (signal?.aborted) throw cancelled(operation);
  if (stop?.aborted) throw stopped(operation, stop);
}

/** details.code of the error thrown instead of a request that the budget left no time for. */
export const BUDGET_SPENT = "BUDGET_SPENT";

export function budgetSpent(operation: string): CommonRoomError {
  return new CommonRoomError({
    kind: "network",
    operation,
    message: `Common Room was not asked for ${operation}: this attempt's time budget was spent`,
    details: { code: BUDGET_SPENT },
  });
}

/** The error of a call the attempt's stop cut: the drain, or else its deadline. */
export function stopped(operation: string, stop: AbortSignal): Error {
  return stop.reason === DRAINING ? new CallStopped(operation) : budgetSpent(operation);
}

/** The error of a request that was never sent because the budget was spent. */
export function isBudgetSpent(error: unknown): boolean {
  return isCommonRoomError(error) && error.details?.code === BUDGET_SPENT;
}

function throwIfCancelled(operation: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled(operation);
}

function cancelled(operation: string): CommonRoomError {
  return new CommonRoomError({
    kind: "network",
    operation,
    message: `Common Room did not answer ${operation}: the call was cancelled`,
    details: { code: "ERR_CANCELED" },
  });
}
