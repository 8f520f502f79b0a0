import { describe, expect, it } from "vitest";
import {
  attemptBudgetMs,
  decide,
  handBackSeconds,
  holdOf,
  MAX_RATE_LIMIT_WAITS,
  UNNAMED_WAIT_MS,
  type Decision,
  type Situation,
} from "../../src/commonroom/rate-policy.js";
import { readRateLimit } from "../../src/commonroom/rate-reading.js";

/** The rate-limit policy's decisions, pinned as a table (contract.md, "Rules that keep data safe"). */

const NOW = 1_800_000_000_000;
const CAP = 60_000;
const time = (budgetLeftMs: number) => ({ now: NOW, deadline: NOW + budgetLeftMs, maxWaitMs: CAP });

describe("the rate-limit policy decides", () => {
  const table: [string, Situation, number, Decision][] = [
    [
      "a 429 whose wait fits the budget: wait it",
      { said: "rate_limited", waitMs: 800, waits: 0 },
      30_000,
      { action: "wait", ms: 800 },
    ],
    [
      "a 429 whose wait is past the budget: hand back, for that wait",
      { said: "rate_limited", waitMs: 20_000, waits: 0 },
      5_000,
      { action: "hand_back", waitMs: 20_000, callbackAfterSeconds: 20 },
    ],
    [
      "a 429 naming ten minutes: never more than the cap, even with budget to spare",
      { said: "rate_limited", waitMs: 600_000, waits: 0 },
      240_000,
      { action: "wait", ms: CAP },
    ],
    [
      "a 429 naming ten minutes past the budget: hand back for the cap",
      { said: "rate_limited", waitMs: 600_000, waits: 0 },
      30_000,
      { action: "hand_back", waitMs: CAP, callbackAfterSeconds: 60 },
    ],
    [
      "a 429 that names no wait: a short one",
      { said: "rate_limited", waits: 0 },
      30_000,
      { action: "wait", ms: UNNAMED_WAIT_MS },
    ],
    [
      "too many 429s in one call: hand back",
      { said: "rate_limited", waitMs: 100, waits: MAX_RATE_LIMIT_WAITS },
      30_000,
      { action: "hand_back", waitMs: 100, callbackAfterSeconds: 1 },
    ],
    [
      "held by the pacer past the deadline: hand back for the expected release",
      { said: "held", waitMs: 4_200 },
      1_000,
      { action: "hand_back", waitMs: 4_200, callbackAfterSeconds: 5 },
    ],
    [
      "held by the pacer for longer than the cap: hand back for the cap",
      { said: "held", waitMs: 1.8e12 },
      1_000,
      { action: "hand_back", waitMs: CAP, callbackAfterSeconds: 60 },
    ],
    [
      "a 5xx with attempts and budget left: retry after the backoff",
      { said: "upstream", failures: 1, maxAttempts: 3, delayMs: 250 },
      30_000,
      { action: "retry", ms: 250 },
    ],
    [
      "a 5xx on the last attempt: fail",
      { said: "upstream", failures: 3, maxAttempts: 3, delayMs: 250 },
      30_000,
      { action: "fail" },
    ],
    [
      "a network error whose backoff would end past the deadline: fail",
      { said: "network", failures: 1, maxAttempts: 3, delayMs: 2_000 },
      1_000,
      { action: "fail" },
    ],
    ["a 4xx: fail", { said: "final" }, 30_000, { action: "fail" }],
  ];
  it.each(table)("%s", (_, situation, budgetLeftMs, expected) => {
    expect(decide(situation, time(budgetLeftMs))).toEqual(expected);
  });

  it("adds the jitter to a rate-limit wait, but not past the cap's hand-back", () => {
    expect(decide({ said: "rate_limited", waitMs: 500, waits: 0 }, time(30_000), 40)).toEqual({
      action: "wait",
      ms: 540,
    });
  });
});

