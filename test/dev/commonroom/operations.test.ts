import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createCommonRoomSimulator,
  DEFAULT_ACTIVITY_TYPES,
  DEFAULT_SEGMENTS,
} from "../../../dev/commonroom/index.js";
import { BASE, call } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => {
  server.resetHandlers();
  sim.assertNoViolations();
});
afterAll(() => server.close());

const user = {
  id: "u-42",
  fullName: "Ada Lovelace",
  email: "ada@example.com",
  github: { type: "handle", value: "ada" },
  discord: { username: "ada", discriminator: 1234 },
  externalProfiles: [{ url: "https://ada.dev", name: "Blog" }],
  companyName: null,
  tags: [
    { type: "id", id: "tag_1" },
    { type: "name", name: "Newsletter" },
  ],
  customFields: [
    { id: 101, value: { type: "enum", value: "TypeScript" } },
    { id: 102, value: { type: "enum", value: ["AI", "Data"] } },
    { id: 104, value: { type: "date", value: "2024-05-01" } },
    { id: 105, value: { type: "int", value: 12 } },
    { id: 107, value: { type: "url", value: "https://example.com" } },
    { id: 108, value: { type: "boolean", value: true } },
  ],
};

describe("the twelve v1 operations answer like the spec", () => {
  it("GET /api-token-status returns the token's community", async () => {
    const res = await call("GET", "/api-token-status");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      jti: "tcpgph92",
      communityName: "Uncommon",
      communityId: "8p980hdo0",
    });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Number(res.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
    expect(res.headers.get("x-ratelimit-remaining")).not.toBeNull();
    expect(sim.requests[0]).toMatchObject({
      method: "GET",
      path: "/api-token-status",
      authorized: true,
      status: 200,
    });
  });

  it("POST /source/{id}/user answers 202 and upserts by source and id", async () => {
    const first = await call("POST", "/source/1001/user", { body: user });
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ status: "ok" });
    await call("POST", "/source/1001/user", {
      body: { id: "u-42", bio: "Mathematician", customFields: [] },
    });
    expect(sim.state.users.size).toBe(1);
    const stored = sim.state.users.get("1001:u-42");
    expect(stored?.writes).toBe(2);
    expect(stored?.fields).toMatchObject({ fullName: "Ada Lovelace", bio: "Mathematician" });
    expect(stored?.customFields.get(102)).toEqual(["AI", "Data"]);
    expect(stored?.tagIds).toContain("tag_1");
    const newsletter = [...sim.state.tags.values()].find((t) => t.name === "Newsletter");
    expect(newsletter?.entityTypes).toEqual(["member"]);
    expect(sim.requests[0]?.notes).toContain('tag "Newsletter" was created by name');
  });

  it("POST /source/{id}/user to an unknown source is 404 Destination Source Not Found", async () => {
    const res = await call("POST", "/source/999/user", { body: { id: "u1" } });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ reason: "Destination Source Not Found" });
    expect(sim.state.users.size).toBe(0);
  });

  it("GET /activityTypes is a bare array", async () => {
    const res = await call("GET", "/activityTypes");
    expect(res.status).toBe(200);
    expect(res.json).toEqual(DEFAULT_ACTIVITY_TYPES);
  });

  it("POST /source/{id}/activity answers 202 and upserts by (id, activityType)", async () => {
    const activity = {
      id: "a-1",
      activityType: "made_post_topic",
      user: { id: "u-7", email: "u7@example.com" },
      activityTitle: { type: "text", value: "Hello" },
      content: { type: "markdown", value: "**hi**" },
      timestamp: "2024-05-01T12:00:00.000Z",
      url: "https://forum.example.com/t/1",
      tags: [{ type: "name", name: "Bug report" }],
      parentActivity: { id: "a-0", activityType: "made_post_topic" },
      subSource: { type: "name", name: "general" },
    };
    expect((await call("POST", "/source/1001/activity", { body: activity })).status).toBe(202);
    await call("POST", "/source/1001/activity", {
      body: { ...activity, content: { type: "text", value: "edited" } },
    });
    await call("POST", "/source/1001/activity", {
      body: { ...activity, activityType: "commented_replied" },
    });
    expect(sim.state.activities.size).toBe(2);
    const stored = sim.state.activities.get("1001:a-1:made_post_topic");
    expect(stored?.writes).toBe(2);
    expect(stored?.body.content).toEqual({ type: "text", value: "edited" });
    expect(stored?.tagIds).toEqual(["tag_2"]);
    expect(sim.state.users.has("1001:u-7")).toBe(true);
  });

  it("GET /members/customFields is a bare array, filtered by destinationSourceId", async () => {
    const all = (await call("GET", "/members/customFields")).json as { id: number }[];
    expect(all.map((f) => f.id)).toContain(109);
    expect(all.every((f) => !("writableBy" in f))).toBe(true);
    const writable = (await call("GET", "/members/customFields?destinationSourceId=1001")).json as {
      id: number;
    }[];
    expect(writable.map((f) => f.id)).not.toContain(109);
    expect(writable.length).toBe(all.length - 1);
    expect((await call("GET", "/members/customFields?destinationSourceId=5")).json).toEqual([]);
  });

  it("GET /segments and GET /segments/{id}/status", async () => {
    expect((await call("GET", "/segments")).json).toEqual(DEFAULT_SEGMENTS);
    const statuses = await call("GET", "/segments/201/status");
    expect(statuses.status).toBe(200);
    expect(statuses.json).toEqual([
      { id: 1, name: "Nominated" },
      { id: 2, name: "Active" },
      { id: 3, name: "Alumni" },
    ]);
    expect((await call("GET", "/segments/203/status")).json).toEqual([]);
    const unknown = await call("GET", "/segments/999/status");
    expect(unknown.status).toBe(404);
  });

  it("tag operations: list, create, get, update, delete", async () => {
    const list = (await call("GET", "/tags")).json as { labels: { id: string }[] };
    expect(list.labels.map((t) => t.id)).toEqual(["tag_1", "tag_2", "tag_3"]);
    const created = await call("POST", "/tags", {
      body: { name: "VIP", entityTypes: ["member"], description: "Very" },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      name: "VIP",
      description: "Very",
      entityTypes: ["member"],
      deletedAt: null,
    });
    const id = (created.json as { id: string }).id;
    expect(typeof (created.json as { createdAt: string }).createdAt).toBe("string");
    expect((await call("GET", `/tags/${id}`)).json).toEqual(created.json);
    const updated = await call("POST", `/tags/${id}`, { body: { name: "VIP customer" } });
    expect(updated.json).toMatchObject({ id, name: "VIP customer", description: "Very" });
    const deleted = await call("DELETE", `/tags/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ status: "ok" });
    expect((await call("GET", "/tags/nope")).status).toBe(404);
  });

  it("DELETE /user/{email} (anonymize) is accepted", async () => {
    const res = await call("DELETE", `/user/${encodeURIComponent("ada+1@example.com")}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "success" });
    expect(sim.state.anonymizations).toEqual(["ada+1@example.com"]);
    expect(sim.requests[0]?.path).toBe("/user/ada%2B1%40example.com");
  });

  it("a wrong token is 401 Token not valid without a spec violation", async () => {
    const res = await call("GET", "/tags", { token: "someone-elses" });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ reason: "Token not valid" });
    expect(sim.requests[0]?.authorized).toBe(false);
    expect(sim.violations).toEqual([]);
  });
});

