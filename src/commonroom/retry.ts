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
import { CommonRoomError, isCommonRoomError } from "./errors.js";

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
}

/** At most this many 429 waits in one call, however short each one is. */
export const MAX_RATE_LIMIT_WAITS = 10;
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
  const { operation, policy, signal, hooks } = ctx;
  const deadline = ctx.deadline ?? policy.now() + policy.defaultBudgetMs;
  let failures = 0;
  let waits = 0;

  for (;;) {
    throwIfCancelled(operation, signal);
    // No request starts once the budget is spent: the attempt must report in time.
    if (policy.now() >= deadline) throw budgetSpent(operation);
    try {
      return await attempt(deadline - policy.now());
    } catch (error) {
      if (!isCommonRoomError(error) || signal?.aborted) throw error;
      // Any failure after an unanswered request may be the echo of that request's work.
      if (failures > 0) error.afterUnansweredRequest = true;

      // Held by the pacer past the deadline: no request went out, nothing to wait out here.
      if (error.kind === "rate_limited" && error.httpStatus === undefined) throw error;

      if (error.kind === "rate_limited") {
        const waitMs = error.waitMs ?? 0;
        const delayMs = waitMs + Math.floor(policy.random() * RATE_LIMIT_JITTER_MS);
        waits += 1;
        if (waits > MAX_RATE_LIMIT_WAITS || policy.now() + delayMs > deadline) {
          throw rateLimitedPastBudget(error, waitMs, waits > MAX_RATE_LIMIT_WAITS);
        }
        hooks?.onRateLimitWait?.({ operation, waitMs: delayMs, reason: error.message });
        await pause(policy, delayMs, operation, signal);
        continue;
      }

      if (error.kind === "upstream" || error.kind === "network") {
        failures += 1;
        if (failures >= policy.maxAttempts) throw error;
        const delayMs = backoffDelayMs(policy, failures);
        if (policy.now() + delayMs >= deadline) throw error;
        hooks?.onRetry?.({
          operation,
          attempt: failures,
          kind: error.kind,
          delayMs,
          reason: error.message,
        });
        await pause(policy, delayMs, operation, signal);
        continue;
      }

      throw error;
    }
  }
}

function rateLimitedPastBudget(
  error: CommonRoomError,
  waitMs: number,
  tooManyWaits: boolean,
): CommonRoomError {
  const why = tooManyWaits
    ? `still rate limited after ${MAX_RATE_LIMIT_WAITS} waits`
    : `rate limited for another ${waitMs} ms, past this call's time budget`;
  return new CommonRoomError({
    kind: "rate_limited",
    operation: error.operation,
    httpStatus: error.httpStatus,
    reason: error.reason,
    waitMs,
    details: error.details,
    message: `Common Room answered ${error.httpStatus ?? 429} to ${error.operation}: ${why}`,
  });
}

async function pause(
  policy: RetryPolicy,
  ms: number,
  operation: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await policy.sleep(ms, signal);
  if (signal?.aborted) throw cancelled(operation);
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
