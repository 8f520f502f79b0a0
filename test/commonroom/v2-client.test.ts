import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { deriveV2Url } from "../../src/config.js";
import { API, API_V2, TOKEN, makeClient, recorder, useServer } from "./support.js";

const server = useServer();

function expectAuth(headers: Headers) {
  expect(headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
  expect(headers.get("accept")).toContain("application/json");
}

const contact = { id: "c_1", name: "Ada" };
const activity = { id: "a_1", type: "tweet", activityTime: "2024-05-01T12:00:00Z" };

function list(data: unknown[], nextCursor: string | null, extra: Record<string, unknown> = {}) {
  return HttpResponse.json({ success: true, data, meta: { nextCursor, ...extra } });
}

/** The query string as [name, value] pairs, in order. */
function queryOf(url: URL): [string, string][] {
  return [...url.searchParams.entries()];
}

describe("v2 base URL", () => {
  it("derives the v2 base from apiUrl by replacing its trailing /v1", () => {
    expect(deriveV2Url("https://api.commonroom.io/community/v1")).toBe(
      "https://api.commonroom.io/community/v2",
    );
    expect(deriveV2Url("https://x.test/community/v1/")).toBe("https://x.test/community/v2");
    // Only a trailing /v1 is replaced.
    expect(deriveV2Url("https://v1.x.test/v1/api")).toBe("https://v1.x.test/v1/api/v2");
  });

  it("sends v2 calls to the derived base by default, v1 calls to apiUrl", async () => {
    const rec = recorder();
    server.use(
      http.get(`${API_V2}/contacts`, async ({ request }) => {
        await rec.record(request);
        return list([], null);
      }),
      http.get(`${API}/segments`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json([]);
      }),
    );
    const { client } = makeClient({ apiUrl: `${API}/` });
    await client.listContacts({});
    await client.getSegments();
    expect(rec.seen.map((r) => r.url.href)).toEqual([`${API_V2}/contacts`, `${API}/segments`]);
  });

  it("uses an explicit apiV2Url (trailing slash tolerated)", async () => {
    const other = "https://v2.other.test/base";
    const rec = recorder();
    server.use(
      http.get(`${other}/contacts/:id`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({ success: true, data: contact });
      }),
    );
    const { client } = makeClient({ apiV2Url: `${other}/` });
    await expect(client.getContact("c_1", {})).resolves.toEqual(contact);
    expect(rec.seen[0]!.url.href).toBe(`${other}/contacts/c_1`);
    expectAuth(rec.seen[0]!.headers);
  });
});

describe("createSegment: v2 POST /segments", () => {
  it("sends exactly the given body with the bearer token and unwraps data", async () => {
    const rec = recorder();
    server.use(
      http.post(`${API_V2}/segments`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json(
          { success: true, data: { id: "s_42", name: "Champions", extra: "dropped" } },
          { status: 201 },
        );
      }),
    );
    const { client } = makeClient();
    await expect(client.createSegment({ name: "Champions" })).resolves.toStrictEqual({
      id: "s_42",
      name: "Champions",
    });
    const body = {
      name: "Objects",
      description: "*md*",
      entityType: "object" as const,
      objectTypeId: "cot_7",
    };
    await client.createSegment(body);
    expect(rec.seen.map((r) => `${r.method} ${r.url.href}`)).toEqual([
      `POST ${API_V2}/segments`,
      `POST ${API_V2}/segments`,
    ]);
    expect(JSON.parse(rec.seen[0]!.bodyText)).toStrictEqual({ name: "Champions" });
    expect(JSON.parse(rec.seen[1]!.bodyText)).toStrictEqual(body);
    expect(rec.seen[0]!.headers.get("content-type")).toContain("application/json");
    rec.seen.forEach((r) => expectAuth(r.headers));
  });

  it("a 201 without the envelope → unexpected_response", async () => {
    server.use(
      http.post(`${API_V2}/segments`, () =>
        HttpResponse.json({ id: "s_1", name: "x" }, { status: 201 }),
      ),
    );
    const { client } = makeClient();
    await expect(client.createSegment({ name: "x" })).rejects.toMatchObject({
      kind: "unexpected_response",
      httpStatus: 201,
      message:
        "Common Room answered 201 to createSegment with a body that does not match CreateSegmentResponse: success: Invalid literal value, expected true",
    });
  });
});

