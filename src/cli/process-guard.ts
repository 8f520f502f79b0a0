/**
 * Signals and crashes, handled from the first moment of every command. This module imports
 * only Node's own: it runs before the SDK and the rest load (which takes a while), so a
 * SIGTERM in that time is a stop request like any other, never a half-done command.
 *
 * - The first SIGTERM or SIGINT aborts `stop` (its reason is the signal's name); each
 *   command decides what stopping means (start drains; the others give up and exit 128+n).
 * - The same signal again within a second is the same request: a Ctrl-C in a terminal
 *   reaches the worker both from the terminal and forwarded by `npm start`.
 * - Any later signal is a second one: the command's handler runs, by default an exit now.
 * - An uncaught exception or unhandled rejection is logged with its stack, aborts `stop`
 *   so that `start` drains, and the process exits 1 at the latest `crashExitMs` later.
 */

export type StopReason = "SIGTERM" | "SIGINT" | "crash";

export interface CrashLog {
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface ProcessGuard {
  /** Aborted by the first signal or a crash. */
  readonly stop: AbortSignal;
  readonly reason: StopReason | undefined;
  /** True once an uncaught exception or unhandled rejection happened: the exit code is 1. */
  readonly crashed: boolean;
  /** What a second signal does; replaces the default (exit at once with 128+n). */
  onSecondSignal(handler: (signal: NodeJS.Signals) => void): void;
  /** Crash reports go through this logger (JSON lines) from now on, instead of stderr text. */
  useLogger(logger: CrashLog): void;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };
/** A repeat of the first signal within this time is the same request, delivered twice. */
const SAME_REQUEST_MS = 1000;

/** The conventional exit code of a command stopped by a signal (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(reason: StopReason | undefined): number {
  return reason && reason !== "crash" ? 128 + (SIGNAL_NUMBERS[reason] ?? 0) : 1;
}

export function guardProcess(options: { crashExitMs?: number } = {}): ProcessGuard {
  const controller = new AbortController();
  let reason: StopReason | undefined;
  let firstSignalAt = 0;
  let crashed = false;
  let log: CrashLog | undefined;
  let second: (signal: NodeJS.Signals) => void = (signal) =>
    process.exit(signalExitCode(signal as StopReason));

  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      reason = signal as StopReason;
      firstSignalAt = Date.now();
      controller.abort(signal);
      return;
    }
    if (signal === reason && Date.now() - firstSignalAt < SAME_REQUEST_MS) return;
    second(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const onCrash = (kind: string) => (error: unknown) => {
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (log) log.error({ kind, stack }, `${kind}: stopping after a bounded drain`);
    else process.stderr.write(`${kind}: ${stack}\n`);
    if (crashed) return;
    crashed = true;
    process.exitCode = 1;
    if (!controller.signal.aborted) {
      reason = "crash";
      controller.abort("crash");
    }
    setTimeout(() => process.exit(1), options.crashExitMs ?? 15_000).unref();
  };
  process.on("uncaughtException", onCrash("uncaught exception"));
  process.on("unhandledRejection", onCrash("unhandled rejection"));

  return {
    stop: controller.signal,
    get reason() {
      return reason;
    },
    get crashed() {
      return crashed;
    },
    onSecondSignal(handler) {
      second = handler;
    },
    useLogger(logger) {
      log = logger;
    },
  };
}

/** Resolves when `signal` aborts; for racing a command's work against a stop request. */
export function stopped(signal: AbortSignal): Promise<"stopped"> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve("stopped");
    else signal.addEventListener("abort", () => resolve("stopped"), { once: true });
  });
}
