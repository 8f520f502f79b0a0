/**
 * The rate-limit faults end-to-end tests of the pacing policy build on: a 429 naming a long
 * wait while the token's real limit is far away, held on one path or token until lifted, and
 * a 429 whose X-RateLimit-Reset is in epoch milliseconds with no waitMs.
 */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createCommonRoomSimulator } from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const TEN_MINUTES = 600_000;
const sim = createCommonRoomSimulator({
  tokens: ["token-a", "token-b"],
  rateLimit: { limit: 1000, intervalMs: 1000 },
});
const server = setupServer(...sim.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => {
  vi.useRealTimers();
  server.resetHandlers();
  sim.assertNoViolations();
});
afterAll(() => server.close());

const get = (path: string, token = "token-a") => call("GET", path, { token });

describe("a long 429 while the token's limit is not reached", () => {
  it("names ten minutes on one path, every time, until the test lifts it", async () => {
    const before = Date.now();
    const hold = sim.inject({
      match: { path: "/tags" },
      status: 429,
      waitMs: TEN_MINUTES,
      times: Infinity,
    });
    const first = await get("/tags");
    expect(first.status).toBe(429);
    expect((first.json as { rateLimit: { waitMs: number } }).rateLimit).toEqual({
      intervalLimit: 1000,
      intervalRemaining: 0,
      intervalResetSeconds: 1,
      waitMs: TEN_MINUTES,
    });
    const reset = Number(first.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThanOrEqual(Math.floor((before + TEN_MINUTES) / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil((Date.now() + TEN_MINUTES) / 1000));
    expect(new Date(first.headers.get("retry-after")!).getTime()).toBe(reset * 1000);
    // Other paths of the same token, and the real limit, are untouched.
    const other = await get("/segments");
    expect(other.status).toBe(200);
    expect(Number(other.headers.get("x-ratelimit-remaining"))).toBe(998);
    expect((await get("/tags")).status).toBe(429);
    expect(hold).toMatchObject({ hits: 2, active: true });

    hold.lift();
    expect(hold.active).toBe(false);
    expect((await get("/tags")).status).toBe(200);
    expect(hold.hits).toBe(2);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 200, 429, 200]);
  });

  it("holds one token only, and once (times 1) when it is a one-off", async () => {
    const hold = sim.inject({ match: { token: "token-a" }, status: 429, waitMs: TEN_MINUTES });
    expect((await get("/segments", "token-b")).status).toBe(200);
    expect((await get("/segments", "token-a")).status).toBe(429);
    expect((await get("/segments", "token-a")).status).toBe(200);
    expect(hold).toMatchObject({ hits: 1, active: false });
  });

  it("lifts by itself forMs after it was injected", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_700_000_000_000 });
    const hold = sim.inject({ status: 429, waitMs: TEN_MINUTES, times: Infinity, forMs: 5000 });
    vi.setSystemTime(1_700_000_004_999);
    expect((await get("/segments")).status).toBe(429);
    vi.setSystemTime(1_700_000_005_000);
    expect(hold.active).toBe(false);
    expect((await get("/segments")).status).toBe(200);
    expect(() => sim.inject({ status: 429, forMs: 0 })).toThrow(/fault\.forMs must be > 0/);
  });

  it("can let the first matching requests through, to land mid-walk", async () => {
    const hold = sim.inject({
      match: { path: "/contacts", api: "v2" },
      status: 429,
      waitMs: TEN_MINUTES,
      skip: 3,
    });
    const v2 = "https://api.commonroom.io/community/v2";
    const page = () => call("GET", "/contacts?limit=25", { token: "token-a", base: v2 });
    expect((await get("/segments")).status).toBe(200); // not matching: not counted
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await page()).status);
    expect(statuses).toEqual([200, 200, 200, 429, 200]);
    expect(hold.hits).toBe(1);
    expect(() => sim.inject({ status: 429, skip: -1 })).toThrow(/fault\.skip must be/);
  });

  it("clearFaults lifts every hold at once", async () => {
    const one = sim.inject({ match: { path: "/tags" }, status: 429, times: Infinity });
    const two = sim.inject({ match: { path: "/segments" }, status: 429, times: Infinity });
    sim.clearFaults();
    expect([one.active, two.active]).toEqual([false, false]);
    expect((await get("/tags")).status).toBe(200);
  });
});

describe("a 429 with X-RateLimit-Reset in epoch milliseconds", () => {
  it("sends the reset in ms, no waitMs in the body, and Retry-After at the same moment", async () => {
    const before = Date.now();
    sim.inject({
      status: 429,
      waitMs: 5000,
      resetUnit: "milliseconds",
      omit: ["waitMs"],
    });
    const answer = await get("/segments");
    expect(answer.status).toBe(429);
    const reset = Number(answer.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThanOrEqual(before + 5000);
    expect(reset).toBeLessThanOrEqual(Date.now() + 5000);
    expect(new Date(answer.headers.get("retry-after")!).getTime()).toBe(reset);
    expect(answer.json).toEqual({
      reason: expect.any(String),
      rateLimit: { intervalLimit: 1000, intervalRemaining: 0, intervalResetSeconds: 1 },
    });
  });

  it("takes an explicit reset in ms, and can leave Retry-After out so the reset is all there is", async () => {
    sim.inject({
      status: 429,
      resetAt: 1_900_000_000_000,
      resetUnit: "milliseconds",
      omit: ["waitMs", "retryAfter"],
    });
    const answer = await get("/segments");
    expect(answer.headers.get("x-ratelimit-reset")).toBe("1900000000000");
    expect(answer.headers.get("retry-after")).toBeNull();
    expect((answer.json as { rateLimit: Record<string, unknown> }).rateLimit).not.toHaveProperty(
      "waitMs",
    );
  });
});
