import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.js";

/**
 * A 429 storm: far more tasks than Common Room's limit allows at once. No task fails, every
 * 429 is waited out as Common Room asked, and Common Room never serves more than its limit.
 */

const LIMIT = 5;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ simulator: { rateLimit: { limit: LIMIT, intervalMs: 1000 } } });
});
afterAll(async () => {
  await h?.close();
});

async function metric(name: string): Promise<number> {
  const text = await h.service.metrics.registry.getSingleMetricAsString(name);
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, "gm"))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

describe("a Common Room 429 storm", () => {
  it("fails no task, and the waits follow what Common Room asked", async () => {
    await h.registerWorkflow("storm", "common_room_get_segments");
    const ids = await Promise.all(Array.from({ length: 20 }, () => h.startWorkflow("storm", {})));
    const runs = await Promise.all(ids.map((id) => h.waitFor(id, 30_000)));

    expect(runs.map((r) => r.status)).toEqual(runs.map(() => "COMPLETED"));
    expect(runs.every((r) => r.tasks.length === 1 && r.tasks[0]!.retryCount === 0)).toBe(true);
    const limited = h.sim.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Each 429 was answered by exactly one wait of the length asked for, never by a failure
    // or an immediate resend. Everyone waiting retries at the window's reset, so a task can
    // meet a 429 once per window at most: ceil(tasks / limit) windows bound the requests.
    expect(await metric("commonroom_worker_rate_limit_waits_total")).toBe(limited.length);
    expect(await metric("commonroom_worker_rate_limit_wait_seconds_total")).toBeGreaterThan(0);
    expect(h.sim.requests.length).toBeLessThanOrEqual(
      ids.length * (1 + Math.ceil(ids.length / LIMIT)),
    );
    // Common Room's fixed one-second windows served at most LIMIT each: any span shorter
    // than a second overlaps two windows, so holds at most 2 × LIMIT successes.
    const served = h.sim.requests
      .filter((r) => r.status === 200)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    for (let i = 2 * LIMIT; i < served.length; i++) {
      expect(served[i]! - served[i - 2 * LIMIT]!).toBeGreaterThanOrEqual(900);
    }
  });
});
