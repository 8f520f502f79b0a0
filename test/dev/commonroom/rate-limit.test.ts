import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedWindowLimiter, PerTokenLimiter } from "../../../dev/commonroom/rate-limit.js";
import {
  createCommonRoomSimulator,
  startCommonRoomServer,
  type RunningServer,
} from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

describe("the simulator's fixed window", () => {
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

  it("counts each token on its own", () => {
    const now = 5_000;
    const limiter = new PerTokenLimiter({ limit: 1, intervalMs: 1000 }, () => now);
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b").allowed).toBe(true);
    expect(limiter.take(undefined).allowed).toBe(true);
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
