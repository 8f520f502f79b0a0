import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator, DOCS_URL } from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => {
  server.resetHandlers();
  sim.assertNoViolations();
});
afterAll(() => server.close());

describe("injected faults", () => {
  it.each([
    [400, { reason: "invalid-request-body", docs: DOCS_URL }],
    [401, { reason: "Token not valid" }],
    [403, { status: "forbidden" }],
    [404, { reason: "Not Found" }],
    [409, { reason: "Conflict" }],
    [500, { reason: "Internal Server Error" }],
    [503, { reason: "Service Unavailable" }],
  ] as const)(
    "status %i answers once with a realistic body, then the normal answer",
    async (status, body) => {
      sim.inject({ status });
      const faulted = await call("GET", "/tags");
      expect(faulted.status).toBe(status);
      expect(faulted.json).toEqual(body);
      expect(faulted.headers.get("x-ratelimit-remaining")).not.toBeNull();
      expect((await call("GET", "/tags")).status).toBe(200);
      expect(sim.requests.map((r) => r.status)).toEqual([status, 200]);
    },
  );

  it("502 is a gateway's HTML page, not JSON", async () => {
    sim.inject({ status: 502 });
    const res = await call("GET", "/segments");
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(res.text).toContain("502 Bad Gateway");
  });

  it("takes a custom body, JSON or text", async () => {
    sim.inject({ status: 400, body: { reason: "name is too long", docs: "x" } });
    sim.inject({ status: 500, body: "upstream exploded" });
    expect((await call("GET", "/tags")).json).toEqual({ reason: "name is too long", docs: "x" });
    const text = await call("GET", "/tags");
    expect(text.text).toBe("upstream exploded");
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("matches by method and path (string or RegExp), in queue order, times n or Infinity", async () => {
    sim.inject({ match: { method: "post", path: "/tags" }, status: 500, times: 2 });
    sim.inject({ match: { path: /^\/tags\/[^/]+$/ }, status: 503, times: Infinity });
    expect((await call("GET", "/tags")).status).toBe(200);
    const body = { name: "x", entityTypes: ["member"] };
    expect((await call("POST", "/tags", { body })).status).toBe(500);
    expect((await call("POST", "/tags", { body })).status).toBe(500);
    expect((await call("POST", "/tags", { body })).status).toBe(200);
    for (let i = 0; i < 5; i += 1) expect((await call("GET", "/tags/tag_1")).status).toBe(503);
    sim.clearFaults();
    expect((await call("GET", "/tags/tag_1")).status).toBe(200);
  });

  it("reset clears queued faults", async () => {
    sim.inject({ status: 500, times: Infinity });
    sim.reset();
    expect((await call("GET", "/tags")).status).toBe(200);
  });

  it("a faulted request is still checked for violations", async () => {
    sim.inject({ status: 500 });
    const res = await call("POST", "/tags", { body: { name: "x", entityTypes: ["people"] } });
    expect(res.status).toBe(500);
    expect(sim.violations).toHaveLength(1);
    sim.reset();
  });

  it("429 has the real shape by default", async () => {
    const before = Date.now();
    sim.inject({ status: 429 });
    const res = await call("GET", "/tags");
    expect(res.status).toBe(429);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(res.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil((Date.now() + 1000) / 1000));
    expect(new Date(res.headers.get("retry-after") ?? "").getTime()).toBe(reset * 1000);
    expect(res.headers.get("retry-after")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(res.json).toMatchObject({
      reason: expect.any(String),
      rateLimit: {
        intervalLimit: expect.any(Number),
        intervalRemaining: 0,
        intervalResetSeconds: expect.any(Number),
        waitMs: 1000,
      },
    });
  });

  it("429 takes waitMs, resetAt and retryAfter, and can omit each part", async () => {
    sim.inject({
      status: 429,
      waitMs: 250,
      resetAt: 1_900_000_000,
      retryAfter: "2030-03-17T17:46:40Z",
    });
    const custom = await call("GET", "/tags");
    expect(custom.headers.get("x-ratelimit-reset")).toBe("1900000000");
    expect(custom.headers.get("retry-after")).toBe("2030-03-17T17:46:40Z");
    expect((custom.json as { rateLimit: { waitMs: number } }).rateLimit.waitMs).toBe(250);

    sim.inject({ status: 429, omit: ["body", "reset", "retryAfter"] });
    const bare = await call("GET", "/tags");
    expect(bare.status).toBe(429);
    expect(bare.text).toBe("");
    expect(bare.headers.get("x-ratelimit-reset")).toBeNull();
    expect(bare.headers.get("retry-after")).toBeNull();
    expect(bare.headers.get("x-ratelimit-remaining")).toBe("0");

    sim.inject({ status: 429, omit: ["body"] });
    const headersOnly = await call("GET", "/tags");
    expect(headersOnly.text).toBe("");
    expect(headersOnly.headers.get("x-ratelimit-reset")).not.toBeNull();
  });

  it("delayMs slows the answer, then answers normally", async () => {
    sim.inject({ delayMs: 150 });
    const started = Date.now();
    const res = await call("GET", "/tags");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
    expect(res.json).toHaveProperty("labels");
  });

  it("malformedJson answers 200 application/json with a broken body", async () => {
    sim.inject({ malformedJson: true });
    const res = await call("GET", "/tags");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it("networkError makes fetch reject, and is recorded with status 0", async () => {
    sim.inject({ networkError: true });
    await expect(call("GET", "/tags")).rejects.toThrow(TypeError);
    expect(sim.requests[0]?.status).toBe(0);
    expect((await call("GET", "/tags")).status).toBe(200);
  });

  it("latencyMs delays every response", async () => {
    const slow = createCommonRoomSimulator({ latencyMs: 80 });
    server.use(...slow.handlers);
    const started = Date.now();
    await call("GET", "/tags");
    await call("GET", "/segments");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});

describe("the fixed-window rate limiter", () => {
  it("counts down X-RateLimit-Remaining and answers a real 429 past the limit, until the window rolls", async () => {
    const limited = createCommonRoomSimulator({ rateLimit: { limit: 3, intervalMs: 400 } });
    server.use(...limited.handlers);
    // Windows are aligned to the clock: start just after one begins, so all four share it.
    await new Promise((resolve) => setTimeout(resolve, 400 - (Date.now() % 400) + 10));
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await call("GET", "/tags");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      remaining.push(res.headers.get("x-ratelimit-remaining") ?? "");
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limitedAt = Date.now();
    const over = await call("POST", "/tags", { body: { name: "x", entityTypes: ["member"] } });
    expect(over.status).toBe(429);
    const body = over.json as {
      reason: string;
      rateLimit: {
        intervalLimit: number;
        intervalRemaining: number;
        intervalResetSeconds: number;
        waitMs: number;
      };
    };
    expect(body.rateLimit).toMatchObject({
      intervalLimit: 3,
      intervalRemaining: 0,
      intervalResetSeconds: 0.4,
    });
    expect(body.rateLimit.waitMs).toBeGreaterThan(0);
    expect(body.rateLimit.waitMs).toBeLessThanOrEqual(400);
    const resetMs = new Date(over.headers.get("retry-after") ?? "").getTime();
    expect(resetMs).toBeGreaterThan(limitedAt - 400);
    expect(Number(over.headers.get("x-ratelimit-reset"))).toBe(Math.ceil(resetMs / 1000));
    expect(limited.state.tags.size).toBe(4); // the limited write did not happen
    await new Promise((resolve) => setTimeout(resolve, body.rateLimit.waitMs + 20));
    const after = await call("GET", "/tags");
    expect(after.status).toBe(200);
    expect(after.headers.get("x-ratelimit-remaining")).toBe("2");
    limited.assertNoViolations();
  });

  it("without a configured limit reports headers but never limits", async () => {
    for (let i = 0; i < 30; i += 1) expect((await call("GET", "/activityTypes")).status).toBe(200);
    const res = await call("GET", "/tags");
    expect(
      Number(res.headers.get("x-ratelimit-limit")) -
        Number(res.headers.get("x-ratelimit-remaining")),
    ).toBe(31);
  });
});
