import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator } from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);
const V2 = "https://api.commonroom.io/community/v2";
const v2 = (path: string) => call("GET", path, { base: V2 });

interface ContactList {
  success: true;
  data: Record<string, unknown>[];
  meta: { nextCursor: string | null; recordCount?: number };
}

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => {
  server.resetHandlers();
});
afterAll(() => server.close());

/** Follows cursors to the end; returns every page's ids. */
async function walk(query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const sep = query === "" ? "?" : "&";
    const path = `/contacts${query === "" ? "" : `?${query}`}${cursor === null ? "" : `${sep}cursor=${encodeURIComponent(cursor)}`}`;
    const res = await v2(path);
    expect(res.status, path).toBe(200);
    const body = res.json as ContactList;
    pages.push(body.data.map((c) => c.id as string));
    cursor = body.meta.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

describe("v2 GET /contacts", () => {
  it("derives the v2 base from the v1 base", () => {
    expect(sim.v2BaseUrl).toBe(V2);
  });

  it("answers a ContactList page of 50 with id and name only, by id ascending", async () => {
    const res = await v2("/contacts");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-remaining")).not.toBeNull();
    const body = res.json as ContactList;
    expect(body.success).toBe(true);
    expect(body.data).toHaveLength(50);
    expect(body.data[0]).toEqual({ id: "c_1", name: expect.any(String) });
    expect(body.data.map((c) => c.id)).toEqual(Array.from({ length: 50 }, (_, i) => `c_${i + 1}`));
    expect(typeof body.meta.nextCursor).toBe("string");
    expect(body.meta).not.toHaveProperty("recordCount");
    expect(sim.violations).toEqual([]);
    expect(sim.requests[0]).toMatchObject({ api: "v2", path: "/contacts", status: 200 });
  });

  it("paging walks all 230 contacts exactly once, whatever the page size and sort", async () => {
    for (const query of [
      "",
      "limit=200",
      "limit=7&sort=name",
      "limit=33&sort=latest_activity&direction=desc",
    ]) {
      const pages = await walk(query);
      const ids = pages.flat();
      expect(ids, query).toHaveLength(230);
      expect(new Set(ids).size, query).toBe(230);
      expect(
        pages.every((page) => page.length > 0),
        query,
      ).toBe(true);
    }
    expect((await walk("limit=200")).map((p) => p.length)).toEqual([200, 30]);
    expect(sim.violations).toEqual([]);
  });

  it("sorts by name and direction; desc by id reverses", async () => {
    const byName = (await v2("/contacts?sort=name&limit=200")).json as ContactList;
    const names = byName.data.map((c) => c.name as string);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const desc = (await v2("/contacts?direction=desc&limit=3")).json as ContactList;
    expect(desc.data.map((c) => c.id)).toEqual(["c_230", "c_229", "c_228"]);
    const latest = (
      await v2("/contacts?sort=latest_activity&direction=desc&limit=1&cols=recentActivities")
    ).json as ContactList;
    const top = latest.data[0]?.recentActivities as { activityTime: string }[];
    expect(top[0]?.activityTime).toBe("2024-10-08T03:00:00.000Z");
  });

  it("filters by segment and organization, with recordCount on request", async () => {
    const champions = (await v2("/contacts?segmentId=s_201&cols=segments,recordCount&limit=200"))
      .json as ContactList;
    const expected = Array.from({ length: 23 }, (_, i) => `c_${i * 10 + 1}`);
    expect(champions.data.map((c) => c.id)).toEqual(expected);
    expect(champions.meta).toEqual({ nextCursor: null, recordCount: 23 });
    for (const contact of champions.data)
      expect(contact.segments).toContainEqual({ id: "s_201", name: "Champions" });
    const both = champions.data.filter((c) =>
      (c.segments as { id: string }[]).some((s) => s.id === "s_202"),
    );
    expect(both.map((c) => c.id)).toEqual(["c_21", "c_91", "c_161"]);

    const acme = (await v2("/contacts?organizationId=o_1&cols=companyName,recordCount&limit=5"))
      .json as ContactList;
    expect(acme.meta.recordCount).toBe(20);
    expect(acme.data.every((c) => c.companyName === "Acme")).toBe(true);
    expect(acme.data.map((c) => c.id)).toEqual(["c_1", "c_13", "c_25", "c_37", "c_49"]);

    const none = (await v2("/contacts?segmentId=s_999")).json as ContactList;
    expect(none).toEqual({ success: true, data: [], meta: { nextCursor: null } });
    expect(sim.requests.at(-1)?.notes.join()).toMatch(/s_999 does not exist/);
    expect(sim.violations).toEqual([]);
  });

  it("cols add fields: primaryEmail, fullName, companyName, title, tags, custom fields", async () => {
    const res = await v2(
      "/contacts?limit=3&cols=primaryEmail,fullName,companyName,title,segments,tags,cf_101",
    );
    const [c1, c2, c3] = (res.json as ContactList).data;
    expect(c1).toEqual({
      id: "c_1",
      name: c1?.name,
      primaryEmail: expect.stringMatching(/@example\.com$/),
      fullName: c1?.name,
      companyName: "Acme",
      title: expect.any(String),
      segments: [{ id: "s_201", name: "Champions" }],
      tags: [],
      customFields: {},
    });
    expect(c2?.customFields).toEqual({ cf_101: { type: "string", value: "Go" } });
    expect(c3?.primaryEmail).toBeNull();
    const all = (await v2("/contacts/c_6?cols=cf_*")).json as { data: Record<string, unknown> };
    expect(all.data.customFields).toEqual({
      cf_101: { type: "string", value: "Go" },
      cf_105: { type: "int", value: 42 },
    });
  });

  it("a cursor from another query is a 400 invalid_parameters", async () => {
    const first = (await v2("/contacts?sort=name")).json as ContactList;
    const cursor = encodeURIComponent(first.meta.nextCursor as string);
    const res = await v2(`/contacts?sort=id&cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: { code: "invalid_parameters", message: "Invalid cursor" },
    });
    expect((await v2("/contacts?cursor=garbage")).status).toBe(400);
    expect(sim.violations).toEqual([]);
  });

  it.each([
    ["limit=0", "invalid_parameters", "query.limit must be an integer from 1 to 200"],
    ["limit=201", "invalid_parameters", "query.limit"],
    ["limit=1.5", "invalid_parameters", "query.limit"],
    ["direction=up", "invalid_parameters", "query.direction must be one of asc, desc"],
    ["sort=email", "invalid_parameters", "query.sort must be one of"],
    ["cols=email", "invalid_parameters", 'query.cols has "email"'],
    ["segmentId=201", "invalid_segment_id", "query.segmentId must be a segment id like s_123"],
    ["organizationId=acme", "invalid_organization_id", "query.organizationId"],
    ["page=2", "invalid_parameters", "query.page is not a parameter of this operation"],
    ["limit=5&limit=6", "invalid_parameters", "query.limit is given more than once"],
  ])("?%s is a violation and a 400 %s", async (query, code, violation) => {
    const res = await v2(`/contacts?${query}`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: { code } });
    expect(sim.violations).toHaveLength(1);
    expect(sim.violations[0]).toContain(`GET /contacts (v2): ${violation}`);
    expect(sim.requests[0]?.violations).toEqual(sim.violations);
  });
});

describe("v2 GET /contacts/{id}", () => {
  it("answers a ContactResponse, id and name by default", async () => {
    const res = await v2("/contacts/c_42");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, data: { id: "c_42", name: expect.any(String) } });
  });

  it("cols work as on the list", async () => {
    const res = await v2("/contacts/c_21?cols=segments,recentActivities,jobHistory,location");
    const data = (res.json as { data: Record<string, unknown> }).data;
    expect(data.segments).toEqual([
      { id: "s_201", name: "Champions" },
      { id: "s_202", name: "Trial users" },
    ]);
    const recent = data.recentActivities as { contactId: string; activityTime: string }[];
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((a) => a.contactId === "c_21")).toBe(true);
    expect(data.jobHistory).toEqual([expect.objectContaining({ company: expect.any(String) })]);
    expect(data.location).toEqual(expect.objectContaining({ country: expect.any(String) }));
  });

  it("an unknown contact is a 404 contact_not_found", async () => {
    const res = await v2("/contacts/c_9999");
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      success: false,
      error: { code: "contact_not_found", message: "Contact c_9999 not found" },
    });
    expect(sim.violations).toEqual([]);
  });

  it("an id not shaped c_<number> is a violation and a 400 invalid_contact_id", async () => {
    const res = await v2("/contacts/42");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: {
        code: "invalid_contact_id",
        message: 'path.id must be a contact id like c_123 (got "42")',
      },
    });
    expect(sim.violations).toEqual([
      'GET /contacts/42 (v2): path.id must be a contact id like c_123 (got "42")',
    ]);
  });

  it("recordCount is not a column of Get Contact", async () => {
    expect((await v2("/contacts/c_1?cols=recordCount")).status).toBe(400);
    expect(sim.violations).toHaveLength(1);
  });
});
