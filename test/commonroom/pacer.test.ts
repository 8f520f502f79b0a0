import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Pacer, PacerRefusal, type Permit } from "../../src/commonroom/pacer.js";
import { FIRST_ANSWER_WAIT_MS, VIEW_TTL_MS } from "../../src/commonroom/budget.js";

/** The pacer's decisions, one by one, on fake timers (Date.now and setTimeout). */

const START = 1_700_000_000_000;
beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Whether a promise has settled, after letting pending callbacks run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

const far = () => Date.now() + 60_000;

/** A 429 that says the interval resets in `waitMs` and lasts `intervalMs`. */
const limited = (waitMs: number, intervalMs = 1000, limit = 10) => ({
  limit,
  remaining: 0,
  limited: true,
  waitMs,
  intervalMs,
});

describe("the pacer", () => {
  it("before Common Room has answered, sends one request at a time (another after a second)", async () => {
    const pacer = new Pacer({ name: "default" });
    const probe = await pacer.acquire(far());
    const held = pacer.acquire(far());
    expect(await settled(held)).toBe(false);
    // A slow first answer does not stall everything: after a second, one more goes.
    await vi.advanceTimersByTimeAsync(FIRST_ANSWER_WAIT_MS);
    expect(await settled(held)).toBe(true);
    const next = pacer.acquire(far());
    expect(await settled(next)).toBe(false);
    probe.done({ limit: 20, remaining: 19 });
    expect(await settled(next)).toBe(true);
  });

  it("before the first answer, a held request is not refused as rate-limited: it waits up to its deadline", async () => {
    const pacer = new Pacer({ name: "default" });
    const probe = await pacer.acquire(far());
    const soon = pacer.acquire(Date.now() + 300).catch((e: unknown) => e);
    const answered = pacer.acquire(Date.now() + 300);
    // Nothing says the limit is near: no early refusal, though a second would pass 300 ms.
    expect(await settled(soon)).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    probe.done({ limit: 20, remaining: 19 });
    expect(await settled(answered)).toBe(true);
    expect(await soon).not.toBeInstanceOf(PacerRefusal);
    // And a request whose deadline comes first goes back as the budget spent, not a 429.
    const pacer2 = new Pacer({ name: "default" });
    await pacer2.acquire(far());
    const late = pacer2.acquire(Date.now() + 200).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(200);
    expect(await late).toMatchObject({ reason: "deadline" });
  });

  it("lets everything through once an answer came without rate-limit headers", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done({});
    const permits = await Promise.all(Array.from({ length: 50 }, () => pacer.acquire(far())));
    expect(permits).toHaveLength(50);
    expect(pacer.view()).toBeUndefined();
  });

  it("learns the budget from the headers, less what is in flight", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done({ limit: 20, remaining: 16 });
    const first = await pacer.acquire(far());
    const second = await pacer.acquire(far());
    first.done({ limit: 20, remaining: 15 });
    expect(pacer.view()).toMatchObject({ limit: 20, remaining: 15, available: 14, margin: 0 });
    second.done({ limit: 20, remaining: 14 });
    expect(pacer.view()).toMatchObject({ remaining: 14, available: 14 });
    // An answer that overtook an earlier one does not raise the budget back.
    const late = await pacer.acquire(far());
    const later = await pacer.acquire(far());
    later.done({ limit: 20, remaining: 12 });
    late.done({ limit: 20, remaining: 13 });
    expect(pacer.view()).toMatchObject({ remaining: 12 });
  });

  it("holds a request while the budget left is spoken for by requests in flight", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done({ limit: 10, remaining: 2 });
    const inFlight: Permit[] = [await pacer.acquire(far()), await pacer.acquire(far())];
    const held = pacer.acquire(far());
    expect(await settled(held)).toBe(false);
    // Common Room counted one of them: one left, and one still in flight may take it.
    inFlight[0]!.done({ limit: 10, remaining: 1 });
    expect(await settled(held)).toBe(false);
    // The other never reached Common Room (no answer): the one left is free.
    inFlight[1]!.done();
    expect(await settled(held)).toBe(true);
  });

  it("after a 429, holds until the interval resets and then releases", async () => {
    const observer = { onHeld: vi.fn(), onRateLimited: vi.fn() };
    const pacer = new Pacer({ name: "crm", observer });
    (await pacer.acquire(far())).done(limited(400));
    expect(observer.onRateLimited).toHaveBeenCalledWith({ integration: "crm" });
    expect(pacer.resetsAt()).toBe(START + 400);
    const held = pacer.acquire(far());
    await vi.advanceTimersByTimeAsync(399);
    expect(await settled(held)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(held)).toBe(true);
    expect(observer.onHeld).toHaveBeenCalledWith({ integration: "crm", heldMs: 400 });
    // The next boundaries follow from the interval's length.
    expect(pacer.resetsAt()).toBe(START + 1400);
    expect(pacer.view()).toMatchObject({ limit: 10, remaining: 10 });
  });

  it("learns the reset from the moment Remaining jumps back up", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done({ limit: 5, remaining: 0 });
    await vi.advanceTimersByTimeAsync(10);
    const probe = await pacer.acquire(far()); // nothing in flight: one probe goes
    const held = pacer.acquire(far());
    expect(await settled(held)).toBe(false);
    await vi.advanceTimersByTimeAsync(700);
    probe.done({ limit: 5, remaining: 4 });
    expect(await settled(held)).toBe(true);
    expect(pacer.view()).toMatchObject({ remaining: 4 });
  });

  it("spreads its share of the budget over the interval instead of bursting", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done(limited(300, 1000, 20));
    await vi.advanceTimersByTimeAsync(300);
    const rolled = Date.now();
    const started: number[] = [];
    const requests = Array.from({ length: 19 }, () =>
      pacer.acquire(far()).then((permit) => {
        started.push(Date.now() - rolled);
        // Answered at once: the first answer past the reset confirms it.
        permit.done({ limit: 20, remaining: 20 - started.length });
        return permit;
      }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(requests);
    // A quarter of the interval's budget may go at once; the rest is spread over it.
    expect(started.filter((t) => t <= 1).length).toBe(5);
    expect(started.filter((t) => t > 500).length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...started)).toBeLessThan(1001);
  });

  it("adds to its margin after a 429 when others share the token, once per interval", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done(limited(300, 1000, 10));
    // Alone on the token so far (share 1): what is in flight is known, no margin is needed.
    expect(pacer.view()?.margin).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    // In this interval the others spend 4 of every 5 requests.
    (await pacer.acquire(far())).done({ limit: 10, remaining: 5 });
    await vi.advanceTimersByTimeAsync(pacer.resetsAt()! - Date.now());
    expect(pacer.view()?.share).toBeCloseTo(0.6, 5);
    // A 429 now that others spend too: the margin grows by one, once per interval.
    const first = await pacer.acquire(far());
    const second = pacer.acquire(far());
    while (!(await settled(second))) await vi.advanceTimersByTimeAsync(10); // spread out
    first.done(limited(700, 1000, 10));
    expect(pacer.view()?.margin).toBe(1);
    (await second).done(limited(700, 1000, 10));
    expect(pacer.view()?.margin).toBe(1);
    await vi.advanceTimersByTimeAsync(pacer.resetsAt()! - Date.now());
    // The new interval's first answer confirms the reset; then a 429 in it.
    (await pacer.acquire(far())).done({ limit: 10, remaining: 9 });
    const third = pacer.acquire(far());
    while (!(await settled(third))) await vi.advanceTimersByTimeAsync(10); // spread out
    (await third).done(limited(900, 1000, 10));
    expect(pacer.view()?.margin).toBe(2);
  });

  it("forgets a budget whose end it does not know once it is old", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done({ limit: 5, remaining: 0 });
    expect(pacer.view()).toMatchObject({ remaining: 0 });
    await vi.advanceTimersByTimeAsync(VIEW_TTL_MS + 1);
    expect(pacer.view()).toBeUndefined();
    const permits = await Promise.all(Array.from({ length: 5 }, () => pacer.acquire(far())));
    expect(permits).toHaveLength(5);
  });

  it("restores the whole budget when a known interval ends", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done(limited(300, 1000, 8));
    expect(pacer.view()).toMatchObject({ remaining: 0 });
    await vi.advanceTimersByTimeAsync(300);
    expect(pacer.view()).toMatchObject({ remaining: 8 });
  });

  it("refuses at once a request that would be held past its deadline", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done(limited(5000));
    const refusal = await pacer.acquire(Date.now() + 1000).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PacerRefusal);
    expect(refusal).toMatchObject({ reason: "past_deadline", waitMs: 5000 });
  });

  it("lets a cancelled request go from the queue", async () => {
    const pacer = new Pacer({ name: "default" });
    (await pacer.acquire(far())).done(limited(5000));
    const abort = new AbortController();
    const held = pacer.acquire(far(), abort.signal).catch((e: unknown) => e);
    abort.abort();
    expect(await held).toMatchObject({ reason: "cancelled" });
  });

  it("switched off, it never holds but still learns and counts 429s", async () => {
    const onRateLimited = vi.fn();
    const pacer = new Pacer({ name: "default", enabled: false, observer: { onRateLimited } });
    (await pacer.acquire(far())).done(limited(5000));
    const permits = await Promise.all(Array.from({ length: 10 }, () => pacer.acquire(far())));
    expect(permits).toHaveLength(10);
    expect(onRateLimited).toHaveBeenCalledTimes(1);
    expect(pacer.view()).toMatchObject({ remaining: 0 });
  });
});

describe("a reading longer than the cap", () => {
  it("is logged at warn once per token per hour, naming the integration and never the token", async () => {
    const warnings: [Record<string, unknown>, string][] = [];
    const logger = {
      warn: (facts: Record<string, unknown>, msg: string) => warnings.push([facts, msg]),
    };
    const pacer = new Pacer({ name: "crm", maxWaitMs: 60_000, logger: logger as never });
    const tenMinutes = { limit: 20, remaining: 0, limited: true, waitMs: 600_000 };
    (await pacer.acquire(far())).done({ limit: 20, remaining: 19 });
    const held = pacer.acquire(Date.now() + 1).catch(() => "refused");
    (await pacer.acquire(far()).catch(() => undefined))?.done(tenMinutes);
    await held;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toMatchObject({
      integration: "crm",
      waitMs: 600_000,
      cappedAtMs: 60_000,
    });
    // Another such answer within the hour: no second line.
    await vi.advanceTimersByTimeAsync(60_000);
    (await pacer.acquire(far())).done(tenMinutes);
    expect(warnings).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_600_000);
    (await pacer.acquire(far())).done(tenMinutes);
    expect(warnings).toHaveLength(2);
  });
});
