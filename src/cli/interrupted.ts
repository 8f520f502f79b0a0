import { signalExitCode, stopped, type ProcessGuard } from "./process-guard.js";

/**
 * Runs a one-shot command's work until it ends or a stop request (signal or crash) comes.
 * Stopped, it says so on stderr and resolves with 128+n (1 after a crash); the work itself
 * is abandoned (every command's work is safe to run again).
 */
export async function untilStopped(
  guard: ProcessGuard,
  what: string,
  work: Promise<number>,
): Promise<number> {
  const winner = await Promise.race([work, stopped(guard.stop)]);
  if (winner !== "stopped") return winner;
  // The work may still settle later; nobody waits for it.
  work.catch(() => undefined);
  console.error(`${what} stopped by ${guard.reason}; it is safe to run again`);
  return signalExitCode(guard.reason);
}
