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
    await fetch(`${h.conductor.url}/api/metadata/workflow?overwrite=true`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "storm",
        version: 1,
        timeoutSeconds: 0,
        tasks: [
          {
            name: "common_room_get_segments",
            taskReferenceName: "t",
            type: "SIMPLE",
            inputParameters: {},
          },
        ],
      }),
    });
    const ids = await Promise.all(Array.from({ length: 20 }, () => h.startWorkflow("storm", {})));
    const runs = await Promise.all(ids.map((id) => h.waitFor(id, 30_000)));

    expect(runs.map((r) => r.status)).toEqual(runs.map(() => "COMPLETED"));
    expect(runs.every((r) => r.tasks.length === 1 && r.tasks[0]!.retryCount === 0)).toBe(true);
    const limited = h.sim.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Each 429 was answered by a wait, and each wait lasted what Common Room asked (it asks
    // for the rest of its 1 s window, so waits add up to more than zero but never to a
    // retry storm: fewer requests than three per task).
    expect(await metric("commonroom_worker_rate_limit_waits_total")).toBe(limited.length);
    expect(await metric("commonroom_worker_rate_limit_wait_seconds_total")).toBeGreaterThan(0);
    expect(h.sim.requests.length).toBeLessThan(ids.length * 3);
    // Common Room never served more than its limit in any window.
    const served = h.sim.requests
      .filter((r) => r.status === 200)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    for (let i = LIMIT; i < served.length; i++)
      expect(served[i]! - served[i - LIMIT]!).toBeGreaterThanOrEqual(900);
  });
});
