import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { CommonRoomClient, type CommonRoomClientOptions } from "../../src/commonroom/client.js";

export const API = "https://api.commonroom.test/community/v1";
/** The v2 base the client derives from API. */
export const API_V2 = "https://api.commonroom.test/community/v2";
export const TOKEN = "crt_TOKEN_s3cr3t_9f8e7d6c5b4a";

/** An msw server for one test file; handlers are added per test with server.use(). */
export function useServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  bodyText: string;
}

/** Remembers every request a handler saw. */
export function recorder() {
  const seen: Recorded[] = [];
  return {
    seen,
    async record(request: Request): Promise<Recorded> {
      const entry = {
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        bodyText: await request.clone().text(),
      };
      seen.push(entry);
      return entry;
    },
  };
}

/** A fake clock whose sleep advances time instead of waiting. */
export function fakeTime(start = 1_700_000_000_000) {
  const time = { now: start, sleeps: [] as number[] };
  return {
    time,
    now: () => time.now,
    sleep: async (ms: number) => {
      time.sleeps.push(ms);
      time.now += ms;
    },
  };
}

export interface Events {
  all: Array<{ type: string; [k: string]: unknown }>;
}

export function makeClient(overrides: Partial<CommonRoomClientOptions> = {}) {
  const clock = fakeTime();
  const events: Events = { all: [] };
  const client = new CommonRoomClient({
    apiUrl: API,
    apiToken: TOKEN,
    timeoutMs: 2000,
    retry: { now: clock.now, sleep: clock.sleep, random: () => 0.5 },
    observer: {
      onResponse: (e) => events.all.push({ type: "response", ...e }),
      onRateLimitWait: (e) => events.all.push({ type: "wait", ...e }),
      onRetry: (e) => events.all.push({ type: "retry", ...e }),
    },
    ...overrides,
  });
  return { client, clock, events };
}

/** Awaits a promise that must reject, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
