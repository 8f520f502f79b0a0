import { backoffMs } from "../backoff.js";
import type { Logger } from "../logger.js";
import { ConductorHttpError, type ConductorGateway, type PolledTask } from "./conductor.js";
import { acceptanceDeadline } from "./result-window.js";
import type { TaskResultBody } from "./results.js";
import { sleep } from "../sleep.js";

export interface DeliveryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * How long an unacknowledged result is retried when the task states no timeout of its own;
   * otherwise the task's own timeouts set the window (result-window.ts).
   */
  windowMs: number;
  /** Past the task's own timeouts, how long Conductor may still take the result (its sweeper lags). */
  graceMs: number;
  random: () => number;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  // Long enough to ride out a Conductor restart or outage of several minutes.
  windowMs: 60 * 60_000,
  graceMs: 30_000,
  random: Math.random,
};

export interface DeliveryHooks {
  onRetry?(e: { taskType: string; attempt: number; delayMs: number; error: string }): void;
  onGiveUp?(e: { taskType: string; reason: string }): void;
}

/**
 * Sends one task result to Conductor until Conductor acknowledges it, says the task is gone,
 * or the task is past the time Conductor would still take it. A 401 or 403 (an Orkes token
 * that expired or was revoked under us) gets a fresh token and the result again.
 * Returns the next task when Conductor hands one back with the acknowledgement.
 */
export async function deliverResult(args: {
  gateway: ConductorGateway;
  task: PolledTask;
  taskType: string;
  result: TaskResultBody;
  /** When Conductor handed the task to us (epoch ms): its response timeout counts from here. */
  handedAt?: number;
  workerId: string;
  /** Accept a chained next task (update-v2); off while draining so nothing new is taken. */
  acceptNextTask: boolean;
  policy: DeliveryPolicy;
  /** Aborted when shutdown is cut short: the task then returns through responseTimeout. */
  signal: AbortSignal;
  logger: Logger;
  hooks?: DeliveryHooks;
}): Promise<PolledTask | undefined> {
  const { gateway, task, result, policy, logger, hooks } = args;
  const deadline = acceptanceDeadline(task, args.handedAt ?? Date.now(), {
    graceMs: policy.graceMs,
    fallbackMs: policy.windowMs,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await gateway.updateTask(task, result, args.workerId, {
        acceptNextTask: args.acceptNextTask,
      });
      if (outcome.kind === "unknown_task") {
        logger.warn("Conductor no longer knows this task; its result has nowhere to go");
        hooks?.onGiveUp?.({ taskType: args.taskType, reason: "unknown_task" });
        return undefined;
      }
      if (attempt > 1) logger.info({ attempts: attempt }, "task result delivered after retries");
      return outcome.nextTask;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const expired = Date.now() > deadline;
      if (isAuthRefusal(error) && !expired && !args.signal.aborted) {
        const renewed = await gateway.reauthenticate().catch((reason: unknown) => {
          logger.warn({ err: String(reason) }, "could not get a new Conductor token");
          return false;
        });
        if (renewed) {
          // A fresh token answers the refusal at once; a second one waits like any retry.
          const delayMs = attempt === 1 ? 0 : retryDelay(attempt - 1, policy);
          logger.warn(
            { err: message, attempt, delayMs },
            "task result refused; new token, retrying",
          );
          hooks?.onRetry?.({ taskType: args.taskType, attempt, delayMs, error: message });
          await sleep(delayMs, args.signal);
          continue;
        }
      }
      const rejected = refusedForGood(error);
      if (rejected || expired || args.signal.aborted) {
        const reason = rejected ? "rejected" : expired ? "window_expired" : "shutdown";
        const why = rejected
          ? `Conductor (or a proxy before it) refused the result with HTTP ${(error as ConductorHttpError).status}; sending the same result again cannot help`
          : expired
            ? "Conductor did not acknowledge it before the task's own timeouts ran out"
            : "the shutdown was cut short";
        logger.error(
          { err: message, attempts: attempt, reason, why },
          `task result NOT delivered: ${why}`,
        );
        hooks?.onGiveUp?.({ taskType: args.taskType, reason });
        return undefined;
      }
      // No wait ends past the time the result can still be taken.
      const delayMs = Math.min(retryDelay(attempt, policy), Math.max(0, deadline - Date.now()));
      logger.warn({ err: message, attempt, delayMs }, "task result not acknowledged; retrying");
      hooks?.onRetry?.({ taskType: args.taskType, attempt, delayMs, error: message });
      await sleep(delayMs, args.signal);
    }
  }
}

function retryDelay(attempt: number, policy: DeliveryPolicy): number {
  return backoffMs(attempt, {
    baseMs: policy.initialDelayMs,
    maxMs: policy.maxDelayMs,
    jitter: "half",
    random: policy.random,
  });
}

/** 401 or 403: Conductor (Orkes) did not take our token. */
function isAuthRefusal(error: unknown): boolean {
  return error instanceof ConductorHttpError && (error.status === 401 || error.status === 403);
}

/**
 * A 4xx says the result itself is refused (a 400 for its content, a proxy's 413 for its
 * size): resending it for an hour cannot help. Not so 404 (the gateway already tells an
 * unknown task apart), 408 (a timeout) and 429 (asked to slow down), which are retried.
 */
function refusedForGood(error: unknown): boolean {
  if (!(error instanceof ConductorHttpError)) return false;
  const { status } = error;
  return status >= 400 && status < 500 && ![404, 408, 429].includes(status);
}
