import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastTask, startHarness, type Harness } from "./harness.js";

/**
 * The pacer's hold counts against the attempt's budget like a 429 wait: once Common Room
 * has said the token's interval is spent for longer than the budget, a new task sends no
 * request at all and goes back IN_PROGRESS with callbackAfterSeconds, costing no retry.
 */

let h: Harness;
beforeAll(async () => {
  // A 1 s response timeout gives each attempt an 800 ms budget.
  h = await startHarness({
    taskDef: { responseTimeoutSeconds: 1, retryCount: 0 },
    maxRateLimitHandbacks: 3,
  });
});
afterAll(async () => {
  await h?.close();
});

async function metric(name: string, labels: string): Promise<number> {
  const text = await h.service.metrics.registry.getSingleMetricAsString(name);
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(" ").pop());
}

describe("a request held by the pacer", () => {
  it("past the attempt's budget, hands the task back without a request, and completes later", async () => {
    await h.registerWorkflow("paced", "common_room_get_segments");
    h.sim.inject({ status: 429, waitMs: 2500 });
    const first = await h.startWorkflow("paced", {});
    const deadline = Date.now() + 10_000;
    while (!h.sim.requests.some((r) => r.status === 429) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const limitedAt = h.sim.requests.find((r) => r.status === 429)!.at;
    const second = await h.startWorkflow("paced", {});
    const [a, b] = await Promise.all([h.waitFor(first, 20_000), h.waitFor(second, 20_000)]);

    expect([a.status, b.status]).toEqual(["COMPLETED", "COMPLETED"]);
    const held = lastTask(b);
    expect(held.retryCount).toBe(0);
    expect(held.pollCount).toBeGreaterThanOrEqual(2);
    // One 429, then nothing until the interval Common Room named had passed.
    expect(h.sim.requests.map((r) => r.status).filter((s) => s === 429)).toHaveLength(1);
    const after = h.sim.requests.filter((r) => r.at > limitedAt);
    expect(after.length).toBe(2);
    for (const request of after) expect(request.at - limitedAt).toBeGreaterThanOrEqual(2400);

    expect(
      await metric("commonroom_worker_rate_limited_responses_total", 'integration="default"'),
    ).toBe(1);
    expect(
      await metric("commonroom_worker_pacer_held_requests_total", 'integration="default"'),
    ).toBeGreaterThanOrEqual(1);
    const budget = await h.service.metrics.registry.getSingleMetricAsString(
      "commonroom_worker_pacer_budget",
    );
    expect(budget).toContain('figure="limit"');
    expect(budget).not.toContain("e2e-secret-token");
  });
});
