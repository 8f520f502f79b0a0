import { afterAll, afterEach } from "vitest";

export type Cleanups = (cleanup: () => Promise<unknown> | unknown) => void;

/** Call at the top of a test file: what is pushed is undone after each test, last first. */
export function cleanupAfterEach(): Cleanups {
  return cleanupAfter(afterEach);
}

/** The same for what a beforeAll starts: undone once, after the file's last test. */
export function cleanupAfterAll(): Cleanups {
  return cleanupAfter(afterAll);
}

function cleanupAfter(hook: typeof afterEach): Cleanups {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  hook(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => cleanups.push(cleanup);
}
