import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.js";
import { until } from "../support/until.js";

/** /healthz, /readyz and /metrics as contract.md lists them. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const url = (path: string) => `http://127.0.0.1:${h.service.httpPort}${path}`;

describe("HTTP endpoints", () => {
  it("/healthz and /readyz answer 200 while polling", async () => {
    expect((await fetch(url("/healthz"))).status).toBe(200);
    const ready = await fetch(url("/readyz"));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, state: "polling" });
    expect((await fetch(url("/nope"))).status).toBe(404);
  });

  it("/metrics labels tasks with a configured integration's name, never the input's free text", async () => {
    await h.runTask("common_room_get_segments", { integrationName: "no-such-room-4711" });
    const text = await (await fetch(url("/metrics"))).text();
    expect(text).toMatch(
      /commonroom_worker_tasks_total\{task_type="common_room_get_segments",integration="unknown",outcome="terminal",code="INTEGRATION_NOT_FOUND"\} 1/,
    );
    expect(text).not.toContain("no-such-room-4711");
  });

  it("/metrics counts tasks by type, integration, outcome and code, Common Room requests by status, polls and in-flight tasks", async () => {
    await h.runTask("common_room_get_segments", {});
    await h.runTask("common_room_get_tag", { tagId: "missing" });
    // The workflow completes when Conductor takes the result, a moment before the slot frees.
    await until(
      async () =>
        /commonroom_worker_tasks_in_flight\{task_type="common_room_get_tag"\} 0/.test(
          await (await fetch(url("/metrics"))).text(),
        ),
      5000,
      "the in-flight gauge to settle",
    );
    const response = await fetch(url("/metrics"));
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(
      /commonroom_worker_tasks_total\{task_type="common_room_get_segments",integration="default",outcome="completed",code=""\} 1/,
    );
    expect(text).toMatch(
      /commonroom_worker_tasks_total\{task_type="common_room_get_tag",integration="default",outcome="terminal",code="NOT_FOUND"\} 1/,
    );
    expect(text).toMatch(
      /commonroom_worker_commonroom_requests_total\{operation="getTag",status="404"\} 1/,
    );
    expect(text).toMatch(
      /commonroom_worker_task_duration_seconds_count\{task_type="common_room_get_segments",integration="default",outcome="completed"\} 1/,
    );
    expect(text).toMatch(
      /commonroom_worker_polls_total\{task_type="common_room_get_segments"\} \d+/,
    );
    expect(text).toMatch(/commonroom_worker_empty_polls_total/);
    expect(text).toMatch(
      /commonroom_worker_tasks_in_flight\{task_type="common_room_get_segments"\} 0/,
    );
    expect(text).toContain("process_resident_memory_bytes");
  });
});
