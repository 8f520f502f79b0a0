import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastTask, startHarness, type Harness } from "./harness.js";

/**
 * The account-level reads (contract.md, "Beyond the connected app": List, Get and Find
 * Organization, Get Segment, Get Activity, List Website Visits) and the time window of List
 * Activities, end to end: the worker as `npm start` runs it, on dev/conductor and on the
 * genuine Conductor OSS server (the oss-* projects), against the Common Room simulator.
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

async function completed(taskType: string, input: Record<string, unknown>) {
  const task = lastTask(await h.runTask(taskType, input));
  expect(task.status, JSON.stringify(task.outputData)).toBe("COMPLETED");
  h.sim.assertNoViolations();
  return task.outputData;
}

async function failed(taskType: string, input: Record<string, unknown>) {
  const task = lastTask(await h.runTask(taskType, input));
  return {
    status: task.status,
    error: task.outputData.error as { code: string; message: string; retryable: boolean },
  };
}

describe("List Organizations: common_room_list_organizations", () => {
  it("one page, or every page with fetchAll; cols as an array; recordCount when asked", async () => {
    const page = await completed("common_room_list_organizations", { limit: 5 });
    expect((page.organizations as { id: string }[]).map((o) => o.id)).toEqual([
      "o_1",
      "o_2",
      "o_3",
      "o_4",
      "o_5",
    ]);
    expect(page).toMatchObject({ nextCursor: expect.any(String), truncated: false });
    const all = await completed("common_room_list_organizations", {
      limit: "5",
      fetchAll: "true",
      cols: ["contactsCount", "recordCount"],
    });
    expect(all.organizations).toHaveLength(12);
    expect(all).toMatchObject({ nextCursor: null, truncated: false, recordCount: 12 });
    expect((all.organizations as { contactsCount: number }[])[0]!.contactsCount).toEqual(
      expect.any(Number),
    );
  });

  it("filters by exact primaryDomain; a column it does not have is INVALID_INPUT", async () => {
    const found = await completed("common_room_list_organizations", {
      primaryDomain: "wonka.example.com",
    });
    expect(found.organizations).toEqual([
      { id: "o_11", name: "Wonka", primaryDomain: "wonka.example.com" },
    ]);
    const bad = await failed("common_room_list_organizations", { cols: "fullName" });
    expect(bad).toMatchObject({
      status: "FAILED_WITH_TERMINAL_ERROR",
      error: { code: "INVALID_INPUT", message: expect.stringContaining("cols") },
    });
  });
});

describe("Get Organization and Find Organization", () => {
  it("Get Organization puts the organization's fields at the top of the output", async () => {
    const output = await completed("common_room_get_organization", {
      organizationId: "o_4",
      cols: "employees,url",
    });
    expect(output).toMatchObject({
      id: "o_4",
      name: "Umbrella",
      primaryDomain: "umbrella.example.com",
      url: expect.stringContaining("/organization/4"),
    });
  });

  it("Find Organization turns a URL into the domain, and none found is COMPLETED with null", async () => {
    const found = await completed("common_room_find_organization", {
      domain: "https://www.Tyrell.example.com/careers",
    });
    expect(found).toEqual({
      found: true,
      organization: { id: "o_10", name: "Tyrell", primaryDomain: "tyrell.example.com" },
    });
    const none = await completed("common_room_find_organization", { domain: "nobody.example" });
    expect(none).toEqual({ found: false, organization: null });
  });

  it("an unknown organization is NOT_FOUND, a malformed id INVALID_INPUT: both terminal", async () => {
    expect(await failed("common_room_get_organization", { organizationId: "o_77" })).toMatchObject({
      status: "FAILED_WITH_TERMINAL_ERROR",
      error: { code: "NOT_FOUND", retryable: false },
    });
    expect(await failed("common_room_get_organization", { organizationId: "77" })).toMatchObject({
      status: "FAILED_WITH_TERMINAL_ERROR",
      error: { code: "INVALID_INPUT" },
    });
  });
});

describe("Get Segment and Get Activity", () => {
  it("Get Segment takes the segment id as Get Segments or Create Segment gives it", async () => {
    for (const segmentId of [201, "201", "s_201"]) {
      const output = await completed("common_room_get_segment", { segmentId, cols: "entityCount" });
      expect(output).toEqual({
        id: "s_201",
        name: expect.any(String),
        entityType: "contact",
        entityCount: 23,
      });
    }
  });

  it("Get Activity reads one activity; an unknown one is NOT_FOUND", async () => {
    const output = await completed("common_room_get_activity", {
      activityId: "a_3",
      cols: ["contactId", "content"],
    });
    expect(output).toMatchObject({ id: "a_3", contactId: expect.stringMatching(/^c_\d+$/) });
    expect((await failed("common_room_get_activity", { activityId: "a_99999" })).error.code).toBe(
      "NOT_FOUND",
    );
  });
});

describe("List Website Visits: common_room_list_website_visits", () => {
  it("an organization's visits, every page up to maxItems, with the cursor to resume from", async () => {
    const output = await completed("common_room_list_website_visits", {
      organizationId: "o_2",
      cols: "contactId,organizationId",
      limit: 3,
      fetchAll: true,
      maxItems: 7,
    });
    const visits = output.visits as { organizationId: string }[];
    expect(visits).toHaveLength(7);
    expect(visits.every((v) => v.organizationId === "o_2")).toBe(true);
    expect(output).toMatchObject({ truncated: true, nextCursor: expect.any(String) });
  });
});

describe("List Activities over a window, as a schedule passes it", () => {
  it("asOf and lookbackSeconds from the workflow input read [asOf - lookback, asOf)", async () => {
    const name = `e2e_window_${Math.random().toString(36).slice(2, 8)}`;
    await h.registerWorkflow(name, "common_room_list_activities", {
      asOf: "${workflow.input._scheduledTime}",
      lookbackSeconds: "${workflow.input.lookbackSeconds}",
      fetchAll: true,
    });
    const asOf = Date.UTC(2024, 5, 1);
    const runs = [];
    for (const at of [asOf, asOf + 86_400_000]) {
      const id = await h.startWorkflow(name, { _scheduledTime: at, lookbackSeconds: 86_400 });
      runs.push(lastTask(await h.waitFor(id)));
    }
    expect(runs.map((t) => t.status)).toEqual(["COMPLETED", "COMPLETED"]);
    const windows = h.sim.requests
      .filter((r) => r.path === "/activities")
      .map((r) => [r.query.startDate, r.query.endDate]);
    expect(windows).toEqual([
      ["2024-05-31T00:00:00.000Z", "2024-05-31T23:59:59.999Z"],
      ["2024-06-01T00:00:00.000Z", "2024-06-01T23:59:59.999Z"],
    ]);
    const ids = runs.flatMap((t) => (t.outputData.activities as { id: string }[]).map((a) => a.id));
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
