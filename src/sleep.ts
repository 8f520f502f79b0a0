import { setTimeout as delay } from "node:timers/promises";

/**
 * Waits `ms`, or less if the signal aborts; never rejects: the caller checks the signal to
 * know why it woke. The one sleep of the worker, for retries, backoff and delivery alike.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the caller checks why
  }
}
