/** Small statistics helpers for the benchmark figures. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A uniformly random whole number of milliseconds in [min, max]. */
export const randomMs = (min: number, max: number): number =>
  Math.round(min + Math.random() * (max - min));

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
