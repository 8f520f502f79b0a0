import { describe, expect, it } from "vitest";
import { backoffMs } from "../../src/backoff.js";

describe("backoffMs", () => {
  const at = (random: number, jitter: "full" | "half") => ({
    baseMs: 100,
    maxMs: 1000,
    jitter,
    random: () => random,
  });

  it("doubles from the base with each failure, up to the cap", () => {
    // random just under 1: the ceiling itself, less the floor's rounding.
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffMs(n, at(0.999999, "half")))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it("full jitter spreads over the whole range below the ceiling", () => {
    expect(backoffMs(3, at(0, "full"))).toBe(0);
    expect(backoffMs(3, at(0.5, "full"))).toBe(200);
  });

  it("half jitter never comes back sooner than half the ceiling", () => {
    expect(backoffMs(3, at(0, "half"))).toBe(200);
    expect(backoffMs(3, at(0.5, "half"))).toBe(300);
  });
});
