import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createCommonRoomSimulator,
  startCommonRoomServer,
  type RunningServer,
} from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const sim = createCommonRoomSimulator({ responseBodies: { tagDeleted: "empty" } });
let server: RunningServer;

beforeAll(async () => {
  server = await startCommonRoomServer(sim);
});
beforeEach(() => sim.reset());
afterAll(async () => {
  await server?.close();
});

describe("the loopback http server serves the same simulator", () => {
  it("has a base URL on 127.0.0.1 ending in /community/v1", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/community\/v1$/);
  });

  it("answers operations statefully, with the rate-limit headers", async () => {
    const base = server.url;
    const status = await call("GET", "/api-token-status", { base });
    expect(status.status).toBe(200);
    expect(status.json).toEqual({
      jti: "tcpgph92",
      communityName: "Uncommon",
      communityId: "8p980hdo0",
    });
    expect(status.headers.get("x-ratelimit-limit")).not.toBeNull();
    const created = await call("POST", "/tags", {
      base,
      body: { name: "Loopback", entityTypes: ["member"] },
    });
    const id = (created.json as { id: string }).id;
    expect((await call("GET", `/tags/${id}`, { base })).json).toEqual(created.json);
    const deleted = await call("DELETE", `/tags/${id}`, { base });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe("");
    expect((await call("DELETE", `/tags/${id}`, { base })).status).toBe(404);
    const accepted = await call("POST", "/source/1001/user", {
      base,
      body: { id: "u1", email: "u1@example.com" },
    });
    expect(accepted.status).toBe(202);
    expect(sim.state.users.has("1001:u1")).toBe(true);
    expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /api-token-status 200",
      "POST /tags 200",
      `GET /tags/${id} 200`,
      `DELETE /tags/${id} 200`,
      `DELETE /tags/${id} 404`,
      "POST /source/1001/user 202",
    ]);
    sim.assertNoViolations();
  });

  it("catches violations and serves query strings", async () => {
    const base = server.url;
    expect(
      (await call("GET", "/members/customFields?destinationSourceId=1001", { base })).status,
    ).toBe(200);
    expect(sim.requests[0]?.query).toEqual({ destinationSourceId: "1001" });
    const bad = await call("POST", "/tags", {
      base,
      body: { name: "x", entityTypes: ["contact"] },
    });
    expect(bad.status).toBe(400);
    expect(sim.violations).toEqual([
      'POST /tags: body.entityTypes[0] must be one of member, activity, company (got "contact")',
    ]);
    expect((await call("GET", "/tags", { base, token: null })).status).toBe(401);
    const outside = await fetch(server.url.replace("/community/v1", "/other"), {
      headers: { Authorization: "Bearer test-token" },
    });
    expect(outside.status).toBe(404);
  });

  it("passes faults through: 429 headers, malformed JSON, and a dropped socket", async () => {
    const base = server.url;
    sim.inject({ status: 429, waitMs: 500 });
    const limited = await call("GET", "/tags", { base });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/Z$/);
    expect(limited.headers.get("x-ratelimit-reset")).toMatch(/^\d+$/);
    expect((limited.json as { rateLimit: { waitMs: number } }).rateLimit.waitMs).toBe(500);

    sim.inject({ malformedJson: true });
    const broken = await call("GET", "/tags", { base });
    expect(broken.status).toBe(200);
    expect(broken.json).toBeUndefined();

    sim.inject({ networkError: true });
    await expect(call("GET", "/tags", { base })).rejects.toThrow();
    expect((await call("GET", "/tags", { base })).status).toBe(200);
    sim.assertNoViolations();
  });
});
