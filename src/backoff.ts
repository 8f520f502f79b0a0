/**
 * The one backoff of the worker: an exponential from `baseMs` (doubling with each failure),
 * capped at `maxMs`, and jittered so that many callers failing together do not come back in
 * lockstep. "full" jitter waits anywhere below the ceiling (Common Room retries: the most
 * spread); "half" waits between half the ceiling and the ceiling (polls and result
 * delivery: never straight back at a server that is down).
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
  jitter: "full" | "half";
  /** In [0, 1). */
  random: () => number;
}

/** The pause before retry number `failures` (1-based). */
export function backoffMs(failures: number, backoff: Backoff): number {
  const doublings = Math.min(Math.max(0, failures - 1), 30);
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** doublings);
  return backoff.jitter === "full"
    ? Math.floor(backoff.random() * ceiling)
    : Math.round(ceiling / 2 + (backoff.random() * ceiling) / 2);
}
