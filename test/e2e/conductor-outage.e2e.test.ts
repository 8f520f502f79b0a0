import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastTask, startHarness, type Harness } from "./harness.js";
import { until } from "../support/until.js";

/**
 * Conductor stops acknowledging results for a while. The SDK's own TaskRunner gives up after
 * 4 attempts (about 60 s) and logs "Task result LOST"; the worker keeps the result and sends
 * it again with capped backoff until Conductor takes it. Time is compressed: the harness's
 * delivery backoff tops out at 200 ms instead of 30 s, so a 3 s outage here is many more
 * attempts than the SDK would ever make.
 */

const SDK_UPDATE_ATTEMPTS = 4;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.sim.reset();
  h.conductor.setFault(null);
});

function updateRequests(status: number) {
  return h.conductor.requests.filter(
    (r) =>
      r.method === "POST" && /^\/api\/tasks(\/update-v2)?$/.test(r.path) && r.status === status,
  );
}

async function deliveryRetries(): Promise<number> {
  const text = await h.service.metrics.registry.getSingleMetricAsString(
    "commonroom_worker_result_delivery_retries_total",
  );
  return [
    ...text.matchAll(/^commonroom_worker_result_delivery_retries_total\{[^}]*\} (\d+)/gm),
  ].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe("a result that Conductor refuses", () => {
  it("a 4xx other than 404, 408 and 429 (a proxy's 413) stops delivery at once, with an error log", async () => {
    h.conductor.setFault({ routes: "updates", status: 413 });
    await h.registerWorkflow("refused_segments", "common_room_get_segments");
    await h.startWorkflow("refused_segments", {});
    await until(() => updateRequests(413).length > 0, 15_000, "the refused update");
    // The harness retries deliveries within 200 ms: a second 413 would come well within this.
    await new Promise((r) => setTimeout(r, 1500));
    expect(updateRequests(413)).toHaveLength(1);
    const line = h.logs.find((l) => l.includes("task result NOT delivered"));
    expect(line).toMatch(/HTTP 413/);
    expect(JSON.parse(line!)).toMatchObject({ level: 50, reason: "rejected" });
    h.conductor.setFault(null);
  });
});

describe("result delivery through a Conductor outage", () => {
  it("Conductor answering 5xx to updates: the result is kept and lands once Conductor is back", async () => {
    h.conductor.setFault({ routes: "updates", status: 503 });
    const before = await deliveryRetries();
    await h.registerWorkflow("outage_segments", "common_room_get_segments");
    const id = await h.startWorkflow("outage_segments", {});
    await until(
      () => updateRequests(503).length > SDK_UPDATE_ATTEMPTS * 2,
      15_000,
      "repeated update attempts",
    );
    await new Promise((r) => setTimeout(r, 1000));
    h.conductor.setFault(null);
    const run = await h.waitFor(id);
    expect(run.status).toBe("COMPLETED");
    expect(lastTask(run).outputData.segments).toBeDefined();
    expect(run.tasks).toHaveLength(1); // delivered, not re-run
    expect((await deliveryRetries()) - before).toBeGreaterThan(SDK_UPDATE_ATTEMPTS * 2);
  });

  it("Conductor refusing connections: polls back off, the result waits, nothing is lost", async () => {
    h.sim.inject({ delayMs: 800 });
    await h.registerWorkflow("outage_tags", "common_room_list_tags");
    const id = await h.startWorkflow("outage_tags", {});
    // Let the worker take the task, then take Conductor away before the result can land.
    // "Taken" means Common Room has the call: a real server marks the task IN_PROGRESS
    // before its poll answer has crossed the proxy, and refusing then would lose that
    // answer instead of the result.
    await until(() => h.sim.requests.length > 0, 10_000, "the worker to call Common Room");
    h.conductor.setFault({ routes: "all", refuse: true });
    await h.conductor.listening();
    await new Promise((r) => setTimeout(r, 3000));
    h.conductor.setFault(null);
    await h.conductor.listening();
    const run = await h.waitFor(id, 20_000);
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks).toHaveLength(1);
    expect(h.logs.join("")).toContain("task result not acknowledged; retrying");
  });
});
