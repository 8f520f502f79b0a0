import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  FixedWindowLimiter,
  PerTokenLimiter,
  SlidingLogLimiter,
  tokenWindow,
} from "../../../dev/commonroom/rate-limit.js";
import {
  createCommonRoomSimulator,
  rateLimitFromEnv,
  startCommonRoomServer,
  type RateWindow,
  type RunningServer,
} from "../../../dev/commonroom/index.js";
import { BASE, call } from "./api-fetch.js";

describe("the simulator's aligned fixed window (the default)", () => {
  it("runs from one whole interval of the clock to the next, whenever the first request comes", () => {
    let now = 10_250;
    const limiter = new FixedWindowLimiter({ limit: 2, intervalMs: 1000 }, () => now);
    expect(limiter.take()).toMatchObject({ remaining: 1, resetAtMs: 11_000, allowed: true });
    now = 10_999;
    expect(limiter.take()).toMatchObject({ remaining: 0, resetAtMs: 11_000, allowed: true });
    expect(limiter.take()).toMatchObject({ remaining: 0, allowed: false });
    now = 11_000;
    expect(limiter.take()).toMatchObject({ remaining: 1, resetAtMs: 12_000, allowed: true });
    now = 13_700;
    expect(limiter.peek()).toMatchObject({ remaining: 2, resetAtMs: 14_000 });
  });

  it("is what a config without a window gets", () => {
    let now = 10_250;
    const window = tokenWindow({ limit: 1, intervalMs: 1000 }, () => now);
    expect(window.take()).toMatchObject({ allowed: true, resetAtMs: 11_000 });
    now = 11_000;
    expect(window.take()).toMatchObject({ allowed: true, resetAtMs: 12_000 });
  });

  it("counts each token on its own", () => {
    const now = 5_000;
    const limiter = new PerTokenLimiter({ limit: 1, intervalMs: 1000 }, () => now);
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b").allowed).toBe(true);
    expect(limiter.take(undefined).allowed).toBe(true);
  });
});

describe("the simulator's first-request fixed window", () => {
  it("starts with the token's first request, and the next one with the first request after it ended", () => {
    let now = 10_250;
    const limiter = tokenWindow({ limit: 2, intervalMs: 1000, window: "first-request" }, () => now);
    expect(limiter.take()).toMatchObject({ remaining: 1, resetAtMs: 11_250, allowed: true });
    now = 11_000; // past the clock's whole second, still inside the window begun at 10 250
    expect(limiter.take()).toMatchObject({ remaining: 0, resetAtMs: 11_250, allowed: true });
    expect(limiter.take()).toMatchObject({ remaining: 0, resetAtMs: 11_250, allowed: false });
    now = 11_249;
    expect(limiter.take().allowed).toBe(false);
    // A quiet spell: the next window starts with the next request, not on a grid.
    now = 14_731;
    expect(limiter.peek()).toMatchObject({ remaining: 2 });
    expect(limiter.take()).toMatchObject({ remaining: 1, resetAtMs: 15_731, allowed: true });
    now = 15_731;
    expect(limiter.take()).toMatchObject({ remaining: 1, resetAtMs: 16_731, allowed: true });
  });
});

