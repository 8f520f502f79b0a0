import { afterEach } from "vitest";

export type Cleanups = (cleanup: () => Promise<unknown> | unknown) => void;

/** Call at the top of a test file: what is pushed is undone after each test, last first. */
export function cleanupAfterEach(): Cleanups {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => cleanups.push(cleanup);
}
