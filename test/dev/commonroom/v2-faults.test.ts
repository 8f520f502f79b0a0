import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator, deriveV2BaseUrl } from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const sim = createCommonRoomSimulator({ rateLimit: { limit: 4, intervalMs: 60_000 } });
const server = setupServer(...sim.handlers);
const V2 = "https://api.commonroom.io/community/v2";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("v2 faults", () => {
  it.each([
    [400, { success: false, error: { code: "invalid_parameters", message: "Invalid parameters" } }],
    [401, { reason: "Token not valid" }],
    [403, { status: "failure", reason: "Forbidden" }],
    [404, { success: false, error: { code: "contact_not_found", message: "Not found" } }],
    [
      409,
      {
        success: false,
        error: { code: "conflict", message: "A segment with this name already exists" },
      },
    ],
    [
      500,
      {
        success: false,
        error: { code: "internal_server_error", message: "Internal server error" },
      },
    ],
  ] as const)("status %i on a v2 request has a v2-shaped body", async (status, body) => {
    sim.inject({ status });
    const res = await call("GET", "/contacts/c_1", { base: V2 });
    expect(res.status).toBe(status);
    expect(res.json).toEqual(body);
    expect(sim.requests[0]).toMatchObject({ api: "v2", status });
  });

  it("404 names the resource of the path", async () => {
    sim.inject({ status: 404, times: 2 });
    const activities = await call("GET", "/activities", { base: V2 });
    expect(activities.json).toMatchObject({ error: { code: "activity_not_found" } });
    const segments = await call("POST", "/segments", { base: V2, body: { name: "x" } });
    expect(segments.json).toMatchObject({ error: { code: "segment_not_found" } });
  });

  it("v1 requests keep the v1 bodies", async () => {
    sim.inject({ status: 500 });
    expect((await call("GET", "/tags")).json).toEqual({ reason: "Internal Server Error" });
  });

  it("match.api picks one API; match.path is relative to each API's base", async () => {
    sim.inject({ match: { path: "/segments", api: "v2" }, status: 503, times: Infinity });
    expect((await call("GET", "/segments")).status).toBe(200);
    const v2 = await call("POST", "/segments", { base: V2, body: { name: "x" } });
    expect(v2.status).toBe(503);
    expect(v2.json).toMatchObject({ success: false, error: { code: "internal_server_error" } });
    sim.clearFaults();
    sim.inject({ match: { path: /^\/contacts/ }, status: 500 });
    expect((await call("GET", "/contacts?limit=1", { base: V2 })).status).toBe(500);
  });

  it("a custom body, a 429 and malformed JSON work on v2 too", async () => {
    sim.inject({ status: 400, body: { success: false, error: { code: "x", message: "y" } } });
    sim.inject({ status: 429, waitMs: 1500 });
    sim.inject({ malformedJson: true });
    expect((await call("GET", "/contacts", { base: V2 })).json).toEqual({
      success: false,
      error: { code: "x", message: "y" },
    });
    const limited = await call("GET", "/contacts", { base: V2 });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({
      reason: "Rate limit exceeded",
      rateLimit: { waitMs: 1500 },
    });
    const broken = await call("GET", "/contacts", { base: V2 });
    expect(broken.status).toBe(200);
    expect(broken.json).toBeUndefined();
    expect(broken.text.startsWith('{"success": true')).toBe(true);
  });
});

