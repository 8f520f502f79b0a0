import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator } from "../../../dev/commonroom/index.js";
import { call, type CallOptions } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);
const V2 = "https://api.commonroom.io/community/v2";
const v2 = (path: string, opts: CallOptions = {}) => call("GET", path, { base: V2, ...opts });

interface List {
  success: true;
  data: Record<string, unknown>[];
  meta: { nextCursor: string | null; recordCount?: number };
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Every item of a list, following cursors. */
async function all(path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await v2(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const list = res.json as List;
    items.push(...list.data);
    cursor = list.meta.nextCursor;
  } while (cursor);
  return items;
}

describe("v2 GET /organizations", () => {
  it("lists the 12 organizations in pages, with only id, name and primaryDomain unless asked", async () => {
    const first = await v2("/organizations?limit=5");
    const page = first.json as List;
    expect(page.data[0]).toEqual({ id: "o_1", name: "Acme", primaryDomain: "acme.example.com" });
    expect(page.data).toHaveLength(5);
    expect(page.meta.nextCursor).toEqual(expect.any(String));
    const every = await all("/organizations?limit=5");
    expect(every.map((o) => o.id)).toEqual(Array.from({ length: 12 }, (_, i) => `o_${i + 1}`));
    expect(sim.violations).toEqual([]);
  });

  it("filters by exact name and exact primary domain; a near domain matches nothing", async () => {
    expect(((await v2("/organizations?name=Globex")).json as List).data.map((o) => o.id)).toEqual([
      "o_2",
    ]);
    const byDomain = (await v2("/organizations?primaryDomain=initech.example.com")).json as List;
    expect(byDomain.data.map((o) => o.id)).toEqual(["o_3"]);
    const near = await v2("/organizations?primaryDomain=www.initech.example.com");
    expect((near.json as List).data).toEqual([]);
    expect(sim.requests.at(-1)?.notes.join()).toMatch(/matched exactly/);
  });

  it("cols add columns, contactsCount counts the organization's contacts, recordCount the matches", async () => {
    const res = await v2(
      "/organizations?cols=contactsCount,topContacts,employees,cf_*,recordCount",
    );
    const list = res.json as List;
    expect(list.meta.recordCount).toBe(12);
    const acme = list.data[0]!;
    // Contacts c_n with n % 4 !== 0 belong to o_((n-1) % 12 + 1): for o_1, n = 1, 13, 25, ...
    const members = Array.from({ length: 230 }, (_, i) => i + 1).filter(
      (n) => n % 4 !== 0 && (n - 1) % 12 === 0,
    );
    expect(acme.contactsCount).toBe(members.length);
    expect(acme.topContacts).toEqual(
      members.slice(0, 3).map((n) => ({ id: `c_${n}`, name: expect.any(String) })),
    );
    expect(acme.employees).toBe(150);
    expect(acme.customFields).toEqual({ cf_101: { type: "string", value: "Enterprise" } });
    expect(list.data[1]!.customFields).toEqual({});
  });

  it("sorts by member_count and lead score, either way", async () => {
    const byMembers = (
      await all("/organizations?sort=member_count&direction=desc&cols=contactsCount")
    ).map((o) => o.contactsCount as number);
    expect(byMembers).toEqual([...byMembers].sort((a, b) => b - a));
    const byScore = (await all("/organizations?sort=ls_1&cols=leadScores")).map(
      (o) => (o.leadScores as { score: number }[])[0]!.score,
    );
    expect(byScore).toEqual([...byScore].sort((a, b) => a - b));
  });

  it.each([
    ["sort=name", "query.sort must be one of id, member_count"],
    ["cols=fullName", 'query.cols has "fullName"'],
    ["primaryDomain=", "query.primaryDomain must not be empty"],
    ["limit=500", "query.limit must be an integer from 1 to 200"],
  ])("%s is a 400 invalid_parameters and a violation", async (query, violation) => {
    const res = await v2(`/organizations?${query}`);
    expect(res.status).toBe(400);
    expect((res.json as { error: { code: string } }).error.code).toBe("invalid_parameters");
    expect(sim.violations.join("\n")).toContain(violation);
  });
});

describe("v2 GET /organizations/{id}", () => {
  it("reads one organization with the cols asked", async () => {
    const res = await v2("/organizations/o_3?cols=url,location,recentNews");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      success: true,
      data: {
        id: "o_3",
        name: "Initech",
        primaryDomain: "initech.example.com",
        url: "https://app.commonroom.io/community/uncommon/organization/3",
        location: null,
        recentNews: [],
      },
    });
  });

