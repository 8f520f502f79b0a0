import type { Logger } from "../logger.js";
import { PollError } from "./poll-error.js";

export interface ReachabilityOptions {
  logger: Logger;
  /** CONDUCTOR_SERVER_URL as configured, to name in the start-up line. */
  serverUrl: string;
  /** Failing polls for this long make /readyz answer 503 (CONDUCTOR_UNREACHABLE_MS). */
  unreachableMs: number;
  /** A failure streak repeats its warning at most this often. */
  warnEveryMs?: number;
  now?: () => number;
}

/**
 * What every poll loop learns about Conductor, put together: whether polls have been failing
 * long enough that this replica is not ready, and the log lines an operator needs, once
 * rather than once per task type (nineteen loops fail together when the URL is wrong).
 */
export class ConductorReachability {
  /** Since the last proper answer (or the start), while polls fail; undefined when they work. */
  private failingSince: number | undefined;
  private lastAnsweredAt: number;
  private everAnswered = false;
  private startupReported = false;
  private lastWarnAt = -Infinity;
  private lastWarned = "";
  private failuresSinceWarn = 0;
  private readonly now: () => number;

  constructor(private readonly options: ReachabilityOptions) {
    this.now = options.now ?? Date.now;
    this.lastAnsweredAt = this.now();
  }

  pollSucceeded(): void {
    if (this.failingSince !== undefined) {
      this.options.logger.info(
        { failedForMs: this.now() - this.failingSince },
        "Conductor answers polls again",
      );
    }
    this.everAnswered = true;
    this.lastAnsweredAt = this.now();
    this.failingSince = undefined;
    this.failuresSinceWarn = 0;
    this.lastWarned = "";
  }

  pollFailed(taskType: string, error: unknown, backoffMs: number): void {
    const now = this.now();
    // A failure is known only once the SDK's own retries are spent: the silence began at
    // the last proper answer.
    this.failingSince ??= this.lastAnsweredAt;
    this.failuresSinceWarn++;
    const message = error instanceof Error ? error.message : String(error);
    // The same wrong answer reaches every task type's loop: say it once, not per URL.
    const kind = error instanceof PollError ? `${error.status}|${error.received}` : message;
    const facts =
      error instanceof PollError
        ? { url: error.url, status: error.status, received: error.received }
        : { err: message };
    if (!this.everAnswered && !this.startupReported) {
      this.startupReported = true;
      this.options.logger.error(
        { ...facts, serverUrl: this.options.serverUrl },
        `Conductor cannot be reached at CONDUCTOR_SERVER_URL=${this.options.serverUrl} (${message}); ` +
          `check the variable. Polling keeps retrying; /readyz answers 503 after ${this.options.unreachableMs} ms`,
      );
    }
    const warnEveryMs = this.options.warnEveryMs ?? 10_000;
    if (kind !== this.lastWarned || now - this.lastWarnAt >= warnEveryMs) {
      this.options.logger.warn(
        { ...facts, taskType, failures: this.failuresSinceWarn, backoffMs },
        "poll failed; backing off",
      );
      this.lastWarned = kind;
      this.lastWarnAt = now;
      this.failuresSinceWarn = 0;
    }
  }

  /** Why this replica is not ready, when polls have failed for CONDUCTOR_UNREACHABLE_MS. */
  notReadyReason(): string | undefined {
    if (this.failingSince === undefined) return undefined;
    const failedForMs = this.now() - this.failingSince;
    return failedForMs >= this.options.unreachableMs
      ? `Conductor has not answered a poll properly for ${failedForMs} ms`
      : undefined;
  }
}