describe("one simulator for v1 and v2", () => {
  it("the rate limit counts v1 and v2 requests together", async () => {
    expect((await call("GET", "/tags")).status).toBe(200);
    expect((await call("GET", "/contacts", { base: V2 })).status).toBe(200);
    expect((await call("GET", "/segments")).status).toBe(200);
    const fourth = await call("GET", "/activities", { base: V2 });
    expect(fourth.status).toBe(200);
    expect(fourth.headers.get("x-ratelimit-remaining")).toBe("0");
    const v2 = await call("GET", "/contacts", { base: V2 });
    expect(v2.status).toBe(429);
    expect(v2.json).toMatchObject({
      reason: "Rate limit exceeded",
      rateLimit: { intervalLimit: 4, intervalRemaining: 0 },
    });
    expect(v2.headers.get("retry-after")).not.toBeNull();
    expect((await call("GET", "/tags")).status).toBe(429);
  });

  it("v2 needs the same bearer token; a bad one is a 401, a missing one a violation too", async () => {
    expect((await call("GET", "/contacts", { base: V2, token: "nope" })).status).toBe(401);
    expect(sim.violations).toEqual([]);
    const missing = await call("GET", "/contacts", { base: V2, token: null });
    expect(missing.status).toBe(401);
    expect(sim.violations).toEqual([
      'GET /contacts (v2): Authorization header is missing (expected "Bearer <token>")',
    ]);
  });

  it("an unknown v2 path is a 404 and a violation", async () => {
    // The spec has /topics; the simulator serves only what the worker uses.
    const res = await call("GET", "/topics", { base: V2 });
    expect(res.status).toBe(404);
    expect(sim.violations[0]).toMatch(/^GET \/topics \(v2\): no such endpoint/);
    expect(sim.requests[0]).toMatchObject({ api: "v2", path: "/topics" });
  });

  it("reset brings back the seed and drops created segments", async () => {
    await call("POST", "/segments", { base: V2, body: { name: "Gone soon" } });
    sim.state.contacts.delete("c_1");
    sim.reset();
    expect(sim.state.createdSegments).toEqual([]);
    expect(sim.state.contacts.size).toBe(230);
    expect(sim.state.contactActivities.size).toBe(520);
    expect((await call("GET", "/segments")).json).toHaveLength(3);
  });
});

describe("v1 DELETE /user/{email} (anonymize)", () => {
  it("decodes the email, records it, answers 200", async () => {
    const email = "grace+cr@example.com";
    const res = await call("DELETE", `/user/${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "success" });
    expect(sim.state.anonymizations).toEqual([email]);
    expect(sim.requests[0]).toMatchObject({ api: "v1", path: "/user/grace%2Bcr%40example.com" });
    expect(sim.violations).toEqual([]);
  });

  it("a path that is not an email is a violation and a 400, and is not recorded", async () => {
    const res = await call("DELETE", "/user/not-an-email");
    expect(res.status).toBe(400);
    expect(sim.violations).toEqual([
      'DELETE /user/not-an-email: path.email must be an email address (got "not-an-email")',
    ]);
    expect(sim.state.anonymizations).toEqual([]);
  });
});

describe("v2 base options", () => {
  it("deriveV2BaseUrl swaps a trailing /v1, else appends /v2", () => {
    expect(deriveV2BaseUrl("http://h/community/v1/")).toBe("http://h/community/v2");
    expect(deriveV2BaseUrl("http://h/api")).toBe("http://h/api/v2");
  });

  it("v2BaseUrl can be set on its own", async () => {
    const own = createCommonRoomSimulator({ v2BaseUrl: "https://other.example/cr/v2/" });
    expect(own.v2BaseUrl).toBe("https://other.example/cr/v2");
    const res = await own.handle(
      new Request("https://other.example/cr/v2/contacts/c_2", {
        headers: { Authorization: "Bearer test-token" },
      }),
    );
    expect(res.status).toBe(200);
    expect(own.requests[0]).toMatchObject({ api: "v2", path: "/contacts/c_2" });
  });

  it("a v2 base nested in the v1 base is told apart", async () => {
    const nested = createCommonRoomSimulator({ baseUrl: "https://h.example/api" });
    expect(nested.v2BaseUrl).toBe("https://h.example/api/v2");
    const headers = { Authorization: "Bearer test-token" };
    const v2 = await nested.handle(
      new Request("https://h.example/api/v2/contacts/c_3", { headers }),
    );
    const v1 = await nested.handle(new Request("https://h.example/api/tags", { headers }));
    expect([v2.status, v1.status]).toEqual([200, 200]);
    expect(nested.requests.map((r) => `${r.api} ${r.path}`)).toEqual([
      "v2 /contacts/c_3",
      "v1 /tags",
    ]);
  });
});
