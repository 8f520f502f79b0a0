import { http, HttpResponse } from "msw";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { CommonRoomClient } from "../../src/commonroom/client.js";
import { CommonRoomError } from "../../src/commonroom/errors.js";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  MAX_RATE_LIMIT_WAITS,
  resolveRetryPolicy,
} from "../../src/commonroom/retry.js";
import { sleep } from "../../src/sleep.js";
import { captureLines } from "../support/log-lines.js";
import { API, TOKEN, fakeTime, makeClient, rejectionOf, useServer } from "./support.js";

const server = useServer();

/** Serves the given responses in order on GET /segments (the last one repeats). */
function sequence(...replies: Array<() => Response>) {
  const state = { calls: 0 };
  server.use(
    http.get(`${API}/segments`, () => {
      const reply = replies[Math.min(state.calls, replies.length - 1)]!;
      state.calls += 1;
      return reply();
    }),
  );
  return state;
}

const ok = () => HttpResponse.json([{ id: 1, name: "S" }]);
const limited =
  (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json(body, { status: 429, headers });
const rateBody = (waitMs: number) => ({
  reason: "rate-limited",
  rateLimit: { intervalLimit: 10, intervalRemaining: 0, intervalResetSeconds: 60, waitMs },
});

// makeClient's random is 0.5: every 429 wait gets floor(0.5 * 100) = 50 ms of jitter.
const JITTER = 50;

describe("429: waiting what Common Room asks", () => {
  it("uses the body's rateLimit.waitMs first", async () => {
    const { client, clock, events } = makeClient();
    const now = clock.now();
    const state = sequence(
      limited(rateBody(300), {
        "X-RateLimit-Reset": String(Math.floor(now / 1000) + 60),
        "Retry-After": new Date(now + 90_000).toISOString(),
      }),
      ok,
    );
    await expect(client.getSegments()).resolves.toEqual([{ id: 1, name: "S" }]);
    expect(state.calls).toBe(2);
    expect(clock.time.sleeps).toEqual([300 + JITTER]);
    expect(events.all.filter((e) => e.type === "wait")).toEqual([
      {
        type: "wait",
        operation: "getSegments",
        waitMs: 300 + JITTER,
        reason: expect.stringContaining("429"),
      },
    ]);
  });

  it("then X-RateLimit-Reset (epoch seconds)", async () => {
    const { client, clock } = makeClient();
    const now = clock.now(); // a whole second
    sequence(
      limited(
        { reason: "rate-limited" },
        {
          "X-RateLimit-Reset": String(now / 1000 + 2),
          "Retry-After": new Date(now + 90_000).toISOString(),
        },
      ),
      ok,
    );
    await client.getSegments();
    expect(clock.time.sleeps).toEqual([2000 + JITTER]);
  });

  it("then Retry-After as a date-time, an HTTP-date or seconds", async () => {
    const cases: Array<[string, (now: number) => string, number]> = [
      ["date-time", (now) => new Date(now + 1500).toISOString(), 1500],
      ["HTTP-date", (now) => new Date(now + 3000).toUTCString(), 3000],
      ["seconds", () => "2", 2000],
    ];
    for (const [, header, expected] of cases) {
      const { client, clock } = makeClient();
      sequence(limited({}, { "Retry-After": header(clock.now()) }), ok);
      await client.getSegments();
      expect(clock.time.sleeps).toEqual([expected + JITTER]);
    }
  });

  it("else waits 1000 ms", async () => {
    const { client, clock } = makeClient();
    sequence(() => new HttpResponse(null, { status: 429 }), ok);
    await client.getSegments();
    expect(clock.time.sleeps).toEqual([1000 + JITTER]);
  });

  it("throws rate_limited at once, without sleeping, when the wait ends past the deadline", async () => {
    const { client, clock, events } = makeClient();
    const state = sequence(limited(rateBody(5000)), ok);
    const error = (await rejectionOf(
      client.getSegments({ deadline: clock.now() + 1000 }),
    )) as CommonRoomError;
    expect(error).toBeInstanceOf(CommonRoomError);
    expect(error).toMatchObject({
      kind: "rate_limited",
      waitMs: 5000,
      httpStatus: 429,
      retryable: true,
      operation: "getSegments",
    });
    expect(error.message).toBe(
      "Common Room answered 429 to getSegments: rate limited for another 5000 ms, past this call's time budget",
    );
    expect(state.calls).toBe(1);
    expect(clock.time.sleeps).toEqual([]);
    expect(events.all.filter((e) => e.type === "wait")).toEqual([]);
  });

  it("without a deadline, the default budget bounds the wait", async () => {
    const clock = fakeTime();
    const { client } = makeClient({
      retry: { now: clock.now, sleep: clock.sleep, random: () => 0.5, defaultBudgetMs: 10_000 },
    });
    const state = sequence(limited(rateBody(9000)), limited(rateBody(20_000)), ok);
    const error = (await rejectionOf(client.getSegments())) as CommonRoomError;
    expect(error.kind).toBe("rate_limited");
    expect(error.waitMs).toBe(20_000);
    // The first wait fits in the 10 s budget; the second would not.
    expect(clock.time.sleeps).toEqual([9000 + JITTER]);
    expect(state.calls).toBe(2);
  });

  it("waits do not use up the 5xx attempts", async () => {
    const { client, clock } = makeClient();
    const state = sequence(
      limited(rateBody(10)),
      () => new HttpResponse(null, { status: 503 }),
      limited(rateBody(10)),
      () => new HttpResponse(null, { status: 503 }),
      ok,
    );
    await expect(client.getSegments()).resolves.toHaveLength(1);
    expect(state.calls).toBe(5);
    expect(clock.time.sleeps).toEqual([10 + JITTER, 125, 10 + JITTER, 250]);
  });

  it("gives up after a bounded number of waits", async () => {
    const { client } = makeClient();
    const state = sequence(limited(rateBody(10)));
    const error = (await rejectionOf(client.getSegments())) as CommonRoomError;
    expect(error.kind).toBe("rate_limited");
    expect(error.message).toContain(`after ${MAX_RATE_LIMIT_WAITS} waits`);
    expect(state.calls).toBe(MAX_RATE_LIMIT_WAITS + 1);
  });
});

describe("5xx and network: capped full-jitter backoff", () => {
  it("backoffDelayMs doubles from baseDelayMs up to maxDelayMs, scaled by random", () => {
    const policy = resolveRetryPolicy({ random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(policy, n))).toEqual([
      249, 499, 999, 1999, 3999, 3999, 3999,
    ]);
    expect(backoffDelayMs(resolveRetryPolicy({ random: () => 0 }), 3)).toBe(0);
    expect(DEFAULT_RETRY_POLICY).toMatchObject({
      maxAttempts: 3,
      baseDelayMs: 250,
      maxDelayMs: 4000,
      defaultBudgetMs: 30_000,
    });
  });

  it("retries up to maxAttempts with capped delays", async () => {
    const clock = fakeTime();
    const { client } = makeClient({
      retry: { now: clock.now, sleep: clock.sleep, random: () => 0.999999, maxAttempts: 7 },
    });
    const state = sequence(() => new HttpResponse(null, { status: 500 }));
    const error = (await rejectionOf(client.getSegments())) as CommonRoomError;
    expect(error.kind).toBe("upstream");
    expect(state.calls).toBe(7);
    expect(clock.time.sleeps).toEqual([249, 499, 999, 1999, 3999, 3999]);
  });

  it("never sleeps past the deadline", async () => {
    const clock = fakeTime();
    const { client } = makeClient({
      retry: { now: clock.now, sleep: clock.sleep, random: () => 0.999999, maxAttempts: 10 },
    });
    const state = sequence(() => HttpResponse.error());
    const error = (await rejectionOf(
      client.getSegments({ deadline: clock.now() + 600 }),
    )) as CommonRoomError;
    expect(error.kind).toBe("network");
    // 249 fits in 600 ms; 249 + 499 does not.
    expect(clock.time.sleeps).toEqual([249]);
    expect(state.calls).toBe(2);
  });

  it("4xx other than 429 are never retried", async () => {
    const { client, clock } = makeClient();
    const state = sequence(() => HttpResponse.json({ reason: "bad" }, { status: 400 }), ok);
    await expect(client.getSegments()).rejects.toMatchObject({ kind: "bad_request" });
    expect(state.calls).toBe(1);
    expect(clock.time.sleeps).toEqual([]);
  });
});

describe("cancellation and the default sleep", () => {
  it("an aborted signal stops the call before it is sent", async () => {
    const { client } = makeClient();
    const state = sequence(ok);
    const controller = new AbortController();
    controller.abort();
    const error = (await rejectionOf(
      client.getSegments({ signal: controller.signal }),
    )) as CommonRoomError;
    expect(error.kind).toBe("network");
    expect(error.message).toBe("Common Room did not answer getSegments: the call was cancelled");
    expect(state.calls).toBe(0);
  });

  it("an abort during a wait ends the wait", async () => {
    const controller = new AbortController();
    const { client } = makeClient({
      retry: {
        sleep: (ms, signal) => {
          setTimeout(() => controller.abort(), 5);
          return sleep(ms, signal);
        },
      },
    });
    sequence(limited(rateBody(20_000)), ok);
    const started = Date.now();
    const error = (await rejectionOf(
      client.getSegments({ signal: controller.signal }),
    )) as CommonRoomError;
    expect(error.kind).toBe("network");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("sleep waits with real timers", async () => {
    const started = Date.now();
    await sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});

describe("logging", () => {
  it("never writes the token or headers", async () => {
    const { lines, destination } = captureLines();
    const logger = pino({ level: "debug" }, destination);
    const clock = fakeTime();
    const client = new CommonRoomClient({
      apiUrl: API,
      apiToken: TOKEN,
      timeoutMs: 1000,
      logger,
      retry: { now: clock.now, sleep: clock.sleep },
    });
    sequence(
      limited(rateBody(10)),
      () => new HttpResponse(null, { status: 500 }),
      () => HttpResponse.error(),
      ok,
    );
    await client.getSegments();
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const all = lines.join("\n");
    expect(all).not.toContain(TOKEN);
    expect(all.toLowerCase()).not.toContain("authorization");
    expect(all).toContain('"operation":"getSegments"');
  });
});
