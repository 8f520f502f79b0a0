import { expect } from "vitest";
import { ConfigError } from "../../src/config.js";

/** Runs `fn`, expects a ConfigError, and returns its message. */
export function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}
