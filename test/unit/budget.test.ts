import { describe, expect, it } from "vitest";
import { useOperationRunner } from "../support/operation-runner.js";
import { CommonRoomError } from "../../src/commonroom/errors.js";
import { resolveRetryPolicy, withRetry } from "../../src/commonroom/retry.js";

/**
 * contract.md, "Budget": no Common Room request starts after the attempt's time budget;
 * a bulk task reports the items it did not attempt as NOT_ATTEMPTED and goes back FAILED
 * (retryable) with every item's result, so Conductor's retry resends the batch.
 */

describe("the retry layer", () => {
  it("sends nothing once the deadline has passed", async () => {
    let sent = 0;
    const call = withRetry(
      { operation: "getTag", policy: resolveRetryPolicy(), deadline: Date.now() - 1 },
      () => {
        sent++;
        return Promise.resolve("answer");
      },
    );
    await expect(call).rejects.toMatchObject({
      kind: "network",
      retryable: true,
      details: { code: "BUDGET_SPENT" },
    });
    expect(sent).toBe(0);
  });

  it("does not retry into a spent budget", async () => {
    let sent = 0;
    let now = 1_000;
    const policy = resolveRetryPolicy({ now: () => now, sleep: () => Promise.resolve() });
    const call = withRetry({ operation: "getTag", policy, deadline: 1_500 }, () => {
      sent++;
      now += 600; // the request took 600 ms: past the deadline
      return Promise.reject(
        new CommonRoomError({ kind: "upstream", operation: "getTag", message: "503" }),
      );
    });
    await expect(call).rejects.toBeInstanceOf(CommonRoomError);
    expect(sent).toBe(1);
  });
});

describe("a bulk task that runs out of budget", () => {
  const { sim, run } = useOperationRunner({ latencyMs: 100 });

  it("starts no request after it, reports NOT_ATTEMPTED items, and fails retryably", async () => {
    const users = Array.from({ length: 40 }, (_, i) => ({ id: `budget-user-${i}` }));
    const deadline = Date.now() + 350;
    const { result } = await run("bulk_add_or_edit_users", { users }, { deadline });
    expect(result.status).toBe("FAILED");
    expect(result.outputData.error).toMatchObject({ code: "BULK_FAILED", retryable: true });
    const results = result.outputData.results as { status: string; error?: { code: string } }[];
    expect(results).toHaveLength(40);
    const notAttempted = results.filter((r) => r.error?.code === "NOT_ATTEMPTED");
    const accepted = results.filter((r) => r.status === "accepted");
    expect(notAttempted.length).toBeGreaterThan(0);
    expect(accepted.length + notAttempted.length).toBe(40);
    expect(result.outputData.accepted).toBe(accepted.length);
    // Every request that went out started before the deadline.
    expect(sim.requests).toHaveLength(accepted.length);
    for (const request of sim.requests) expect(request.at).toBeLessThanOrEqual(deadline);
  });
});
