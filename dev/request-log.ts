/**
 * The request logs of the dev servers (dev/conductor, its recording proxy, the Common Room
 * simulator) keep the most recent entries only, so that a soak of 100,000 tasks runs in flat
 * memory. The array stays the same object (tests hold it), and entries are dropped in chunks
 * so that each push stays cheap. No test comes near the bound.
 */
export const REQUEST_LOG_LIMIT = 50_000;

export function recordBounded<T>(log: T[], entry: T, limit = REQUEST_LOG_LIMIT): void {
  log.push(entry);
  if (log.length > limit + Math.ceil(limit / 10)) log.splice(0, log.length - limit);
}