describe("listContacts: v2 GET /contacts", () => {
  it("sends only the given query parameters, under the spec's names", async () => {
    const rec = recorder();
    server.use(
      http.get(`${API_V2}/contacts`, async ({ request }) => {
        await rec.record(request);
        return list([contact], null);
      }),
    );
    const { client } = makeClient();
    await client.listContacts({});
    await client.listContacts({ segmentId: "s_9", limit: 25, cursor: undefined });
    await client.listContacts({
      segmentId: "s_1",
      organizationId: "o_2",
      sort: "latest_activity",
      direction: "desc",
      cols: "primaryEmail,cf_*",
      limit: 200,
      cursor: "abc/=+",
    });
    expect(rec.seen[0]!.url.search).toBe("");
    expect(queryOf(rec.seen[1]!.url)).toEqual([
      ["segmentId", "s_9"],
      ["limit", "25"],
    ]);
    expect(Object.fromEntries(queryOf(rec.seen[2]!.url))).toStrictEqual({
      segmentId: "s_1",
      organizationId: "o_2",
      sort: "latest_activity",
      direction: "desc",
      cols: "primaryEmail,cf_*",
      limit: "200",
      cursor: "abc/=+",
    });
    expect(rec.seen.every((r) => r.url.pathname === "/community/v2/contacts")).toBe(true);
    expect(rec.seen.every((r) => r.method === "GET" && r.bodyText === "")).toBe(true);
    rec.seen.forEach((r) => expectAuth(r.headers));
  });

  it("unwraps the page, keeps every extra contact field, passes nextCursor and recordCount", async () => {
    const rich = {
      id: "c_7",
      name: "Grace",
      primaryEmail: "grace@example.com",
      customFields: { cf_3: { type: "string", value: "pro" } },
      segments: [{ id: "s_1", name: "Champions" }],
      unknownFutureField: [1, 2],
    };
    server.use(
      http.get(`${API_V2}/contacts`, ({ request }) =>
        new URL(request.url).searchParams.get("cursor") === "p2"
          ? list([contact], null, { recordCount: 2 })
          : list([rich], "p2", { recordCount: 2 }),
      ),
    );
    const { client } = makeClient();
    const first = await client.listContacts({ cols: "recordCount" });
    expect(first).toStrictEqual({ items: [rich], nextCursor: "p2", recordCount: 2 });
    const second = await client.listContacts({ cursor: first.nextCursor! });
    expect(second).toStrictEqual({ items: [contact], nextCursor: null, recordCount: 2 });
  });

  it("without recordCount the page has just items and nextCursor", async () => {
    server.use(http.get(`${API_V2}/contacts`, () => list([], null)));
    const { client } = makeClient();
    await expect(client.listContacts({})).resolves.toStrictEqual({ items: [], nextCursor: null });
  });

  it("a contact without a name, or a missing meta.nextCursor → unexpected_response", async () => {
    let reply = () => list([{ id: "c_1" }], null);
    server.use(http.get(`${API_V2}/contacts`, () => reply()));
    const { client } = makeClient();
    await expect(client.listContacts({})).rejects.toMatchObject({
      kind: "unexpected_response",
      operation: "listContacts",
      message:
        "Common Room answered 200 to listContacts with a body that does not match ContactList: data.0.name: Required",
    });
    reply = () => HttpResponse.json({ success: true, data: [], meta: {} });
    await expect(client.listContacts({})).rejects.toMatchObject({
      kind: "unexpected_response",
      message: expect.stringContaining("meta.nextCursor: Required"),
    });
    // v1-style bare array.
    reply = () => HttpResponse.json([contact]);
    await expect(client.listContacts({})).rejects.toMatchObject({
      kind: "unexpected_response",
    });
  });
});

describe("getContact: v2 GET /contacts/{id}", () => {
  it("URL-encodes the id, sends cols only when given, unwraps and passes extra fields", async () => {
    const rec = recorder();
    const full = { ...contact, title: "CTO", leadScores: [{ id: "ls_1", score: 9 }] };
    server.use(
      http.get(`${API_V2}/contacts/:id`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({ success: true, data: full });
      }),
    );
    const { client } = makeClient();
    await expect(client.getContact("c_1", { cols: "title,leadScores" })).resolves.toStrictEqual(
      full,
    );
    await client.getContact("c/1 x");
    await client.getContact("c_1", { cols: undefined });
    expect(rec.seen.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)).toEqual([
      "GET /community/v2/contacts/c_1?cols=title,leadScores",
      "GET /community/v2/contacts/c%2F1%20x",
      "GET /community/v2/contacts/c_1",
    ]);
    expect(rec.seen[0]!.url.searchParams.get("cols")).toBe("title,leadScores");
    rec.seen.forEach((r) => expectAuth(r.headers));
  });
});

