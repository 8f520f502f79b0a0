import type { CallTrace } from "../commonroom/client.js";
import { attemptBudgetMs, DEFAULT_ATTEMPT_BUDGET_MS } from "../commonroom/rate-policy.js";
import type { Operation } from "../operations/define.js";
import { prepareInput } from "../operations/delivered-input.js";
import { jsonBytes } from "../operations/output-ceiling.js";
import { InvalidInputError, OutputTooLargeError } from "../operations/errors.js";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../config.js";
import type { Logger } from "../logger.js";
import type { Integrations } from "./integrations.js";
import type { OperationResult } from "./results.js";

/** How long one attempt may spend on Common Room, retries and rate-limit waits included. */
export const DEFAULT_TASK_BUDGET_MS = DEFAULT_ATTEMPT_BUDGET_MS;

/**
 * The one signal that tells every Common Room call of an attempt to start nothing more:
 * its deadline, or the drain (whose abort reason, DRAINING, tells the two apart).
 */
function attemptStop(deadline: number, drain: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
  return drain ? AbortSignal.any([drain, timeout]) : timeout;
}

export interface ExecuteOptions {
  integrations: Integrations;
  logger: Logger;
  /** 0 on a first attempt (Conductor's retryCount otherwise). */
  attempt?: number;
  /** Epoch ms after which no new Common Room call or wait starts. */
  deadline?: number;
  /** The ceiling on the task's output; DEFAULT_MAX_OUTPUT_BYTES when not given. */
  maxOutputBytes?: number;
  /** Aborts the Common Room calls under way (the CLI's stop request). */
  signal?: AbortSignal;
  /** Fires (with reason DRAINING) when the worker drains: no new request starts. */
  drain?: AbortSignal;
  /** The output of this task's last hand-back, when Conductor hands it out again. */
  previous?: unknown;
  /** Told of every Common Room request, wait and retry of this task (its task log). */
  trace?: CallTrace;
}

/**
 * Runs one operation on one task input: validate, pick the integration, call. Never throws:
 * every failure comes back as an OperationResult for results.ts to classify.
 */
export async function executeOperation(
  operation: Operation,
  rawInput: unknown,
  options: ExecuteOptions,
): Promise<OperationResult> {
  try {
    if (typeof rawInput !== "object" || rawInput === null || Array.isArray(rawInput)) {
      throw InvalidInputError.field("", "the task input must be a JSON object");
    }
    const { integrationName } = rawInput as { integrationName?: unknown };
    if (
      integrationName !== undefined &&
      integrationName !== null &&
      typeof integrationName !== "string"
    ) {
      throw InvalidInputError.field("integrationName", "must be a string");
    }
    const input = prepareInput(operation, rawInput as Record<string, unknown>, options.logger);
    const parsed = operation.input.safeParse(input);
    if (!parsed.success) throw InvalidInputError.fromZod(parsed.error);

    const { integration, client, catalog } = options.integrations.resolve(integrationName);
    const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const deadline = options.deadline ?? Date.now() + attemptBudgetMs(operation.budgetMs, 0);
    const output = await operation.run(
      {
        client,
        integration,
        callOptions: {
          deadline,
          stop: attemptStop(deadline, options.drain),
          ...(options.signal && { signal: options.signal }),
          ...(options.trace && { trace: options.trace }),
        },
        attempt: options.attempt ?? 0,
        logger: options.logger,
        catalog,
        maxOutputBytes,
        ...(options.previous !== undefined && { previous: options.previous }),
      },
      parsed.data,
    );
    // The operations keep under the ceiling; this catches what none of them can cut down.
    const bytes = jsonBytes(output);
    if (bytes > maxOutputBytes) throw new OutputTooLargeError(bytes, maxOutputBytes);
    return { ok: true, output };
  } catch (error) {
    return { ok: false, error };
  }
}
