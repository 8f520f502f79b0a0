import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { ApiActivity, ApiUser } from "../../src/commonroom/schemas.js";
import { API, TOKEN, makeClient, recorder, useServer } from "./support.js";

const server = useServer();

const tag = {
  id: "tag/1 ä",
  name: "VIP",
  description: "Very important",
  entityTypes: ["member", "activity"],
  createdAt: "2024-01-02T03:04:05.000Z",
  deletedAt: null,
};

/** Every request carries the bearer token and asks for JSON. */
function expectAuth(headers: Headers) {
  expect(headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
  expect(headers.get("accept")).toContain("application/json");
}

describe("CommonRoomClient requests and responses", () => {
  it("getApiTokenStatus: GET /api-token-status, parsed ApiToken", async () => {
    const rec = recorder();
    server.use(
      http.get(`${API}/api-token-status`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({
          jti: "j1",
          communityName: "Room",
          communityId: "8p9",
          extra: 1,
        });
      }),
    );
    const { client } = makeClient();
    await expect(client.getApiTokenStatus()).resolves.toEqual({
      jti: "j1",
      communityName: "Room",
      communityId: "8p9",
    });
    expect(rec.seen).toHaveLength(1);
    expect(rec.seen[0]!.method).toBe("GET");
    expectAuth(rec.seen[0]!.headers);
    expect(rec.seen[0]!.bodyText).toBe("");
  });

  it("addOrEditUser: POST /source/{id}/user with exactly the given user", async () => {
    const rec = recorder();
    server.use(
      http.post(`${API}/source/:id/user`, async ({ request, params }) => {
        await rec.record(request);
        expect(params.id).toBe("45474");
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const user: ApiUser = {
      id: "u-1",
      email: "a@b.c",
      customFields: [{ id: 7 }, { id: 8, value: { type: "int", value: 2 } }],
      bio: null,
    };
    const { client } = makeClient();
    await expect(client.addOrEditUser(45474, user)).resolves.toEqual({
      httpStatus: 202,
      body: undefined,
    });
    const req = rec.seen[0]!;
    expectAuth(req.headers);
    expect(req.headers.get("content-type")).toContain("application/json");
    // Exactly what was given: no invented nulls, no value added to the cleared field.
    expect(req.bodyText).toBe(JSON.stringify(user));
    expect(JSON.parse(req.bodyText)).toStrictEqual(user);
  });

  it("addOrEditActivity: POST /source/{id}/activity; 202 text and JSON bodies", async () => {
    const rec = recorder();
    let reply: () => Response = () => new HttpResponse("Accepted", { status: 202 });
    server.use(
      http.post(`${API}/source/:id/activity`, async ({ request }) => {
        await rec.record(request);
        return reply();
      }),
    );
    const activity: ApiActivity = {
      id: "a-1",
      activityType: "made_post_topic",
      user: { id: "u-1" },
      content: { type: "text", value: "hi" },
    };
    const { client } = makeClient();
    await expect(client.addOrEditActivity(12, activity)).resolves.toEqual({
      httpStatus: 202,
      body: "Accepted",
    });
    reply = () => HttpResponse.json({ status: "ok" }, { status: 202 });
    await expect(client.addOrEditActivity(12, activity)).resolves.toEqual({
      httpStatus: 202,
      body: { status: "ok" },
    });
    expect(rec.seen.map((r) => r.url.pathname)).toEqual([
      "/community/v1/source/12/activity",
      "/community/v1/source/12/activity",
    ]);
    expect(JSON.parse(rec.seen[0]!.bodyText)).toStrictEqual(activity);
    expectAuth(rec.seen[1]!.headers);
  });

  it("getActivityTypes: GET /activityTypes, name optional", async () => {
    server.use(
      http.get(`${API}/activityTypes`, ({ request }) => {
        expectAuth(request.headers);
        return HttpResponse.json([
          { id: "made_post_topic", displayName: "Made a post" },
          { id: "other", displayName: "Other", name: "other" },
        ]);
      }),
    );
    const { client } = makeClient();
    await expect(client.getActivityTypes()).resolves.toEqual([
      { id: "made_post_topic", displayName: "Made a post" },
      { id: "other", displayName: "Other", name: "other" },
    ]);
  });

  it("getCustomFields: GET /members/customFields, filter only when given", async () => {
    const rec = recorder();
    const fields = [
      { id: 1, name: "Plan", type: "enum", multivalue: false, values: ["free", "pro"] },
      { id: 2, name: "Since", type: "date", multivalue: false },
    ];
    server.use(
      http.get(`${API}/members/customFields`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json(fields);
      }),
    );
    const { client } = makeClient();
    await expect(client.getCustomFields()).resolves.toEqual(fields);
    await expect(client.getCustomFields(99)).resolves.toEqual(fields);
    expect(rec.seen[0]!.url.search).toBe("");
    expect(rec.seen[1]!.url.searchParams.get("destinationSourceId")).toBe("99");
    expectAuth(rec.seen[1]!.headers);
  });

  it("getSegments and getSegmentStatuses", async () => {
    const rec = recorder();
    server.use(
      http.get(`${API}/segments`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json([{ id: 3, name: "Champions" }]);
      }),
      http.get(`${API}/segments/:id/status`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json([{ id: 1, name: "New" }]);
      }),
    );
    const { client } = makeClient();
    await expect(client.getSegments()).resolves.toEqual([{ id: 3, name: "Champions" }]);
    await expect(client.getSegmentStatuses(3)).resolves.toEqual([{ id: 1, name: "New" }]);
    expect(rec.seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      "GET /community/v1/segments",
      "GET /community/v1/segments/3/status",
    ]);
    rec.seen.forEach((r) => expectAuth(r.headers));
  });

  it("listTags: GET /tags, {labels}", async () => {
    server.use(
      http.get(`${API}/tags`, ({ request }) => {
        expectAuth(request.headers);
        return HttpResponse.json({ labels: [tag] });
      }),
    );
    const { client } = makeClient();
    await expect(client.listTags()).resolves.toEqual({ labels: [tag] });
  });

  it("createTag: POST /tags with the given body only", async () => {
    const rec = recorder();
    server.use(
      http.post(`${API}/tags`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json(tag);
      }),
    );
    const { client } = makeClient();
    await expect(client.createTag({ name: "VIP", entityTypes: ["member"] })).resolves.toEqual(tag);
    await client.createTag({ name: "VIP", description: null, entityTypes: ["member"] });
    expect(JSON.parse(rec.seen[0]!.bodyText)).toStrictEqual({
      name: "VIP",
      entityTypes: ["member"],
    });
    expect(JSON.parse(rec.seen[1]!.bodyText)).toStrictEqual({
      name: "VIP",
      description: null,
      entityTypes: ["member"],
    });
    expectAuth(rec.seen[0]!.headers);
  });

  it("updateTag: POST /tags/{id} (URL-encoded), getTag: GET, deleteTag: DELETE with empty 200", async () => {
    const rec = recorder();
    server.use(
      http.post(`${API}/tags/:id`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({ ...tag, name: "VVIP" });
      }),
      http.get(`${API}/tags/:id`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json(tag);
      }),
      http.delete(`${API}/tags/:id`, async ({ request }) => {
        await rec.record(request);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const { client } = makeClient();
    await expect(client.updateTag(tag.id, { name: "VVIP" })).resolves.toEqual({
      ...tag,
      name: "VVIP",
    });
    await expect(client.getTag(tag.id)).resolves.toEqual(tag);
    await expect(client.deleteTag(tag.id)).resolves.toEqual({ httpStatus: 200, body: undefined });
    const encoded = "/community/v1/tags/tag%2F1%20%C3%A4";
    expect(rec.seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      `POST ${encoded}`,
      `GET ${encoded}`,
      `DELETE ${encoded}`,
    ]);
    expect(JSON.parse(rec.seen[0]!.bodyText)).toStrictEqual({ name: "VVIP" });
    rec.seen.forEach((r) => expectAuth(r.headers));
  });

  it("deleteTag: a JSON 200 body is parsed", async () => {
    server.use(http.delete(`${API}/tags/:id`, () => HttpResponse.json({ status: "success" })));
    const { client } = makeClient();
    await expect(client.deleteTag("t")).resolves.toEqual({
      httpStatus: 200,
      body: { status: "success" },
    });
  });

  it("reports each response to the observer with the method name as operation", async () => {
    server.use(http.get(`${API}/segments`, () => HttpResponse.json([])));
    const { client, events } = makeClient();
    await client.getSegments();
    expect(events.all).toEqual([
      {
        type: "response",
        operation: "getSegments",
        httpStatus: 200,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it("works with a trailing slash on apiUrl", async () => {
    server.use(http.get(`${API}/segments`, () => HttpResponse.json([])));
    const { client } = makeClient({ apiUrl: `${API}/` });
    await expect(client.getSegments()).resolves.toEqual([]);
  });
});