describe("holds and hand-backs", () => {
  it.each([
    [500, { holdMs: 500, capped: false }],
    [CAP, { holdMs: CAP, capped: false }],
    [CAP + 1, { holdMs: CAP, capped: true }],
    [undefined, { holdMs: UNNAMED_WAIT_MS, capped: false }],
  ])("a reading of %s ms holds %o", (waitMs, expected) => {
    expect(holdOf(waitMs, CAP)).toEqual(expected);
  });

  it.each([
    [0, 1],
    [1, 1],
    [1_001, 2],
    [59_000, 59],
    [600_000, 60],
    [1.8e15, 60],
  ])("a wait of %s ms is callbackAfterSeconds %s", (waitMs, seconds) => {
    expect(handBackSeconds(waitMs, CAP)).toBe(seconds);
  });

  it("an attempt's budget stays inside Conductor's response timeout", () => {
    expect(attemptBudgetMs(undefined, undefined)).toBe(30_000);
    expect(attemptBudgetMs(240_000, 300)).toBe(240_000);
    expect(attemptBudgetMs(240_000, 100)).toBe(80_000);
    expect(attemptBudgetMs(undefined, 0)).toBe(30_000);
  });
});

describe("readings are sanity-checked", () => {
  const at429 = (headers: Record<string, string>, body?: unknown) =>
    readRateLimit(429, headers, body === undefined ? "" : JSON.stringify(body), NOW);

  it.each([
    [
      "the body's waitMs first",
      { "x-ratelimit-reset": String(NOW / 1000 + 9) },
      { rateLimit: { waitMs: 1234 } },
      1234,
      "body",
    ],
    [
      "X-RateLimit-Reset in epoch seconds",
      { "x-ratelimit-reset": String(NOW / 1000 + 9) },
      undefined,
      9_000,
      "x-ratelimit-reset",
    ],
    [
      "X-RateLimit-Reset in epoch milliseconds",
      { "x-ratelimit-reset": String(NOW + 2_500) },
      undefined,
      2_500,
      "x-ratelimit-reset",
    ],
    [
      "X-RateLimit-Reset as seconds to wait",
      { "x-ratelimit-reset": "3" },
      undefined,
      3_000,
      "x-ratelimit-reset",
    ],
    [
      "a reset in the past waits nothing",
      { "x-ratelimit-reset": String(NOW / 1000 - 5) },
      undefined,
      0,
      "x-ratelimit-reset",
    ],
    [
      "Retry-After as a date-time",
      { "retry-after": new Date(NOW + 4_000).toISOString() },
      undefined,
      4_000,
      "retry-after",
    ],
    [
      "Retry-After as an HTTP-date",
      { "retry-after": new Date(NOW + 7_000).toUTCString() },
      undefined,
      7_000,
      "retry-after",
    ],
    ["Retry-After as seconds", { "retry-after": "12" }, undefined, 12_000, "retry-after"],
    [
      "a negative waitMs is skipped for the headers",
      { "retry-after": "2" },
      { rateLimit: { waitMs: -5 } },
      2_000,
      "retry-after",
    ],
    [
      "a junk reset is skipped for Retry-After",
      { "x-ratelimit-reset": "soon", "retry-after": "1" },
      undefined,
      1_000,
      "retry-after",
    ],
  ])("%s", (_, headers, body, waitMs, from) => {
    const reading = at429(headers, body);
    expect(reading.waitMs).toBe(waitMs);
    expect(reading.waitFrom).toBe(from);
  });

  it("no reading at all names no wait (the policy holds a short while)", () => {
    expect(at429({}).waitMs).toBeUndefined();
  });

  it("a 2xx carries the budget, never a wait", () => {
    const reading = readRateLimit(
      200,
      { "x-ratelimit-limit": "20", "x-ratelimit-remaining": "7", "retry-after": "9" },
      "{}",
      NOW,
    );
    expect(reading).toEqual({ limited: false, limit: 20, remaining: 7 });
  });

  it("a 429 body gives the interval, and the budget when the headers do not", () => {
    const reading = at429(
      {},
      {
        rateLimit: {
          intervalLimit: 20,
          intervalRemaining: 0,
          intervalResetSeconds: 10,
          waitMs: 300,
        },
      },
    );
    expect(reading).toMatchObject({ limit: 20, remaining: 0, intervalMs: 10_000, waitMs: 300 });
  });
});
