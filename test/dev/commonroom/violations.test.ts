import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator, DOCS_URL } from "../../../dev/commonroom/index.js";
import { call, type CallOptions } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterAll(() => server.close());

const user = (extra: Record<string, unknown>) => ({ id: "u1", ...extra });
const activity = (extra: Record<string, unknown>) => ({
  id: "a1",
  activityType: "other",
  user: { id: "u1" },
  ...extra,
});

interface Case {
  name: string;
  method: string;
  path: string;
  opts?: CallOptions;
  status: number;
  violation: string;
}

const cases: Case[] = [
  // auth
  {
    name: "missing Authorization",
    method: "GET",
    path: "/tags",
    opts: { token: null },
    status: 401,
    violation: "GET /tags: Authorization header is missing",
  },
  {
    name: "wrong scheme",
    method: "GET",
    path: "/tags",
    opts: { token: null, headers: { Authorization: "Token test-token" } },
    status: 401,
    violation: 'GET /tags: Authorization header must be "Bearer <token>" (got scheme "Token")',
  },
  {
    name: "lower-case scheme",
    method: "GET",
    path: "/tags",
    opts: { token: null, headers: { Authorization: "bearer test-token" } },
    status: 401,
    violation: 'must be "Bearer <token>"',
  },
  {
    name: "bare token",
    method: "GET",
    path: "/tags",
    opts: { token: null, headers: { Authorization: "test-token" } },
    status: 401,
    violation: 'must be "Bearer <token>"',
  },
  // routing
  {
    name: "unknown path",
    method: "GET",
    path: "/members/note",
    status: 404,
    violation: "GET /members/note: no such endpoint in the v1 Core API",
  },
  {
    name: "v2 path on v1",
    method: "GET",
    path: "/activity-types",
    status: 404,
    violation: "no such endpoint",
  },
  {
    name: "trailing slash",
    method: "GET",
    path: "/tags/",
    status: 404,
    violation: "no such endpoint",
  },
  {
    name: "PUT to update a tag",
    method: "PUT",
    path: "/tags/tag_1",
    opts: { body: { name: "x" } },
    status: 405,
    violation:
      "PUT /tags/tag_1: method not allowed here (the API has GET, POST, DELETE /tags/tag_1)",
  },
  {
    name: "PATCH a tag",
    method: "PATCH",
    path: "/tags/tag_1",
    opts: { body: { name: "x" } },
    status: 405,
    violation: "method not allowed",
  },
  // path params and query
  {
    name: "non-numeric source",
    method: "POST",
    path: "/source/abc/user",
    opts: { body: user({}) },
    status: 400,
    violation:
      'POST /source/abc/user: path.destinationSourceId must be a positive integer (got "abc")',
  },
  {
    name: "zero source",
    method: "POST",
    path: "/source/0/activity",
    opts: { body: activity({}) },
    status: 400,
    violation: "path.destinationSourceId must be a positive integer",
  },
  {
    name: "undefined source",
    method: "POST",
    path: "/source/undefined/user",
    opts: { body: user({}) },
    status: 400,
    violation: "path.destinationSourceId must be a positive integer",
  },
  {
    name: "non-numeric segment",
    method: "GET",
    path: "/segments/s_201/status",
    status: 400,
    violation: 'path.id must be a numeric segment id (got "s_201")',
  },
  {
    name: "undefined tag id",
    method: "GET",
    path: "/tags/undefined",
    status: 400,
    violation: 'path.id must be a tag id (got "undefined", a client bug)',
  },
  {
    name: "bad email",
    method: "DELETE",
    path: "/user/not-an-email",
    status: 400,
    violation: "path.email must be an email address",
  },
  {
    name: "unknown query param",
    method: "GET",
    path: "/tags?limit=50",
    status: 400,
    violation: "GET /tags: query.limit is not a parameter of this operation",
  },
  {
    name: "bad customFields filter",
    method: "GET",
    path: "/members/customFields?destinationSourceId=abc",
    status: 400,
    violation: "query.destinationSourceId must be a positive integer",
  },
  {
    name: "repeated query param",
    method: "GET",
    path: "/members/customFields?destinationSourceId=1001&destinationSourceId=1002",
    status: 400,
    violation: "query.destinationSourceId is given more than once",
  },
  // content type and body framing
  {
    name: "no Content-Type",
    method: "POST",
    path: "/tags",
    opts: { raw: JSON.stringify({ name: "x", entityTypes: ["member"] }) },
    status: 400,
    violation: "Content-Type must be application/json",
  },
  {
    name: "form Content-Type",
    method: "POST",
    path: "/source/1001/user",
    opts: { raw: '{"id":"u1"}', headers: { "Content-Type": "application/x-www-form-urlencoded" } },
    status: 400,
    violation: 'Content-Type must be application/json (got "application/x-www-form-urlencoded")',
  },
  {
    name: "no body",
    method: "POST",
    path: "/tags",
    status: 400,
    violation: "a JSON request body is required",
  },
  {
    name: "broken JSON",
    method: "POST",
    path: "/tags",
    opts: { raw: "{name:", headers: { "Content-Type": "application/json" } },
    status: 400,
    violation: "body is not valid JSON",
  },
  {
    name: "body on DELETE",
    method: "DELETE",
    path: "/tags/tag_1",
    opts: { body: { force: true } },
    status: 400,
    violation: "this operation takes no request body",
  },
  {
    name: "array body",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: [{ id: "u1" }] },
    status: 400,
    violation: "body must be an object (got array)",
  },
  {
    name: "wrapped user",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: { user: { id: "u1" } } },
    status: 400,
    violation: "body.id is required",
  },
  // user fields
  {
    name: "numeric user id",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: { id: 42 } },
    status: 400,
    violation: "body.id must be a string (got number)",
  },
  {
    name: "empty user id",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: { id: "" } },
    status: 400,
    violation: "body.id must not be empty",
  },
  {
    name: "bad email field",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ email: "nope" }) },
    status: 400,
    violation: 'body.email must be an email address (got "nope")',
  },
  {
    name: "handle type",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ github: { type: "url", value: "x" } }) },
    status: 400,
    violation: 'body.github.type must be one of handle (got "url")',
  },
  {
    name: "handle as string",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ twitter: "@ada" }) },
    status: 400,
    violation: "body.twitter must be an object (got string)",
  },
  {
    name: "handle without value",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ linkedin: { type: "handle" } }) },
    status: 400,
    violation: "body.linkedin.value is required",
  },
  {
    name: "discord without discriminator",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ discord: { username: "a" } }) },
    status: 400,
    violation: "body.discord.discriminator is required",
  },
  {
    name: "external profile without url",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ externalProfiles: [{ name: "x" }] }) },
    status: 400,
    violation: "body.externalProfiles[0].url is required",
  },
  {
    name: "null tags",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ tags: null }) },
    status: 400,
    violation: "body.tags must be an array (got null)",
  },
  {
    name: "null customFields",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: null }) },
    status: 400,
    violation: "body.customFields must be an array (got null)",
  },
  {
    name: "tag assignment type",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ tags: [{ type: "label", name: "x" }] }) },
    status: 400,
    violation: 'body.tags[0].type must be one of id, name (got "label")',
  },
  {
    name: "tag assignment as string",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ tags: ["Champion"] }) },
    status: 400,
    violation: "body.tags[0] must be an object (got string)",
  },
  {
    name: "tag by id without id",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ tags: [{ type: "id", name: "x" }] }) },
    status: 400,
    violation: "body.tags[0].id is required",
  },
  {
    name: "custom field id as string",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: [{ id: "101", value: { type: "enum", value: "Go" } }] }) },
    status: 400,
    violation: "body.customFields[0].id must be a number (got string)",
  },
  {
    name: "custom field value type",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: [{ id: 103, value: { type: "text", value: "x" } }] }) },
    status: 400,
    violation:
      "body.customFields[0].value.type must be one of enum, string, date, int, number, url, boolean",
  },
  {
    name: "custom field bare value",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: [{ id: 103, value: "x" }] }) },
    status: 400,
    violation: "body.customFields[0].value must be an object (got string)",
  },
  {
    name: "custom field null value",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: [{ id: 103, value: null }] }) },
    status: 400,
    violation: "body.customFields[0].value must be an object (got null)",
  },
  {
    name: "custom field value missing inner value",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: [{ id: 103, value: { type: "string" } }] }) },
    status: 400,
    violation: "body.customFields[0].value.value is required",
  },
  {
    name: "date with time",
    method: "POST",
    path: "/source/1001/user",
    opts: {
      body: user({
        customFields: [{ id: 104, value: { type: "date", value: "2024-05-01T00:00:00Z" } }],
      }),
    },
    status: 400,
    violation: "body.customFields[0].value.value must be a date in YYYY-MM-DD form",
  },
  {
    name: "impossible date",
    method: "POST",
    path: "/source/1001/user",
    opts: {
      body: user({ customFields: [{ id: 104, value: { type: "date", value: "2024-02-30" } }] }),
    },
    status: 400,
    violation: "must be a date in YYYY-MM-DD form",
  },
  {
    name: "int with fraction",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: [{ id: 105, value: { type: "int", value: 1.5 } }] }) },
    status: 400,
    violation: "body.customFields[0].value.value must be an integer (got 1.5)",
  },
  {
    name: "number as string",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ customFields: [{ id: 106, value: { type: "number", value: "3.2" } }] }) },
    status: 400,
    violation: "body.customFields[0].value.value must be a number (got string)",
  },
  {
    name: "boolean as string",
    method: "POST",
    path: "/source/1001/user",
    opts: {
      body: user({ customFields: [{ id: 108, value: { type: "boolean", value: "true" } }] }),
    },
    status: 400,
    violation: "must be a boolean (got string)",
  },
  {
    name: "bad url",
    method: "POST",
    path: "/source/1001/user",
    opts: {
      body: user({ customFields: [{ id: 107, value: { type: "url", value: "example.com" } }] }),
    },
    status: 400,
    violation: "must be an http(s) URL string",
  },
  {
    name: "multi-value item type",
    method: "POST",
    path: "/source/1001/user",
    opts: {
      body: user({ customFields: [{ id: 102, value: { type: "enum", value: ["AI", 3] } }] }),
    },
    status: 400,
    violation: "body.customFields[0].value.value[1] must be a string (got number)",
  },
  {
    name: "nullable field given a number",
    method: "POST",
    path: "/source/1001/user",
    opts: { body: user({ companyName: 7 }) },
    status: 400,
    violation: "body.companyName must be a string (got number)",
  },
  // activity fields
  {
    name: "activity without user",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: { id: "a1", activityType: "other" } },
    status: 400,
    violation: "body.user is required",
  },
  {
    name: "activity user without id",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ user: { email: "a@b.co" } }) },
    status: 400,
    violation: "body.user.id is required",
  },
  {
    name: "activity without activityType",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: { id: "a1", user: { id: "u1" } } },
    status: 400,
    violation: "body.activityType is required",
  },
  {
    name: "content type html",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ content: { type: "html", value: "<b>" } }) },
    status: 400,
    violation: 'body.content.type must be one of text, markdown (got "html")',
  },
  {
    name: "content as string",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ content: "hello" }) },
    status: 400,
    violation: "body.content must be an object (got string)",
  },
  {
    name: "markdown title",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ activityTitle: { type: "markdown", value: "# x" } }) },
    status: 400,
    violation: 'body.activityTitle.type must be one of text (got "markdown")',
  },
  {
    name: "subSource type",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ subSource: { type: "channel", name: "x" } }) },
    status: 400,
    violation: 'body.subSource.type must be one of name (got "channel")',
  },
  {
    name: "parentActivity incomplete",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ parentActivity: { id: "a0" } }) },
    status: 400,
    violation: "body.parentActivity.activityType is required",
  },
  {
    name: "toUTCString timestamp",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ timestamp: "Wed, 01 May 2024 12:00:00 GMT" }) },
    status: 400,
    violation: "body.timestamp must be an ISO 8601 date-time",
  },
  {
    name: "date-only timestamp",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ timestamp: "2024-05-01" }) },
    status: 400,
    violation: "body.timestamp must be an ISO 8601 date-time",
  },
  {
    name: "epoch timestamp",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ timestamp: 1714564800000 }) },
    status: 400,
    violation: "body.timestamp must be an ISO 8601 date-time string (got number)",
  },
  {
    name: "null timestamp",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ timestamp: null }) },
    status: 400,
    violation: "body.timestamp must be an ISO 8601 date-time string (got null)",
  },
  {
    name: "null activity tags",
    method: "POST",
    path: "/source/1001/activity",
    opts: { body: activity({ tags: null }) },
    status: 400,
    violation: "body.tags must be an array (got null)",
  },
  {
    name: "bad nested user field",
    method: "POST",
    path: "/source/1001/activity",
    opts: {
      body: activity({
        user: {
          id: "u1",
          customFields: [{ id: 104, value: { type: "date", value: "01/05/2024" } }],
        },
      }),
    },
    status: 400,
    violation: "body.user.customFields[0].value.value must be a date in YYYY-MM-DD form",
  },
  // tag bodies
  {
    name: "entityTypes enum",
    method: "POST",
    path: "/tags",
    opts: { body: { name: "x", entityTypes: ["contact"] } },
    status: 400,
    violation:
      'POST /tags: body.entityTypes[0] must be one of member, activity, company (got "contact")',
  },
  {
    name: "entityTypes missing",
    method: "POST",
    path: "/tags",
    opts: { body: { name: "x" } },
    status: 400,
    violation: "body.entityTypes is required",
  },
  {
    name: "entityTypes as string",
    method: "POST",
    path: "/tags",
    opts: { body: { name: "x", entityTypes: "member" } },
    status: 400,
    violation: "body.entityTypes must be an array (got string)",
  },
  {
    name: "entityTypes empty",
    method: "POST",
    path: "/tags",
    opts: { body: { name: "x", entityTypes: [] } },
    status: 400,
    violation: "body.entityTypes must list at least one",
  },
  {
    name: "create without name",
    method: "POST",
    path: "/tags",
    opts: { body: { entityTypes: ["member"] } },
    status: 400,
    violation: "body.name is required",
  },
  {
    name: "null name",
    method: "POST",
    path: "/tags",
    opts: { body: { name: null, entityTypes: ["member"] } },
    status: 400,
    violation: "body.name must be a string (got null)",
  },
  {
    name: "unknown field on create",
    method: "POST",
    path: "/tags",
    opts: { body: { name: "x", entityTypes: ["member"], color: "red" } },
    status: 400,
    violation: "POST /tags: body.color is not a known field",
  },
  {
    name: "update without name",
    method: "POST",
    path: "/tags/tag_1",
    opts: { body: { description: "d" } },
    status: 400,
    violation: "POST /tags/tag_1: body.name is required",
  },
  {
    name: "entityTypes on update",
    method: "POST",
    path: "/tags/tag_1",
    opts: { body: { name: "x", entityTypes: ["member"] } },
    status: 400,
    violation: "body.entityTypes is not a known field",
  },
  {
    name: "description as number",
    method: "POST",
    path: "/tags/tag_1",
    opts: { body: { name: "x", description: 5 } },
    status: 400,
    violation: "body.description must be a string (got number)",
  },
];

