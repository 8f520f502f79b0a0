import { describe, expect, it } from "vitest";
import {
  FIRST_ANSWER_WAIT_MS,
  PROBE_TIMEOUT_MS,
  TokenBudget,
} from "../../src/commonroom/budget.js";
import type { RateReading } from "../../src/commonroom/rate-reading.js";

/**
 * The token budget's state machine, driven step by step on its own clock: every decision of
 * contract.md's rate-limit rules that does not depend on timers.
 */

const CAP = 60_000;
const ok = (remaining: number, limit = 20): RateReading => ({ limited: false, limit, remaining });
const limited = (waitMs: number | undefined, intervalMs?: number): RateReading => ({
  limited: true,
  limit: 20,
  remaining: 0,
  ...(waitMs !== undefined && { waitMs }),
  ...(intervalMs !== undefined && { intervalMs }),
});

/** One request through the budget at `at`: decided, started, answered at `at + 1`. */
function request(budget: TokenBudget, at: number, reading: RateReading): boolean {
  const verdict = budget.decide(at);
  if (!verdict.go) return false;
  budget.answered(budget.started(at, verdict.probe), reading, at + 1);
  return true;
}

describe("the token budget", () => {
  it("before the first answer, one request at a time; a slow one lets another go after a second", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    const first = budget.started(0);
    expect(budget.decide(10)).toMatchObject({ go: false, firstAnswer: true });
    expect(budget.decide(FIRST_ANSWER_WAIT_MS)).toEqual({ go: true });
    budget.answered(first, ok(19), 20);
    expect(budget.heard).toBe(true);
  });

  it("after a 429 naming ten minutes, holds for the cap only, then sends exactly one probe", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    request(budget, 10, limited(600_000));
    expect(budget.decide(20)).toMatchObject({ go: false, hold: true, waitMs: CAP - 9 });
    const probe = budget.decide(11 + CAP);
    expect(probe).toEqual({ go: true, probe: true });
    budget.started(11 + CAP, true);
    // While the probe is out, nothing else goes.
    expect(budget.decide(12 + CAP)).toMatchObject({ go: false, hold: true });
  });

  it("a probe's 429 renews the hold; its 2xx lifts it", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    request(budget, 10, limited(600_000));
    expect(request(budget, 11 + CAP, limited(540_000))).toBe(true);
    expect(budget.decide(20 + CAP)).toMatchObject({ go: false, hold: true });
    // The second probe, a cap later, goes through: the hold is over.
    expect(request(budget, 12 + 2 * CAP, ok(18))).toBe(true);
    expect(budget.view(20 + 2 * CAP)?.held).toBe(false);
    expect(budget.decide(20 + 2 * CAP)).toMatchObject({ go: true });
  });

  it("a 2xx showing budget left ends a hold at once", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    const inFlight = budget.started(5);
    request(budget, 10, limited(600_000));
    expect(budget.decide(20)).toMatchObject({ go: false, hold: true });
    budget.answered(inFlight, ok(12), 30);
    expect(budget.view(31)?.held).toBe(false);
    expect(budget.decide(31)).toMatchObject({ go: true });
  });

  it("a 429 within the cap holds until it lifts and pins the window's end", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    request(budget, 100, limited(900, 1000));
    expect(budget.decide(200)).toMatchObject({ go: false, waitMs: 801 });
    expect(budget.resetsAt(200)).toBe(1001);
    expect(budget.decide(1001)).toMatchObject({ go: true });
  });

  it("revises the interval from every reset it sees: a quiet start does not fix it too long", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    // Resets seen (Remaining jumping back up) 25 s apart after a quiet spell, then 10 s apart.
    const resets = [0, 25_000, 35_000];
    for (const at of resets) {
      request(budget, at, ok(19));
      for (let i = 1; i <= 15; i++) request(budget, at + i, ok(19 - i));
    }
    request(budget, 45_000, ok(19));
    expect(budget.resetsAt(45_010)).toBe(45_001 + 10_000);
  });

  it("a 429 body's interval is Common Room's word and wins over gaps", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    request(budget, 10, limited(5_000, 10_000));
    // The wait pins the window's end; after it the end is a whole interval on.
    expect(budget.resetsAt(600)).toBe(5_011);
    expect(budget.resetsAt(6_000)).toBe(5_011 + 10_000);
  });

  it("a short 429 wait (a sliding window's oldest request leaving) does not pin a window", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    request(budget, 10, limited(40, 1000));
    expect(budget.resetsAt(20)).toBeUndefined();
  });

  it("spent with no end known (a sliding window), sends one request at a time at the token's rate", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(1));
    request(budget, 10, limited(40, 1000));
    expect(budget.decide(20)).toMatchObject({ go: false });
    // Past the hold, one request finds out; the window slides, so it goes through.
    expect(request(budget, 51, ok(0))).toBe(true);
    // Spent again, end unknown: the next goes after about interval / limit (its share of
    // it: the others spent most of this one), not a whole interval.
    const verdict = budget.decide(60);
    expect(verdict.go).toBe(false);
    if (!verdict.go) expect(verdict.waitMs).toBeLessThanOrEqual(100);
    expect(budget.decide(160)).toMatchObject({ go: true });
  });

  /** A window [911, 1911) found by a 429 and confirmed by the probe, then spent. */
  function spentWindow(): TokenBudget {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    request(budget, 10, limited(900, 1000));
    expect(budget.decide(911)).toEqual({ go: true, probe: true });
    budget.answered(budget.started(911, true), ok(19), 915);
    for (let i = 18; i >= 0; i--) budget.answered(budget.started(940 - i), ok(i), 941 - i);
    expect(budget.decide(950)).toMatchObject({ go: false, waitMs: 961 });
    return budget;
  }

  it("past a believed reset, only a few requests go before an answer confirms it", () => {
    const budget = spentWindow();
    // Rolled past 1911: believed full, but only 10 % of it goes unconfirmed.
    expect(budget.decide(1911)).toMatchObject({ go: true });
    budget.started(1911);
    expect(budget.decide(1912)).toMatchObject({ go: true });
    budget.started(1912);
    expect(budget.decide(1913)).toMatchObject({ go: false });
  });

  it("an answer past the believed reset that shows no rise means the window is elsewhere", () => {
    const budget = spentWindow();
    budget.answered(budget.started(1911), ok(0), 1915);
    expect(budget.resetsAt(1916)).toBeUndefined();
    // Spent, end unknown: one request at the token's steady rate finds out, not at once.
    expect(budget.decide(1916).go).toBe(false);
    expect(budget.decide(2100).go).toBe(true);
  });

  it("a probe that never answers stops blocking after a while", () => {
    const budget = new TokenBudget({ enabled: true, maxWaitMs: CAP });
    request(budget, 0, ok(19));
    request(budget, 10, limited(600_000));
    expect(budget.decide(11 + CAP)).toEqual({ go: true, probe: true });
    budget.started(11 + CAP, true);
    expect(budget.decide(11 + CAP + PROBE_TIMEOUT_MS)).toEqual({ go: true, probe: true });
  });

  it("switched off, never holds", () => {
    const budget = new TokenBudget({ enabled: false, maxWaitMs: CAP });
    request(budget, 0, ok(0));
    request(budget, 1, limited(600_000));
    expect(budget.decide(2)).toEqual({ go: true });
  });
});
