import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "../../src/operations/index.js";
import { until } from "../support/until.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * Polling cost and pickup: idle, one long poll per task type held by the server for up to
 * 5 s (count=1, so it returns the moment a task is queued); busy, batches sized to the free
 * slots without waiting.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { CONDUCTOR_WORKER_ALL_POLL_TIMEOUT: "5000" } });
});
afterAll(async () => {
  await h?.close();
});

const polls = (since = 0) =>
  h.conductor.requests.filter((r) => r.path.startsWith("/api/tasks/poll/batch/") && r.at >= since);

describe("polling", () => {
  it("idle: each task type holds one long poll for one task, answered within its 5 s", async () => {
    // The window: from now until every task type's long poll has been answered once in it
    // (requests are recorded when answered, so the new entries are the polls answered).
    const first = h.conductor.requests.length;
    const answered = () =>
      h.conductor.requests.slice(first).filter((r) => r.path.startsWith("/api/tasks/poll/batch/"));
    await until(
      () => new Set(answered().map((r) => r.path)).size === operations.length,
      15_000,
      "a long poll of every task type to be answered",
    );
    const idle = answered();
    // One task type, one poll answered per ~5 s: the SDK's defaults send about 25 times as many.
    expect(idle.length).toBeGreaterThanOrEqual(operations.length);
    expect(idle.length).toBeLessThanOrEqual(operations.length * 3);
    for (const poll of idle) expect(poll.query).toMatchObject({ count: "1", timeout: "5000" });
    const byType = new Map<string, number>();
    for (const poll of idle) byType.set(poll.path, (byType.get(poll.path) ?? 0) + 1);
    expect(Math.max(...byType.values())).toBeLessThanOrEqual(3);
  });

  it("a task queued during an idle long poll is picked up at once", async () => {
    const run = await h.runTask("common_room_get_segments", {});
    const task = run.tasks[0]!;
    expect(run.status).toBe("COMPLETED");
    // Generous bound (shared machine); the long poll itself would take 5000 ms.
    expect(
      (task as unknown as { startTime: number; scheduledTime: number }).startTime -
        (task as unknown as { scheduledTime: number }).scheduledTime,
    ).toBeLessThan(1500);
  });

  it("busy: a backlog is polled in batches sized to the free slots, without waiting", async () => {
    await h.registerWorkflow("backlog", "common_room_list_tags");
    h.sim.reset();
    const since = Date.now();
    const ids = await Promise.all(Array.from({ length: 30 }, () => h.startWorkflow("backlog", {})));
    const runs = await Promise.all(ids.map((id) => h.waitFor(id)));
    expect(runs.every((r) => r.status === "COMPLETED")).toBe(true);
    const busy = polls(since).filter(
      (p) => p.path.endsWith("/common_room_list_tags") && p.query.timeout === "0",
    );
    expect(busy.length).toBeGreaterThan(0);
    for (const poll of busy) expect(Number(poll.query.count)).toBeLessThanOrEqual(10);
    // Fewer polls than tasks: batches (and update-v2 hand-offs) did the rest.
    expect(
      polls(since).filter((p) => p.path.endsWith("/common_room_list_tags")).length,
    ).toBeLessThan(30);
  });
});
