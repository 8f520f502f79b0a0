import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SOURCE_ID, lastTask, startHarness, type Harness } from "./harness.js";

/** One test per row of contract.md's task-type table: success through the whole chain. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.sim.reset();
});

function requestsTo(method: string, path: string | RegExp) {
  return h.sim.requests.filter(
    (r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)),
  );
}

async function completed(taskType: string, input: Record<string, unknown>) {
  const run = await h.runTask(taskType, input);
  const task = lastTask(run);
  expect(task.status, JSON.stringify(task.outputData)).toBe("COMPLETED");
  expect(run.status).toBe("COMPLETED");
  h.sim.assertNoViolations();
  return task.outputData;
}

describe("task types of the connected app, end to end", () => {
  it("Check API Token Status: common_room_check_api_token_status → jti, communityName, communityId", async () => {
    const output = await completed("common_room_check_api_token_status", {});
    const status = (await (
      await h.sim.handle(
        new Request("https://api.commonroom.io/community/v1/api-token-status", {
          headers: { Authorization: `Bearer ${"e2e-secret-token-3f9c1a"}` },
        }),
      )
    ).json()) as { jti: string; communityName: string; communityId: string };
    expect(output).toEqual({
      jti: status.jti,
      communityName: status.communityName,
      communityId: status.communityId,
    });
    expect(requestsTo("GET", "/api-token-status").length).toBeGreaterThanOrEqual(1);
  });

  it("Add or Edit User: common_room_add_or_edit_user → status accepted, message, destinationSourceId, userId", async () => {
    const user = {
      id: "app-user-1",
      email: "ada@example.com",
      fullName: "Ada Lovelace",
      linkedin: { type: "handle", value: "in/ada" },
      customFields: [{ id: 103, value: { type: "string", value: "gold" } }],
      tags: [{ type: "name", name: "vip" }],
    };
    const output = await completed("common_room_add_or_edit_user", {
      user,
      workflowNote: "extra fields are ignored",
    });
    expect(output).toEqual({
      status: "accepted",
      message: expect.any(String),
      destinationSourceId: SOURCE_ID,
      userId: "app-user-1",
    });
    const [request] = requestsTo("POST", `/source/${SOURCE_ID}/user`);
    // Exactly what the caller gave: no invented nulls, no dropped fields.
    expect(request?.body).toEqual(user);
  });

  it("Add or Edit User takes destinationSourceId as a string of digits", async () => {
    const output = await completed("common_room_add_or_edit_user", {
      destinationSourceId: String(SOURCE_ID),
      user: { id: "u2" },
    });
    expect(output.destinationSourceId).toBe(SOURCE_ID);
    expect(requestsTo("POST", `/source/${SOURCE_ID}/user`)).toHaveLength(1);
  });

  it("Get Activity Types: common_room_get_activity_types → activityTypes", async () => {
    const output = await completed("common_room_get_activity_types", {});
    const types = output.activityTypes as { id: string; displayName: string }[];
    expect(types.length).toBeGreaterThan(0);
    for (const type of types)
      expect(type).toMatchObject({ id: expect.any(String), displayName: expect.any(String) });
    expect(requestsTo("GET", "/activityTypes")).toHaveLength(1);
  });

  it("Add or Edit Activity: common_room_add_or_edit_activity → status accepted, message, destinationSourceId, activityId, activityType", async () => {
    const types = (await completed("common_room_get_activity_types", {})).activityTypes as {
      id: string;
    }[];
    const activity = {
      id: "post-77",
      activityType: types[0]!.id,
      user: { id: "app-user-1", email: "ada@example.com" },
      activityTitle: { type: "text", value: "Hello" },
      content: { type: "markdown", value: "**hi**" },
      timestamp: "2026-11-27T09:30:00.000Z",
      subSource: { type: "name", name: "#general" },
    };
    const output = await completed("common_room_add_or_edit_activity", { activity });
    expect(output).toEqual({
      status: "accepted",
      message: expect.any(String),
      destinationSourceId: SOURCE_ID,
      activityId: "post-77",
      activityType: types[0]!.id,
    });
    expect(requestsTo("POST", `/source/${SOURCE_ID}/activity`)[0]?.body).toEqual(activity);
  });

  it("Get Custom Fields: common_room_get_custom_fields → customFields, the source filter never defaulted", async () => {
    const all = await completed("common_room_get_custom_fields", {});
    const fields = all.customFields as {
      id: number;
      name: string;
      type: string;
      multivalue: boolean;
    }[];
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) {
      expect(field).toMatchObject({
        id: expect.any(Number),
        name: expect.any(String),
        type: expect.any(String),
        multivalue: expect.any(Boolean),
      });
    }
    const [unfiltered] = requestsTo("GET", "/members/customFields");
    expect(unfiltered?.query).not.toHaveProperty("destinationSourceId");

    h.sim.reset();
    await completed("common_room_get_custom_fields", { destinationSourceId: SOURCE_ID });
    expect(requestsTo("GET", "/members/customFields")[0]?.query).toMatchObject({
      destinationSourceId: String(SOURCE_ID),
    });
  });

  it("Get Segments: common_room_get_segments → segments", async () => {
    const output = await completed("common_room_get_segments", {});
    const segments = output.segments as { id: number; name: string }[];
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments)
      expect(s).toEqual({ id: expect.any(Number), name: expect.any(String) });
  });

  it("Get Segment Statuses: common_room_get_segment_statuses → statuses, segmentId (a string of digits is accepted)", async () => {
    const segments = (await completed("common_room_get_segments", {})).segments as { id: number }[];
    const segmentId = segments[0]!.id;
    const output = await completed("common_room_get_segment_statuses", {
      segmentId: String(segmentId),
    });
    expect(output.segmentId).toBe(segmentId);
    expect(Array.isArray(output.statuses)).toBe(true);
    expect(requestsTo("GET", `/segments/${segmentId}/status`)).toHaveLength(1);
  });

  it("List Tags: common_room_list_tags → labels", async () => {
    await completed("common_room_create_tag", { name: "listed", entityTypes: ["member"] });
    const output = await completed("common_room_list_tags", {});
    const labels = output.labels as { name: string }[];
    expect(labels.map((l) => l.name)).toContain("listed");
  });

  it("Create Tag: common_room_create_tag → the ApiTag at top level; the same name returns the same tag", async () => {
    const first = await completed("common_room_create_tag", {
      name: "champion",
      description: "Helps others",
      entityTypes: ["member", "activity"],
    });
    expect(first).toMatchObject({
      id: expect.any(String),
      name: "champion",
      description: "Helps others",
      entityTypes: ["member", "activity"],
      createdAt: expect.any(String),
    });
    const again = await completed("common_room_create_tag", {
      name: "champion",
      entityTypes: ["member"],
    });
    expect(again.id).toBe(first.id);
    expect(requestsTo("POST", "/tags")[0]?.body).toEqual({
      name: "champion",
      description: "Helps others",
      entityTypes: ["member", "activity"],
    });
  });

  it("Update Tag: common_room_update_tag → the updated ApiTag at top level", async () => {
    const tag = await completed("common_room_create_tag", {
      name: "old-name",
      entityTypes: ["company"],
    });
    const output = await completed("common_room_update_tag", {
      tagId: tag.id,
      name: "new-name",
      description: "renamed",
    });
    expect(output).toMatchObject({
      id: tag.id,
      name: "new-name",
      description: "renamed",
      entityTypes: ["company"],
    });
    expect(requestsTo("POST", `/tags/${String(tag.id)}`)[0]?.body).toEqual({
      name: "new-name",
      description: "renamed",
    });
  });

  it("Delete Tag: common_room_delete_tag → status deleted, message, tagId", async () => {
    const tag = await completed("common_room_create_tag", {
      name: "doomed",
      entityTypes: ["member"],
    });
    const output = await completed("common_room_delete_tag", { tagId: tag.id });
    expect(output).toEqual({ status: "deleted", message: expect.any(String), tagId: tag.id });
    const labels = (await completed("common_room_list_tags", {})).labels as { id: string }[];
    expect(labels.map((l) => l.id)).not.toContain(tag.id);
  });

  it("Get Tag: common_room_get_tag → the ApiTag at top level", async () => {
    const tag = await completed("common_room_create_tag", {
      name: "lookup",
      entityTypes: ["activity"],
    });
    const output = await completed("common_room_get_tag", { tagId: tag.id });
    expect(output).toMatchObject({ id: tag.id, name: "lookup", entityTypes: ["activity"] });
  });
});