describe("every kind of spec violation is recorded and answered loudly", () => {
  it.each(cases)("$name", async ({ method, path, opts, status, violation }) => {
    const res = await call(method, path, opts);
    expect(res.status).toBe(status);
    expect(
      sim.violations.some((v) => v.includes(violation)),
      `violations: ${JSON.stringify(sim.violations)}`,
    ).toBe(true);
    expect(sim.requests.at(-1)?.violations).toEqual(sim.violations);
    expect(() => sim.assertNoViolations()).toThrow(violation);
    if (status === 400)
      expect(res.json).toEqual({ reason: "invalid-request-body", docs: DOCS_URL });
    expect(res.headers.get("x-ratelimit-limit")).not.toBeNull();
    // Nothing was written by a rejected request.
    expect(sim.state.users.size + sim.state.activities.size).toBe(0);
    expect(sim.state.tags.size).toBe(4);
  });

  it("a valid request records nothing", async () => {
    const res = await call("POST", "/source/1001/activity", {
      body: activity({
        timestamp: "2024-05-01T12:00:00+02:00",
        content: null,
        url: null,
        activityTitle: null,
        subSource: null,
        parentActivity: null,
      }),
    });
    expect(res.status).toBe(202);
    expect(sim.violations).toEqual([]);
    expect(() => sim.assertNoViolations()).not.toThrow();
  });
});

