import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SOURCE_ID, lastTask, startHarness, type Harness, type WorkflowRun } from "./harness.js";

/**
 * The operations beyond the Orkes connected app (contract.md, "Beyond the connected app"),
 * end to end: each task type's success, paging, the bulk outcome rule, the catalog
 * pre-check, and their error mappings.
 */

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

function outcome(run: WorkflowRun) {
  const task = lastTask(run);
  return {
    task,
    output: task.outputData,
    error: task.outputData.error as
      | {
          code: string;
          message: string;
          retryable: boolean;
          details?: { issues?: { path: string }[] };
        }
      | undefined,
  };
}

async function completed(taskType: string, input: Record<string, unknown>) {
  const run = await h.runTask(taskType, input);
  const { task, output } = outcome(run);
  expect(task.status, JSON.stringify(output)).toBe("COMPLETED");
  h.sim.assertNoViolations();
  return output;
}

const posts = (path: RegExp) =>
  h.sim.requests.filter((r) => r.method === "POST" && path.test(r.path));

describe("Anonymize Contact: common_room_anonymize_contact → status accepted, message", () => {
  it("asks Common Room to forget the email and never logs it, not even hashed", async () => {
    const email = "forget.me+now@example.com";
    const output = await completed("common_room_anonymize_contact", { email });
    expect(output).toEqual({ status: "accepted", message: expect.any(String) });
    expect(h.sim.state.anonymizations).toContain(email);
    expect(h.sim.requests[0]).toMatchObject({ method: "DELETE", api: "v1" });
    const logs = h.logs.join("");
    expect(logs).toContain("anonymization requested");
    expect(logs).not.toMatch(/forget|emailHash|sha256/i);
    expect(logs).not.toContain(encodeURIComponent(email));
  });

  it("rejects something that is not an email, naming the field", async () => {
    const { error } = outcome(await h.runTask("common_room_anonymize_contact", { email: "nope" }));
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.details?.issues?.[0]?.path).toBe("email");
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe("Create Segment: common_room_create_segment → id, name", () => {
  it("creates a segment on the v2 API, and a second of that name is the terminal CONFLICT", async () => {
    const output = await completed("common_room_create_segment", {
      name: "Webinar attendees",
      description: "From the **May** webinar",
    });
    expect(output).toEqual({
      id: expect.stringMatching(/^s_\d+$/),
      segmentId: Number(String(output.id).slice(2)),
      name: "Webinar attendees",
    });
    expect(h.sim.requests[0]).toMatchObject({
      method: "POST",
      api: "v2",
      path: "/segments",
      body: { name: "Webinar attendees", description: "From the **May** webinar" },
    });

    const run = await h.runTask("common_room_create_segment", { name: "Webinar attendees" });
    const { task, error } = outcome(run);
    expect(task.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(error).toMatchObject({ code: "CONFLICT", retryable: false });
    expect(task.reasonForIncompletion).toMatch(/^CONFLICT: .*already exists/);
  });

  it("requires objectTypeId for an object segment, before any call", async () => {
    const { error } = outcome(
      await h.runTask("common_room_create_segment", { name: "Objects", entityType: "object" }),
    );
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.details?.issues?.[0]?.path).toBe("objectTypeId");
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe("List Contacts: common_room_list_contacts → contacts, nextCursor", () => {
  it("returns one page with its cursor by default", async () => {
    const output = await completed("common_room_list_contacts", {
      limit: 10,
      cols: ["primaryEmail", "fullName"],
    });
    const contacts = output.contacts as { id: string; name: string }[];
    expect(contacts).toHaveLength(10);
    expect(output.nextCursor).toEqual(expect.any(String));
    expect(h.sim.requests[0]).toMatchObject({
      api: "v2",
      path: "/contacts",
      query: { limit: "10", cols: "primaryEmail,fullName" },
    });
  });

  it("with fetchAll walks a whole segment across pages, without a loop in the workflow", async () => {
    const output = await completed("common_room_list_contacts", {
      segmentId: 201,
      limit: 5,
      fetchAll: true,
    });
    const ids = (output.contacts as { id: string }[]).map((c) => c.id);
    expect(ids).toHaveLength(23); // c_1, c_11, ..., c_221
    expect(new Set(ids).size).toBe(23);
    expect(output.nextCursor).toBeNull();
    expect(h.sim.requests.length).toBe(5);
    for (const request of h.sim.requests) expect(request.query.segmentId).toBe("s_201");
  });

  it("stops at maxItems and returns the cursor to resume from: nothing skipped, nothing twice", async () => {
    const first = await completed("common_room_list_contacts", {
      limit: 40,
      fetchAll: true,
      maxItems: 90,
    });
    const firstIds = (first.contacts as { id: string }[]).map((c) => c.id);
    expect(firstIds).toHaveLength(90);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await completed("common_room_list_contacts", {
      cursor: first.nextCursor,
      limit: 200,
      fetchAll: true,
      maxItems: 10_000,
    });
    const restIds = (rest.contacts as { id: string }[]).map((c) => c.id);
    expect(rest.nextCursor).toBeNull();
    expect(new Set([...firstIds, ...restIds]).size).toBe(230);
    expect(firstIds.length + restIds.length).toBe(230);
  });

  it("rejects a limit over 200 and a maxItems over 10000, naming each field", async () => {
    const { error } = outcome(
      await h.runTask("common_room_list_contacts", { limit: 500, maxItems: 20_000 }),
    );
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.details?.issues?.map((i) => i.path).sort()).toEqual(["limit", "maxItems"]);
  });
});

describe("Get Contact: common_room_get_contact → the Contact's fields at top level", () => {
  it("reads one contact with extra columns", async () => {
    const output = await completed("common_room_get_contact", {
      contactId: "c_2",
      cols: "primaryEmail",
    });
    expect(output).toMatchObject({
      id: "c_2",
      name: expect.any(String),
      primaryEmail: expect.any(String),
    });
  });

  it("maps v2's contact_not_found to NOT_FOUND, and a malformed id to INVALID_INPUT", async () => {
    const missing = outcome(await h.runTask("common_room_get_contact", { contactId: "c_999999" }));
    expect(missing.error).toMatchObject({ code: "NOT_FOUND", retryable: false });
    const bad = outcome(await h.runTask("common_room_get_contact", { contactId: "42" }));
    expect(bad.error?.code).toBe("INVALID_INPUT");
    expect(bad.error?.details?.issues?.[0]?.path).toBe("contactId");
  });
});

describe("List Activities: common_room_list_activities → activities, nextCursor", () => {
  it("pages through a date range", async () => {
    const output = await completed("common_room_list_activities", {
      startDate: "2024-03-01T00:00:00Z",
      endDate: "2024-03-31T23:59:59Z",
      limit: 20,
      fetchAll: true,
    });
    const activities = output.activities as { id: string; activityTime: string }[];
    expect(activities.length).toBeGreaterThan(20);
    for (const a of activities)
      expect(a.activityTime >= "2024-03-01" && a.activityTime < "2024-04-01").toBe(true);
    expect(output.nextCursor).toBeNull();
  });

  it("maps a v2 5xx to the retryable UPSTREAM_ERROR", async () => {
    h.sim.inject({ match: { api: "v2" }, status: 500, times: Infinity });
    const run = await h.runTask("common_room_list_activities", {});
    expect(run.status).toBe("FAILED");
    expect(outcome(run).error).toMatchObject({ code: "UPSTREAM_ERROR", retryable: true });
  });
});

describe("Bulk Add or Edit Users: common_room_bulk_add_or_edit_users → accepted, failed, results", () => {
  it("writes every valid user; a bad one fails alone, named by its index", async () => {
    const users = [
      { id: "b1", email: "b1@example.com" },
      { id: "b2" },
      { email: "no-id@example.com" },
      { id: "b4", fullName: "Four" },
    ];
    const output = await completed("common_room_bulk_add_or_edit_users", { users });
    expect(output).toMatchObject({ accepted: 3, failed: 1 });
    const results = output.results as {
      id: unknown;
      status: string;
      error?: { code: string; message: string; retryable: boolean };
    }[];
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ["b1", "accepted"],
      ["b2", "accepted"],
      [null, "failed"],
      ["b4", "accepted"],
    ]);
    expect(results[2]?.error).toMatchObject({
      code: "INVALID_INPUT",
      retryable: false,
      message: expect.stringContaining("users.2.id"),
    });
    expect(
      posts(new RegExp(`^/source/${SOURCE_ID}/user$`))
        .map((r) => (r.body as { id: string }).id)
        .sort(),
    ).toEqual(["b1", "b2", "b4"]);
  });

  it("BULK_FAILED, terminal, when no item is valid; the results stay in the output", async () => {
    const run = await h.runTask("common_room_bulk_add_or_edit_users", {
      users: [{ email: "x@example.com" }, { id: 5 }],
    });
    const { task, output, error } = outcome(run);
    expect(task.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(error).toMatchObject({ code: "BULK_FAILED", retryable: false });
    expect(output).toMatchObject({ accepted: 0, failed: 2 });
    expect(h.sim.requests).toHaveLength(0);
  });

  it("BULK_FAILED, retryable, when every item failed on a retryable error", async () => {
    h.sim.inject({ match: { method: "POST" }, status: 503, times: Infinity });
    const run = await h.runTask("common_room_bulk_add_or_edit_users", {
      users: [{ id: "r1" }, { id: "r2" }],
    });
    expect(run.tasks[0]?.status).toBe("FAILED");
    expect(run.tasks[0]?.outputData.error).toMatchObject({ code: "BULK_FAILED", retryable: true });
  });

  it("writes a long batch, with a progress line every hundred items", async () => {
    const users = Array.from({ length: 250 }, (_, i) => ({ id: `bulk-${i}` }));
    const before = h.logs.length;
    const output = await completed("common_room_bulk_add_or_edit_users", { users });
    expect(output).toMatchObject({ accepted: 250, failed: 0 });
    expect(h.sim.state.users.size).toBe(250);
    const progress = h.logs.slice(before).filter((line) => line.includes("bulk users in progress"));
    expect(progress).toHaveLength(2);
  });

  it("rejects an empty batch and one over 1000 items", async () => {
    for (const users of [[], Array.from({ length: 1001 }, (_, i) => ({ id: `u${i}` }))]) {
      const { error } = outcome(await h.runTask("common_room_bulk_add_or_edit_users", { users }));
      expect(error?.code).toBe("INVALID_INPUT");
      expect(error?.details?.issues?.[0]?.path).toBe("users");
    }
  });
});

describe("Bulk Add or Edit Activities: common_room_bulk_add_or_edit_activities → accepted, failed, results", () => {
  it("with validateAgainstCatalog, an unknown activity type fails that item only", async () => {
    const activities = [
      { id: "a1", activityType: "made_post_topic", user: { id: "u1" } },
      { id: "a2", activityType: "telepathy", user: { id: "u2" } },
    ];
    const output = await completed("common_room_bulk_add_or_edit_activities", {
      activities,
      validateAgainstCatalog: true,
    });
    expect(output).toMatchObject({ accepted: 1, failed: 1 });
    const results = output.results as {
      id: string;
      activityType: string;
      status: string;
      error?: { code: string; message: string };
    }[];
    expect(results[0]).toMatchObject({
      id: "a1",
      activityType: "made_post_topic",
      status: "accepted",
    });
    expect(results[1]).toMatchObject({
      id: "a2",
      activityType: "telepathy",
      status: "failed",
      error: { code: "INVALID_INPUT" },
    });
    expect(results[1]?.error?.message).toContain("activities.1.activityType");
    expect(posts(/\/activity$/)).toHaveLength(1);
  });
});

describe("validateAgainstCatalog on Add or Edit User / Activity", () => {
  it("fails fast with INVALID_INPUT naming the unknown custom field, writing nothing", async () => {
    const { task, error } = outcome(
      await h.runTask("common_room_add_or_edit_user", {
        validateAgainstCatalog: true,
        user: {
          id: "u1",
          customFields: [
            { id: 103, value: { type: "string", value: "gold" } },
            { id: 999, value: { type: "string", value: "x" } },
          ],
        },
      }),
    );
    expect(task.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.details?.issues?.map((i) => i.path)).toEqual(["user.customFields.1.id"]);
    expect(posts(/./)).toHaveLength(0);
  });

  it("checks a value's type and enum against the field, and passes a good write through", async () => {
    const wrongType = outcome(
      await h.runTask("common_room_add_or_edit_user", {
        validateAgainstCatalog: true,
        user: {
          id: "u1",
          customFields: [
            { id: 105, value: { type: "string", value: "3" } },
            { id: 101, value: { type: "enum", value: "Cobol" } },
          ],
        },
      }),
    );
    expect(wrongType.error?.details?.issues?.map((i) => i.path)).toEqual([
      "user.customFields.0.value.type",
      "user.customFields.1.value.value",
    ]);

    h.sim.reset();
    await completed("common_room_add_or_edit_activity", {
      validateAgainstCatalog: true,
      activity: {
        id: "p1",
        activityType: "other",
        user: { id: "u1", customFields: [{ id: 105, value: { type: "int", value: 3 } }] },
      },
    });
    expect(posts(/\/activity$/)).toHaveLength(1);
  });

  it("caches the catalog per integration: a second task does not fetch it again", async () => {
    const input = {
      validateAgainstCatalog: true,
      activity: { id: "p2", activityType: "other", user: { id: "u1" } },
    };
    await completed("common_room_add_or_edit_activity", input);
    await completed("common_room_add_or_edit_activity", {
      ...input,
      activity: { ...input.activity, id: "p3" },
    });
    const catalogReads = h.sim.requests.filter(
      (r) => r.path === "/activityTypes" || r.path === "/members/customFields",
    );
    expect(catalogReads.length).toBeLessThanOrEqual(2);
  });
});