describe("the simulator's sliding log", () => {
  it("allows a request while fewer than limit were allowed in the last interval", () => {
    let now = 10_000;
    const limiter = tokenWindow({ limit: 3, intervalMs: 1000, window: "sliding" }, () => now);
    expect(limiter).toBeInstanceOf(SlidingLogLimiter);
    expect(limiter.take()).toMatchObject({ remaining: 2, allowed: true }); // 10 000
    now = 10_400;
    expect(limiter.take()).toMatchObject({ remaining: 1, allowed: true }); // 10 400
    now = 10_900;
    expect(limiter.take()).toMatchObject({ remaining: 0, allowed: true }); // 10 900
    // Over: the 429 names when the oldest counted request (10 000) leaves the interval.
    now = 10_950;
    expect(limiter.take()).toMatchObject({ remaining: 0, resetAtMs: 11_000, allowed: false });
    // A whole second of the clock has passed, but the interval has not: still over.
    now = 10_999;
    expect(limiter.take().allowed).toBe(false);
    // The oldest has left: one slot, and the next 429 names the second oldest (10 400).
    now = 11_000;
    expect(limiter.take()).toMatchObject({ remaining: 0, allowed: true });
    expect(limiter.take()).toMatchObject({ resetAtMs: 11_400, allowed: false });
    // Refused requests are not logged: they do not push the next slot away.
    now = 11_400;
    expect(limiter.take()).toMatchObject({ remaining: 0, resetAtMs: 11_900, allowed: true });
  });

  it("frees the whole budget after a quiet interval, and counts tokens apart", () => {
    let now = 50_000;
    const limiter = new PerTokenLimiter(
      { limit: 2, intervalMs: 500, window: "sliding" },
      () => now,
    );
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b")).toMatchObject({ remaining: 1, allowed: true });
    now = 50_500;
    expect(limiter.peek("a")).toMatchObject({ remaining: 2, resetAtMs: 51_000 });
  });
});

describe("the rate-limit config", () => {
  it("names the bad field", () => {
    expect(() => tokenWindow({ limit: 5, intervalMs: 0 })).toThrow(/rateLimit\.intervalMs/);
    expect(() => tokenWindow({ limit: -1, intervalMs: 1000 })).toThrow(/rateLimit\.limit/);
    expect(() =>
      createCommonRoomSimulator({
        rateLimit: { limit: 5, intervalMs: 1000, window: "rolling" as RateWindow },
      }),
    ).toThrow(/rateLimit\.window must be one of aligned, first-request, sliding \(got "rolling"\)/);
  });

  it("is read from SIM_RATE_LIMIT and SIM_RATE_WINDOW", () => {
    expect(rateLimitFromEnv(undefined, undefined)).toBeUndefined();
    expect(rateLimitFromEnv("20/1000", undefined)).toEqual({ limit: 20, intervalMs: 1000 });
    expect(rateLimitFromEnv("20/1000", "sliding")).toEqual({
      limit: 20,
      intervalMs: 1000,
      window: "sliding",
    });
    expect(rateLimitFromEnv(" 5/250 ", " first-request ")).toEqual({
      limit: 5,
      intervalMs: 250,
      window: "first-request",
    });
    expect(() => rateLimitFromEnv("20/1000", "fixed")).toThrow(/SIM_RATE_WINDOW must be one of/);
    expect(() => rateLimitFromEnv("", "sliding")).toThrow(
      /SIM_RATE_WINDOW=sliding needs SIM_RATE_LIMIT/,
    );
    expect(() => rateLimitFromEnv("20 per second", undefined)).toThrow(
      /SIM_RATE_LIMIT must look like/,
    );
    expect(() => rateLimitFromEnv("20/0", undefined)).toThrow(/SIM_RATE_LIMIT/);
  });
});

