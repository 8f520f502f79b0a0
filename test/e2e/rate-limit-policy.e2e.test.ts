import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultContacts } from "../../dev/commonroom/seed-v2.js";
import { until } from "../support/until.js";
import { lastTask, SOURCE_ID, startHarness, type Harness } from "./harness.js";

/**
 * The rate-limit policy where users meet it (contract.md, "Rules that keep data safe"): one
 * odd answer never freezes a token, and bulk tasks and fetchAll walks under a limit go back
 * IN_PROGRESS with what they did, then resume where they were: nothing written twice,
 * nothing fetched twice, no Conductor retry spent. Runs on dev/conductor and on the real
 * Conductor OSS server.
 */

const CAP_SECONDS = 8;
const CONTACTS = 250;

/** 250 contacts: the simulator's 230, and 20 more after them. */
function contacts() {
  const base = defaultContacts();
  const extra = base.slice(0, CONTACTS - base.length).map((c, i) => ({
    ...c,
    id: `c_${base.length + 1 + i}`,
  }));
  return [...base, ...extra];
}

describe("the rate-limit policy, end to end", { timeout: 60_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { COMMON_ROOM_MAX_RATE_WAIT_SECONDS: String(CAP_SECONDS) },
      // Each request takes 50 ms, so a batch or a walk is still under way when a test injects.
      simulator: { seed: { contacts: contacts() }, latencyMs: 50 },
      // A 6 s response timeout gives each attempt a 4.8 s budget: a hold of the cap (8 s)
      // does not fit in it, so a capped hold hands the task back. (Less leaves a loaded
      // machine too little room to deliver before the real server's response timeout.)
      taskDef: { responseTimeoutSeconds: 6, retryCount: 0 },
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => h.sim.reset());

  it("a 429 naming ten minutes holds the token for the cap, then a probe lifts it: later tasks of any operation run", async () => {
    h.sim.inject({ status: 429, waitMs: 600_000, match: { path: "/tags" } });
    const first = h.runTask("common_room_list_tags", {}, { timeoutMs: 45_000 });
    await until(() => h.sim.requests.length >= 1);
    // Another operation of the same token, started while the hold is on.
    const second = h.runTask("common_room_get_segments", {}, { timeoutMs: 45_000 });
    const [tag, segments] = await Promise.all([first, second]);
    expect(tag.status).toBe("COMPLETED");
    expect(segments.status).toBe("COMPLETED");
    // Both ran within the cap (and a re-poll) of the 429, not ten minutes after it.
    const limitedAt = h.sim.requests.find((r) => r.status === 429)!.at;
    const answered = h.sim.requests.filter((r) => r.status === 200);
    expect(answered).toHaveLength(2);
    for (const request of answered) {
      expect(request.at - limitedAt).toBeLessThan(2 * CAP_SECONDS * 1000);
    }
    const handedBack = lastTask(tag);
    expect(handedBack.retryCount).toBe(0);
    // Never handed back for longer than the cap.
    for (const task of [...tag.tasks, ...segments.tasks]) {
      expect(task.callbackAfterSeconds ?? 0).toBeLessThanOrEqual(CAP_SECONDS);
    }
  });

  it("a 429 whose X-RateLimit-Reset is in epoch milliseconds (and no waitMs) is read as such, and capped", async () => {
    h.sim.inject({
      status: 429,
      resetAt: Date.now() + 2_000,
      omit: ["body", "retryAfter"],
      match: { path: "/segments" },
    });
    const run = await h.runTask("common_room_get_segments", {}, { timeoutMs: 20_000 });
    expect(run.status).toBe("COMPLETED");
    expect(lastTask(run).retryCount).toBe(0);
    expect(h.sim.requests.length).toBe(2);
    const [first, second] = h.sim.requests;
    // Waited about the two seconds the header named: not 1.8e12 seconds, not nothing.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_500);
    expect(second!.at - first!.at).toBeLessThan(CAP_SECONDS * 1000 + 1_500);
  });

  it("a bulk of 60 under a limit it cannot wait out in one attempt: handed back with its progress, resumed, each item written once", async () => {
    const users = Array.from({ length: 60 }, (_, i) => ({
      id: `policy-bulk-${i}`,
      email: `policy.bulk.${i}@example.com`,
    }));
    const running = h.runTask(
      "common_room_bulk_add_or_edit_users",
      { destinationSourceId: SOURCE_ID, users },
      { timeoutMs: 45_000 },
    );
    // After 20 writes, one answer names a ten-minute wait: capped, it is still past the budget.
    await until(() => h.sim.requests.filter((r) => r.method === "POST").length >= 20);
    h.sim.inject({ status: 429, waitMs: 600_000, match: { method: "POST" } });
    const run = await running;
    expect(run.status).toBe("COMPLETED");
    const task = lastTask(run);
    expect(task.retryCount).toBe(0);
    expect(task.pollCount).toBeGreaterThanOrEqual(2);
    expect(task.outputData).toMatchObject({ accepted: 60, failed: 0 });
    expect(task.outputData.waiting).toBeUndefined();
    const writes = h.sim.requests.filter((r) => r.method === "POST");
    const accepted = writes.filter((r) => r.status === 202);
    const ids = accepted.map((r) => (r.body as { id: string }).id);
    expect(new Set(ids).size).toBe(60);
    expect(ids).toHaveLength(60);
  });

  it("a fetchAll of 250 contacts with a long 429 mid-walk: handed back with the pages and cursor, resumed, all 250 in order", async () => {
    const run = h.runTask(
      "common_room_list_contacts",
      { fetchAll: true, limit: 25, maxItems: 10_000 },
      { timeoutMs: 45_000 },
    );
    await until(() => h.sim.requests.length >= 3);
    h.sim.inject({ status: 429, waitMs: 600_000, match: { path: "/contacts", api: "v2" } });
    const done = await run;
    expect(done.status).toBe("COMPLETED");
    const task = lastTask(done);
    expect(task.retryCount).toBe(0);
    expect(task.pollCount).toBeGreaterThanOrEqual(2);
    const ids = (task.outputData.contacts as { id: string }[]).map((c) => c.id);
    expect(ids).toEqual(contacts().map((c) => c.id));
    expect(task.outputData.nextCursor).toBeNull();
    expect(task.outputData.truncated).toBe(false);
    // Every page was fetched once: no cursor asked for twice with a 200.
    const answered = h.sim.requests.filter((r) => r.path === "/contacts" && r.status === 200);
    const cursors = answered.map((r) => r.query.cursor ?? "(start)");
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(answered).toHaveLength(CONTACTS / 25);
  });
});