describe("configurable bodies of the undeclared successes", () => {
  it("serves empty, text and custom JSON bodies", async () => {
    for (const [style, check] of [
      ["empty", (r: { text: string; headers: Headers }) => expect(r.text).toBe("")],
      [
        "text",
        (r: { text: string; headers: Headers }) =>
          expect(r.headers.get("content-type")).toMatch(/^text\/plain/),
      ],
      [
        { json: { accepted: true } },
        (r: { text: string }) => expect(JSON.parse(r.text)).toEqual({ accepted: true }),
      ],
    ] as const) {
      const other = createCommonRoomSimulator({
        responseBodies: { accepted: style, tagDeleted: style },
      });
      server.use(...other.handlers);
      const accepted = await call("POST", "/source/1001/user", { body: { id: "x" } });
      expect(accepted.status).toBe(202);
      check(accepted);
      const deleted = await call("DELETE", "/tags/tag_1");
      expect(deleted.status).toBe(200);
      check(deleted);
      other.assertNoViolations();
      server.resetHandlers();
    }
  });

  it("serves other base URLs and tokens", async () => {
    const other = createCommonRoomSimulator({
      baseUrl: "http://cr.test/api/v1/",
      tokens: ["a", "b"],
      destinationSourceIds: [7],
    });
    server.use(...other.handlers);
    expect((await call("GET", "/tags", { base: "http://cr.test/api/v1", token: "b" })).status).toBe(
      200,
    );
    expect(
      (
        await call("POST", "/source/7/user", {
          base: "http://cr.test/api/v1",
          token: "a",
          body: { id: "1" },
        })
      ).status,
    ).toBe(202);
    expect(other.requests.map((r) => r.path)).toEqual(["/tags", "/source/7/user"]);
    expect(BASE).not.toBe(other.baseUrl);
  });
});