describe("legal but noteworthy requests are noted, not rejected", () => {
  it("records a custom field sent without value (it clears the field)", async () => {
    await call("POST", "/source/1001/user", {
      body: user({ customFields: [{ id: 103, value: { type: "string", value: "Pro" } }] }),
    });
    expect(sim.state.users.get("1001:u1")?.customFields.get(103)).toBe("Pro");
    const res = await call("POST", "/source/1001/user", {
      body: user({ customFields: [{ id: 103 }] }),
    });
    expect(res.status).toBe(202);
    expect(sim.violations).toEqual([]);
    expect(sim.requests[1]?.clearedCustomFields).toEqual([103]);
    expect(sim.requests[1]?.notes.join("\n")).toContain("custom field 103 is cleared");
    expect(sim.requests[0]?.clearedCustomFields).toEqual([]);
    expect(sim.state.users.get("1001:u1")?.customFields.has(103)).toBe(false);
    await call("POST", "/source/1001/activity", {
      body: activity({ user: { id: "u2", customFields: [{ id: 101 }] } }),
    });
    expect(sim.requests[2]?.clearedCustomFields).toEqual([101]);
  });

  it("notes unknown activity types, unknown custom fields, mismatched types, unknown tag ids and unknown fields", async () => {
    const res = await call("POST", "/source/1001/activity", {
      body: {
        ...activity({ activityType: "invented_type", tags: [{ type: "id", id: "tag_999" }] }),
        source: "forum",
        user: {
          id: "u1",
          name: "x",
          customFields: [
            { id: 999, value: { type: "string", value: "x" } },
            { id: 101, value: { type: "string", value: "Go" } },
          ],
        },
      },
    });
    expect(res.status).toBe(202);
    expect(sim.violations).toEqual([]);
    const notes = sim.requests[0]?.notes.join("\n") ?? "";
    expect(notes).toContain(
      'body.activityType "invented_type" is not an activity type of this room',
    );
    expect(notes).toContain("body.user.customFields[0].id 999 is not a custom field of this room");
    expect(notes).toContain(
      "body.user.customFields[1].value.type is string but custom field 101 is enum",
    );
    expect(notes).toContain('tag id "tag_999" does not exist');
    expect(notes).toContain("body.source is not in the schema");
    expect(notes).toContain("body.user.name is not in the schema");
  });
});