  it("an unknown one is 404 org_not_found; a malformed id 400 invalid_organization_id", async () => {
    const missing = await v2("/organizations/o_999");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      success: false,
      error: { code: "org_not_found", message: "Organization o_999 not found" },
    });
    const bad = await v2("/organizations/acme");
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { code: string } }).error.code).toBe("invalid_organization_id");
  });
});

describe("v2 GET /segments/{id} and /activities/{id}", () => {
  it("a segment with its entityCount and url; a created one keeps its entityType", async () => {
    const res = await v2("/segments/s_201?cols=entityCount,url");
    expect(res.json).toEqual({
      success: true,
      data: {
        id: "s_201",
        name: expect.any(String),
        entityType: "contact",
        // c_n is in s_201 when n % 10 === 1: 23 of the 230.
        entityCount: 23,
        url: "https://app.commonroom.io/community/uncommon/segments/201",
      },
    });
    await call("POST", "/segments", {
      base: V2,
      body: { name: "Accounts", entityType: "organization" },
    });
    const created = (await v2("/segments/s_204")).json as { data: Record<string, unknown> };
    expect(created.data).toEqual({ id: "s_204", name: "Accounts", entityType: "organization" });
    expect((await v2("/segments/s_999")).status).toBe(404);
    expect(((await v2("/segments/201")).json as { error: { code: string } }).error.code).toBe(
      "invalid_segment_id",
    );
  });

  it("an activity with the cols asked; unknown is 404 activity_not_found", async () => {
    const res = await v2("/activities/a_2?cols=contactId,url");
    const data = (res.json as { data: Record<string, unknown> }).data;
    expect(Object.keys(data).sort()).toEqual(["activityTime", "contactId", "id", "type", "url"]);
    expect(data.id).toBe("a_2");
    const missing = await v2("/activities/a_9999");
    expect(missing.status).toBe(404);
    expect((missing.json as { error: { code: string } }).error.code).toBe("activity_not_found");
    const bad = await v2("/activities/2");
    expect((bad.json as { error: { code: string } }).error.code).toBe("invalid_activity_id");
    expect((await v2("/activities/a_2?cols=recordCount")).status).toBe(400);
  });
});

describe("v2 GET /website-visits", () => {
  it("lists the 300 visits; contactId and organizationId come only when asked", async () => {
    const every = await all("/website-visits?limit=200");
    expect(every).toHaveLength(300);
    expect(Object.keys(every[0]!).sort()).toEqual(["id", "url", "visitTime"]);
    const withIds = (await v2("/website-visits?cols=contactId,organizationId,recordCount&limit=3"))
      .json as List;
    expect(withIds.meta.recordCount).toBe(300);
    // w_1 is anonymous from o_2, w_2 from nobody, w_3 by c_4 (who has no organization).
    expect(withIds.data).toEqual([
      expect.objectContaining({ id: "w_1", organizationId: "o_2" }),
      expect.not.objectContaining({ organizationId: expect.anything() }),
      { id: "w_3", visitTime: expect.any(String), url: expect.any(String), contactId: "c_4" },
    ]);
  });

  it("filters by contact and by organization; the cursor is tied to the filters", async () => {
    const byContact = await all("/website-visits?contactId=c_4&cols=contactId");
    expect(byContact.length).toBeGreaterThan(0);
    expect(byContact.every((v) => v.contactId === "c_4")).toBe(true);
    const first = (await v2("/website-visits?organizationId=o_2&limit=2")).json as List;
    const next = await v2(
      `/website-visits?organizationId=o_3&limit=2&cursor=${first.meta.nextCursor as string}`,
    );
    expect(next.status).toBe(400);
    expect((await v2("/website-visits?contactId=4")).status).toBe(400);
  });
});
