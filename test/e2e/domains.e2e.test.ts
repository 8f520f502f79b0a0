import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.js";

/** CONDUCTOR_WORKER_*_DOMAIN: the worker polls its domain's queue, and only that one. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { CONDUCTOR_WORKER_COMMON_ROOM_GET_SEGMENTS_DOMAIN: "blue" } });
  await h.registerWorkflow("segments_in_a_domain", "common_room_get_segments");
});
afterAll(async () => {
  await h?.close();
});

async function start(taskToDomain?: Record<string, string>): Promise<string> {
  const response = await fetch(`${h.conductor.url}/api/workflow`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "segments_in_a_domain",
      version: 1,
      input: {},
      ...(taskToDomain && { taskToDomain }),
    }),
  });
  return response.text();
}

describe("task domains", () => {
  it("runs a task scheduled in the worker's domain", async () => {
    const run = await h.waitFor(await start({ common_room_get_segments: "blue" }));
    expect(run.status).toBe("COMPLETED");
    expect((run.tasks[0] as unknown as { domain?: string }).domain).toBe("blue");
    const polls = h.conductor.requests.filter((r) => r.path.endsWith("/common_room_get_segments"));
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) expect(poll.query.domain).toBe("blue");
  });

  it("leaves a task of another domain for another worker", async () => {
    const id = await start();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await h.conductor.getWorkflow(id))?.tasks[0]?.status).toBe("SCHEDULED");
  });
});
