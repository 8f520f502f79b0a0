import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastTask, startHarness, type Harness, type WorkflowRun } from "./harness.js";

/**
 * Find Contact and Add Contacts to Segment end to end (contract.md, "Beyond the connected
 * app"): the v1 lookup by email or handle, where a 404 is an answer, and the segment
 * additions sent as one comma-separated value.
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

// c_1 of the simulator's seed, in segment 201 "Champions".
const SEEDED = "grace.torvalds.1@example.com";

function outcome(run: WorkflowRun) {
  const task = lastTask(run);
  const error = task.outputData.error as
    { code: string; message: string; details?: { issues?: { path: string }[] } } | undefined;
  return { task, output: task.outputData, error };
}

async function completed(taskType: string, input: Record<string, unknown>) {
  const { task, output } = outcome(await h.runTask(taskType, input));
  expect(task.status, JSON.stringify(output)).toBe("COMPLETED");
  h.sim.assertNoViolations();
  return output;
}

async function invalid(taskType: string, input: Record<string, unknown>) {
  const { task, error } = outcome(await h.runTask(taskType, input));
  expect(task.status).toBe("FAILED_WITH_TERMINAL_ERROR");
  expect(error?.code).toBe("INVALID_INPUT");
  expect(h.sim.requests).toEqual([]); // checked before any call
  return error!;
}

describe("Find Contact: common_room_find_contact → found, contacts", () => {
  it("finds a contact by email with GET /members?email=", async () => {
    const output = await completed("common_room_find_contact", { email: SEEDED });
    expect(output).toEqual({
      found: true,
      contacts: [expect.objectContaining({ fullName: "Grace Torvalds" })],
    });
    expect(h.sim.requests[0]).toMatchObject({
      method: "GET",
      path: "/members",
      query: { email: SEEDED },
    });
  });

  it("no such contact (Common Room's 404) completes with found: false and no contacts", async () => {
    const output = await completed("common_room_find_contact", { email: "nobody@example.com" });
    expect(output).toEqual({ found: false, contacts: [] });
    expect(h.sim.requests[0]?.status).toBe(404);
  });

  it("looks up by a handle; the other lookups may be null, as Conductor passes them", async () => {
    await completed("common_room_add_or_edit_user", {
      user: { id: "gh-1", fullName: "Octo Cat", github: { type: "handle", value: "octocat" } },
    });
    const output = await completed("common_room_find_contact", {
      github: "octocat",
      email: null,
      twitter: null,
    });
    expect(output.found).toBe(true);
    expect(output.contacts).toEqual([
      expect.objectContaining({ fullName: "Octo Cat", github: "octocat" }),
    ]);
  });

  it("needs exactly one of email, twitter, github, linkedin", async () => {
    expect((await invalid("common_room_find_contact", {})).message).toMatch(
      /exactly one of email, twitter, github, linkedin/,
    );
    const two = await invalid("common_room_find_contact", { email: SEEDED, github: "octocat" });
    expect(two.message).toContain("got email and github");
    expect(two.details?.issues?.[0]?.path).toBe("github");
    expect(
      (await invalid("common_room_find_contact", { email: "nope" })).details?.issues?.[0]?.path,
    ).toBe("email");
  });

  it("Common Room's other failures keep their codes (401 is UNAUTHORIZED, not found: false)", async () => {
    h.sim.inject({ status: 401, times: Infinity });
    const { task, error } = outcome(await h.runTask("common_room_find_contact", { email: SEEDED }));
    expect(task.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(error?.code).toBe("UNAUTHORIZED");
  });
});

describe("Add Contacts to Segment: common_room_add_contacts_to_segment → status added, segmentId, count", () => {
  it("sends the values comma-separated to POST /segments/{id}, with socialType email by default", async () => {
    const output = await completed("common_room_add_contacts_to_segment", {
      segmentId: 202,
      values: [SEEDED, "someone.new@example.com"],
      statusId: "4",
    });
    expect(output).toEqual({ status: "added", segmentId: 202, count: 2 });
    expect(h.sim.requests[0]).toMatchObject({
      method: "POST",
      path: "/segments/202",
      body: { socialType: "email", value: `${SEEDED},someone.new@example.com`, statusId: 4 },
    });
    expect(h.sim.state.contacts.get("c_1")?.segmentIds).toContain(202);
  });

  it("takes the segment id as a number, a string of digits or s_<number>", async () => {
    for (const segmentId of [203, "203", "s_203"]) {
      h.sim.reset();
      const output = await completed("common_room_add_contacts_to_segment", {
        segmentId,
        socialType: "github",
        values: ["octocat"],
      });
      expect(output, String(segmentId)).toEqual({ status: "added", segmentId: 203, count: 1 });
      expect(h.sim.requests[0]?.path).toBe("/segments/203");
    }
  });

  it("names the field of a bad input, before any call", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ segmentId: "c_1", values: [SEEDED] }, "segmentId"],
      [{ segmentId: 202, values: [] }, "values"],
      [
        { segmentId: 202, values: Array.from({ length: 101 }, (_, i) => `u${i}@example.com`) },
        "values",
      ],
      [{ segmentId: 202, values: ["a@example.com,b@example.com"] }, "values.0"],
      [{ segmentId: 202, values: [SEEDED, "not-an-email"] }, "values.1"],
      [{ segmentId: 202, socialType: "phone", values: ["1"] }, "socialType"],
    ];
    for (const [input, path] of cases) {
      const error = await invalid("common_room_add_contacts_to_segment", input);
      expect(error.details?.issues?.[0]?.path, JSON.stringify(input)).toBe(path);
    }
  });

  it("an unknown segment is NOT_FOUND", async () => {
    const { task, error } = outcome(
      await h.runTask("common_room_add_contacts_to_segment", { segmentId: 999, values: [SEEDED] }),
    );
    expect(task.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(error?.code).toBe("NOT_FOUND");
  });
});
