import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastTask, startHarness, type Harness } from "./harness.js";

/**
 * Rate limits longer than an attempt's budget (contract: "A 429 does not fail a task on its
 * own"). Its own file: one harness (one msw server) per process.
 */

describe("rate limits beyond the attempt's budget", () => {
  let limited: Harness;
  beforeAll(async () => {
    // A 1 s response timeout gives each attempt an 800 ms budget.
    limited = await startHarness({
      taskDef: { responseTimeoutSeconds: 1, retryCount: 0 },
      maxRateLimitHandbacks: 1,
    });
  });
  afterAll(async () => {
    await limited?.close();
  });
  beforeEach(() => limited.sim.reset());

  it("a wait longer than the budget hands the task back IN_PROGRESS with callbackAfterSeconds, costing no retry", async () => {
    limited.sim.inject({ status: 429, waitMs: 1500 });
    const run = await limited.runTask("common_room_get_segments", {}, { timeoutMs: 20_000 });
    expect(run.status).toBe("COMPLETED");
    const task = lastTask(run);
    expect(run.tasks).toHaveLength(1);
    expect(task.retryCount).toBe(0);
    expect(task.pollCount).toBe(2);
    const [first, second] = limited.sim.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1500);
  });

  it("RATE_LIMITED: still limited after the hand-backs allowed, the task fails retryably", async () => {
    limited.sim.inject({ status: 429, waitMs: 1200, times: Infinity });
    const run = await limited.runTask("common_room_get_segments", {}, { timeoutMs: 20_000 });
    expect(run.status).toBe("FAILED");
    const task = lastTask(run);
    expect(task.status).toBe("FAILED");
    expect(task.outputData.error).toMatchObject({
      code: "RATE_LIMITED",
      retryable: true,
      httpStatus: 429,
    });
  });
});
