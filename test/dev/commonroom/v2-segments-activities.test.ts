import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator } from "../../../dev/commonroom/index.js";
import { call, type CallOptions } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);
const V2 = "https://api.commonroom.io/community/v2";
const v2 = (method: string, path: string, opts: CallOptions = {}) =>
  call(method, path, { base: V2, ...opts });

interface ActivityList {
  success: true;
  data: Record<string, unknown>[];
  meta: { nextCursor: string | null; recordCount?: number };
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("v2 POST /segments", () => {
  it("creates a segment (201) that v1 Get Segments lists too", async () => {
    const res = await v2("POST", "/segments", {
      body: { name: "Power users", description: "**Top** 1%" },
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ success: true, data: { id: "s_204", name: "Power users" } });
    expect(sim.state.createdSegments).toEqual([
      expect.objectContaining({
        id: 204,
        name: "Power users",
        description: "**Top** 1%",
        entityType: "contact",
        objectTypeId: null,
      }),
    ]);
    const v1 = await call("GET", "/segments");
    expect(v1.json).toContainEqual({ id: 204, name: "Power users" });
    expect((await call("GET", "/segments/204/status")).json).toEqual([]);
    const next = await v2("POST", "/segments", { body: { name: "Second" } });
    expect(next.json).toEqual({ success: true, data: { id: "s_205", name: "Second" } });
    expect(sim.requests.map((r) => r.api)).toEqual(["v2", "v1", "v1", "v2"]);
    expect(sim.violations).toEqual([]);
  });

  it("an object segment needs objectTypeId: without one it is a 400, not a violation", async () => {
    const res = await v2("POST", "/segments", { body: { name: "Objs", entityType: "object" } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: {
        code: "invalid_parameters",
        message: "objectTypeId is required when entityType is object",
      },
    });
    expect(sim.violations).toEqual([]);
    expect(sim.requests[0]?.notes).toContain(
      "body.objectTypeId is required when entityType is object",
    );
    const ok = await v2("POST", "/segments", {
      body: { name: "Objs", entityType: "object", objectTypeId: "cot_7" },
    });
    expect(ok.status).toBe(201);
    expect(sim.state.createdSegments[0]).toMatchObject({
      entityType: "object",
      objectTypeId: "cot_7",
    });
  });

  it("a name that exists (v1 seed or created, any case) is a 409 conflict", async () => {
    const conflict = {
      success: false,
      error: { code: "conflict", message: "A segment with this name already exists" },
    };
    const seeded = await v2("POST", "/segments", { body: { name: "champions" } });
    expect(seeded.status).toBe(409);
    expect(seeded.json).toEqual(conflict);
    expect((await v2("POST", "/segments", { body: { name: "Fresh" } })).status).toBe(201);
    const again = await v2("POST", "/segments", { body: { name: " FRESH " } });
    expect(again.status).toBe(409);
    expect(again.json).toEqual(conflict);
    expect(sim.state.createdSegments).toHaveLength(1);
    expect(sim.violations).toEqual([]);
  });

  it.each([
    [{}, "invalid_parameters", "body.name is required"],
    [{ name: 5 }, "invalid_parameters", "body.name must be a string"],
    [{ name: "x".repeat(501) }, "invalid_parameters", "body.name must be at most 500 characters"],
    [
      { name: "x", entityType: "member" },
      "invalid_parameters",
      "body.entityType must be one of contact, object, organization",
    ],
    [{ name: "x", description: null }, "invalid_parameters", "body.description must be a string"],
    [{ name: "x", color: "red" }, "invalid_parameters", "body.color is not a known field"],
    [
      { name: "x", entityType: "object", objectTypeId: "7" },
      "invalid_object_type_id",
      "body.objectTypeId must be a objectType id like cot_123",
    ],
  ])("body %j is a violation and a 400 %s", async (body, code, violation) => {
    const res = await v2("POST", "/segments", { body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: { code } });
    expect(sim.violations).toHaveLength(1);
    expect(sim.violations[0]).toContain(`POST /segments (v2): ${violation}`);
    expect(sim.state.createdSegments).toEqual([]);
  });

  it("a name of 500 characters is fine; a blank one is a 400 but no violation", async () => {
    expect((await v2("POST", "/segments", { body: { name: "y".repeat(500) } })).status).toBe(201);
    const blank = await v2("POST", "/segments", { body: { name: "  " } });
    expect(blank.status).toBe(400);
    expect(blank.json).toMatchObject({ error: { code: "invalid_parameters" } });
    expect(sim.violations).toEqual([]);
  });

  it("needs a JSON body with the JSON content type", async () => {
    const raw = await v2("POST", "/segments", { raw: "name=x" });
    expect(raw.status).toBe(400);
    expect(sim.violations.join("\n")).toMatch(/Content-Type must be application\/json/);
    expect(sim.violations.join("\n")).toMatch(/body is not valid JSON/);
  });

  it("GET /segments on v2 is not served (405 with Allow: POST, a violation)", async () => {
    const res = await v2("GET", "/segments");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(sim.violations).toHaveLength(1);
  });
});

describe("v2 GET /activities", () => {
  async function all(query: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const extra = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
      const res = await v2("GET", `/activities?${query}${extra}`);
      expect(res.status, query).toBe(200);
      const body = res.json as ActivityList;
      items.push(...body.data);
      cursor = body.meta.nextCursor;
      if (cursor === null) break;
    }
    return items;
  }

  it("answers an ActivityList: id, type, activityTime by default, sorted by time", async () => {
    const res = await v2("GET", "/activities");
    expect(res.status).toBe(200);
    const body = res.json as ActivityList;
    expect(body.success).toBe(true);
    expect(body.data).toHaveLength(50);
    expect(Object.keys(body.data[0] ?? {}).sort()).toEqual(["activityTime", "id", "type"]);
    expect(body.data[0]?.activityTime).toBe("2024-01-01T00:00:00.000Z");
    const times = body.data.map((a) => a.activityTime as string);
    expect(times).toEqual([...times].sort());
    expect(typeof body.meta.nextCursor).toBe("string");
    expect(sim.violations).toEqual([]);
  });

  it("pages through all 520 activities exactly once", async () => {
    const items = await all("limit=200&sort=id&direction=desc");
    expect(items).toHaveLength(520);
    expect(new Set(items.map((a) => a.id)).size).toBe(520);
    expect(items[0]?.id).toBe("a_520");
    expect(items.at(-1)?.id).toBe("a_1");
    const last = (await v2("GET", "/activities?direction=desc&limit=1")).json as ActivityList;
    expect(last.data[0]?.activityTime).toBe("2024-10-08T03:00:00.000Z");
  });

  it("filters by date range, contact and organization", async () => {
    const march = await all(
      "startDate=2024-03-01T00:00:00Z&endDate=2024-03-31T23:59:59Z&cols=recordCount,contactId",
    );
    expect(march.length).toBeGreaterThan(40);
    expect(march.length).toBeLessThan(70);
    expect(march.every((a) => (a.activityTime as string).startsWith("2024-03"))).toBe(true);
    const counted = (
      await v2(
        "GET",
        "/activities?startDate=2024-03-01T00:00:00Z&endDate=2024-03-31T23:59:59Z&cols=recordCount",
      )
    ).json as ActivityList;
    expect(counted.meta.recordCount).toBe(march.length);

    const mine = await all("contactId=c_21&cols=contactId,url");
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((a) => a.contactId === "c_21" && typeof a.url === "string")).toBe(true);
    expect(await all("contactId=c_225")).toEqual([]);

    const acme = await all("organizationId=o_1&cols=contactId&limit=200");
    const acmeContacts = new Set(Array.from({ length: 20 }, (_, i) => `c_${i * 12 + 1}`));
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((a) => acmeContacts.has(a.contactId as string))).toBe(true);
    expect(sim.violations).toEqual([]);
  });

  it("cols add the ApiActivity fields asked for", async () => {
    const res = await v2(
      "GET",
      "/activities?sort=id&limit=1&cols=contactId,content,isUserInitiated,participantCount,providerId,providerName,replyCount,sentiment,subSourceNames,url",
    );
    expect((res.json as ActivityList).data[0]).toEqual({
      id: "a_1",
      type: expect.any(String),
      activityTime: expect.any(String),
      contactId: "c_14",
      content: "Activity 1 by contact 14",
      isUserInitiated: true,
      participantCount: 2,
      providerId: "sig_2",
      providerName: "GitHub",
      replyCount: 1,
      sentiment: "neutral",
      subSourceNames: [],
      url: "https://community.example.com/activity/1",
    });
  });

  it("startDate after endDate is a 400 (no violation)", async () => {
    const res = await v2(
      "GET",
      "/activities?startDate=2024-05-01T00:00:00Z&endDate=2024-04-01T00:00:00Z",
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "invalid_parameters" } });
    expect(sim.violations).toEqual([]);
  });

  it.each([
    ["sort=latest_activity", "invalid_parameters", "query.sort must be one of id, activityTime"],
    ["startDate=2024-03-01", "invalid_parameters", "query.startDate must be an ISO 8601 date-time"],
    ["endDate=yesterday", "invalid_parameters", "query.endDate must be an ISO 8601 date-time"],
    ["contactId=21", "invalid_contact_id", "query.contactId must be a contact id like c_123"],
    ["organizationId=1", "invalid_organization_id", "query.organizationId"],
    ["cols=cf_*", "invalid_parameters", 'query.cols has "cf_*"'],
    ["limit=500", "invalid_parameters", "query.limit"],
    ["segmentId=s_201", "invalid_parameters", "query.segmentId is not a parameter"],
    ["cursor=", "invalid_parameters", "query.cursor must not be empty"],
  ])("?%s is a violation and a 400 %s", async (query, code, violation) => {
    const res = await v2("GET", `/activities?${query}`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: { code } });
    expect(sim.violations).toHaveLength(1);
    expect(sim.violations[0]).toContain(`GET /activities (v2): ${violation}`);
  });
});