describe("listActivities: v2 GET /activities", () => {
  it("sends only the given query parameters, under the spec's names, and unwraps the page", async () => {
    const rec = recorder();
    const rich = {
      ...activity,
      contactId: "c_1",
      content: null,
      sentiment: "positive",
      subSourceNames: ["#general"],
    };
    server.use(
      http.get(`${API_V2}/activities`, async ({ request }) => {
        await rec.record(request);
        return list([rich, activity], "next-1");
      }),
    );
    const { client } = makeClient();
    await expect(client.listActivities({})).resolves.toStrictEqual({
      items: [rich, activity],
      nextCursor: "next-1",
    });
    await client.listActivities({
      contactId: "c_1",
      organizationId: "o_2",
      startDate: "2024-01-01T00:00:00Z",
      endDate: "2024-02-01T00:00:00+02:00",
      sort: "activityTime",
      direction: "asc",
      cols: "contactId,sentiment",
      limit: 1,
      cursor: "next-1",
    });
    await client.listActivities({ contactId: "c_3", endDate: undefined });
    expect(rec.seen[0]!.url.search).toBe("");
    expect(Object.fromEntries(queryOf(rec.seen[1]!.url))).toStrictEqual({
      contactId: "c_1",
      organizationId: "o_2",
      startDate: "2024-01-01T00:00:00Z",
      endDate: "2024-02-01T00:00:00+02:00",
      sort: "activityTime",
      direction: "asc",
      cols: "contactId,sentiment",
      limit: "1",
      cursor: "next-1",
    });
    expect(queryOf(rec.seen[2]!.url)).toEqual([["contactId", "c_3"]]);
    expect(rec.seen.every((r) => r.url.pathname === "/community/v2/activities")).toBe(true);
    rec.seen.forEach((r) => expectAuth(r.headers));
  });

  it("an activity without activityTime → unexpected_response", async () => {
    server.use(http.get(`${API_V2}/activities`, () => list([{ id: "a_1", type: "tweet" }], null)));
    const { client } = makeClient();
    await expect(client.listActivities({})).rejects.toMatchObject({
      kind: "unexpected_response",
      message:
        "Common Room answered 200 to listActivities with a body that does not match ActivityList: data.0.activityTime: Required",
    });
  });
});

describe("anonymizeContact: v1 DELETE /user/{email}", () => {
  it("URL-encodes the email and reads 200 and 202 bodies defensively", async () => {
    const rec = recorder();
    const replies = [
      () => HttpResponse.json({ status: "success" }),
      () => HttpResponse.text("Accepted", { status: 202 }),
      () => new HttpResponse(null, { status: 202 }),
    ];
    server.use(
      http.delete(`${API}/user/:email`, async ({ request, params }) => {
        await rec.record(request);
        expect(params.email).toBe("a+b@example.com");
        return replies[rec.seen.length - 1]!();
      }),
    );
    const { client } = makeClient();
    await expect(client.anonymizeContact("a+b@example.com")).resolves.toEqual({
      httpStatus: 200,
      body: { status: "success" },
    });
    await expect(client.anonymizeContact("a+b@example.com")).resolves.toEqual({
      httpStatus: 202,
      body: "Accepted",
    });
    await expect(client.anonymizeContact("a+b@example.com")).resolves.toEqual({
      httpStatus: 202,
      body: undefined,
    });
    expect(rec.seen[0]!.method).toBe("DELETE");
    expect(rec.seen[0]!.url.href).toBe(`${API}/user/a%2Bb%40example.com`);
    expect(rec.seen[0]!.bodyText).toBe("");
    rec.seen.forEach((r) => expectAuth(r.headers));
  });

  it("a 404 names neither the email nor a hash of it", async () => {
    server.use(
      http.delete(`${API}/user/:email`, () =>
        HttpResponse.json({ status: "not-found" }, { status: 404 }),
      ),
    );
    const { client } = makeClient();
    const error = await client.anonymizeContact("private@example.com").catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "not_found",
      operation: "anonymizeContact",
      message: "Common Room answered 404 to anonymizeContact: Contact not found",
      details: { method: "DELETE", path: "/user/{email}" },
    });
    expect(JSON.stringify(error)).not.toContain("private");
    expect(JSON.stringify(error)).not.toMatch(/sha256|example\.com/);
  });
});