describe("each window's 429, as Common Room's spec shapes it", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function over(window: RateWindow, times: number[]) {
    vi.useFakeTimers({ toFake: ["Date"], now: times[0] });
    const sim = createCommonRoomSimulator({ rateLimit: { limit: 2, intervalMs: 1000, window } });
    const answers: Response[] = [];
    for (const at of times) {
      vi.setSystemTime(at);
      answers.push(
        await sim.handle(
          new Request(`${BASE}/segments`, { headers: { Authorization: "Bearer test-token" } }),
        ),
      );
    }
    sim.assertNoViolations();
    return answers;
  }

  async function expectNamesTheEnd(answer: Response, now: number, freeAtMs: number) {
    expect(answer.status).toBe(429);
    expect(answer.headers.get("x-ratelimit-limit")).toBe("2");
    expect(answer.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(answer.headers.get("x-ratelimit-reset")).toBe(String(Math.ceil(freeAtMs / 1000)));
    expect(new Date(answer.headers.get("retry-after")!).getTime()).toBe(freeAtMs);
    expect(await answer.json()).toEqual({
      reason: expect.any(String),
      rateLimit: {
        intervalLimit: 2,
        intervalRemaining: 0,
        intervalResetSeconds: 1,
        waitMs: freeAtMs - now,
      },
    });
  }

  it("aligned: the end of the clock's second", async () => {
    const answers = await over(
      "aligned",
      [1_700_000_000_300, 1_700_000_000_500, 1_700_000_000_700],
    );
    expect(answers.map((a) => a.headers.get("x-ratelimit-remaining"))).toEqual(["1", "0", "0"]);
    expect(answers[0]!.headers.get("x-ratelimit-reset")).toBeNull();
    await expectNamesTheEnd(answers[2]!, 1_700_000_000_700, 1_700_000_001_000);
  });

  it("first-request: a full interval after the window's first request", async () => {
    const answers = await over(
      "first-request",
      [1_700_000_000_300, 1_700_000_000_500, 1_700_000_001_100],
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    await expectNamesTheEnd(answers[2]!, 1_700_000_001_100, 1_700_000_001_300);
  });

  it("sliding: when the oldest counted request leaves the interval", async () => {
    const answers = await over(
      "sliding",
      [
        1_700_000_000_300, 1_700_000_000_800, 1_700_000_001_200, 1_700_000_001_300,
        1_700_000_001_310,
      ],
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 200, 429]);
    expect(answers[1]!.headers.get("x-ratelimit-remaining")).toBe("0");
    await expectNamesTheEnd(answers[2]!, 1_700_000_001_200, 1_700_000_001_300);
    await expectNamesTheEnd(answers[4]!, 1_700_000_001_310, 1_700_000_001_800);
  });
});

describe("the rate limit over HTTP", () => {
  const sim = createCommonRoomSimulator({
    tokens: ["token-a", "token-b"],
    rateLimit: { limit: 3, intervalMs: 1000 },
  });
  let server: RunningServer;
  beforeAll(async () => {
    server = await startCommonRoomServer(sim);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("is shared by every caller of a token, apart per token, and its 429 names the window's end", async () => {
    // Start just after a whole second, so the three requests and the 429 share one window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    const base = server.url;
    // Two "processes" (independent fetches) spend token-a's budget together.
    const first = await call("GET", "/segments", { base, token: "token-a" });
    const second = await call("GET", "/segments", { base, token: "token-a" });
    const other = await call("GET", "/segments", { base, token: "token-b" });
    expect([first, second, other].map((r) => r.headers.get("x-ratelimit-remaining"))).toEqual([
      "2",
      "1",
      "2",
    ]);
    expect(first.headers.get("x-ratelimit-limit")).toBe("3");
    expect(first.headers.get("x-ratelimit-reset")).toBeNull();
    await call("GET", "/segments", { base, token: "token-a" });
    const sentAt = Date.now();
    const over = await call("GET", "/segments", { base, token: "token-a" });
    expect(over.status).toBe(429);
    const body = over.json as { rateLimit: Record<string, number> };
    const windowEnd = Math.ceil(sentAt / 1000) * 1000;
    expect(body.rateLimit).toMatchObject({
      intervalLimit: 3,
      intervalRemaining: 0,
      intervalResetSeconds: 1,
    });
    expect(sentAt + body.rateLimit.waitMs!).toBeGreaterThanOrEqual(windowEnd - 5);
    expect(sentAt + body.rateLimit.waitMs!).toBeLessThanOrEqual(windowEnd + 50);
    expect(Number(over.headers.get("x-ratelimit-reset")) * 1000).toBe(windowEnd);
    expect(new Date(over.headers.get("retry-after")!).getTime()).toBe(windowEnd);
    expect(over.headers.get("x-ratelimit-remaining")).toBe("0");
    // token-b still has its own budget.
    expect((await call("GET", "/segments", { base, token: "token-b" })).status).toBe(200);
    sim.assertNoViolations();
  });
});
