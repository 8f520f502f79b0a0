/**
 * Waits `ms`, or less if the signal aborts; never rejects: the caller checks the signal to
 * know why it woke. The one sleep of the worker, for retries, backoff, pacing and delivery
 * alike. It uses the global timers, so tests with fake timers control it.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
