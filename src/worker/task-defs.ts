import type { Operation } from "../operations/define.js";
import { taskTypeOf } from "../operations/index.js";

export interface TaskDefOptions {
  prefix: string;
  /** Common Room requests per second shared by every replica, enforced by Conductor at poll. */
  rateLimitPerSecond?: number;
  ownerEmail?: string;
}

/**
 * The TaskDefs `register` sends. Every operation is safe to repeat (upserts, create returns
 * the existing tag, delete treats a retry's 404 as done), so failures are retried freely.
 */
export function taskDefinitions(operations: readonly Operation[], options: TaskDefOptions) {
  return operations.map((operation) => ({
    name: taskTypeOf(operation, options.prefix),
    description: `Common Room: ${operation.name}. ${operation.description}`,
    ownerEmail: options.ownerEmail ?? "commonroom-worker@example.com",
    inputKeys: [...Object.keys(operation.input.shape), "integrationName"],
    // 5xx and network failures were already retried inside the attempt; these retries
    // cover longer outages: 5 s, 10 s, 20 s, 40 s, 80 s apart.
    retryCount: 5,
    retryLogic: "EXPONENTIAL_BACKOFF",
    retryDelaySeconds: 5,
    maxRetryDelaySeconds: 120,
    // One attempt spends at most its budget (30 s unless the operation says more) on Common
    // Room. A rate-limit hand-back restarts the response clock, so only a silent worker
    // (crashed, killed) hits this: its task comes back after a minute or so instead of
    // Conductor's default hour.
    responseTimeoutSeconds: responseTimeoutFor(operation),
    // Covers the rate-limit hand-backs of one attempt; past it, the attempt is retried.
    timeoutSeconds: 900,
    timeoutPolicy: "RETRY",
    ...(options.rateLimitPerSecond !== undefined && {
      rateLimitPerFrequency: options.rateLimitPerSecond,
      rateLimitFrequencyInSeconds: 1,
    }),
  }));
}

/** 60 s, or enough that the operation's budget is at most 80% of it. */
export function responseTimeoutFor(operation: Operation): number {
  return Math.max(60, Math.ceil((operation.budgetMs ?? 0) / 1000 / 0.8));
}

export type TaskDefinition = ReturnType<typeof taskDefinitions>[number];
