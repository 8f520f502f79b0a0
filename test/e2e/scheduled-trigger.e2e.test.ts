import { orkesConductorClient } from "@io-orkes/conductor-javascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { operations } from "../../src/operations/index.js";
import { exampleWorkflows } from "../../src/worker/examples.js";
import { registerDefinitions } from "../../src/worker/register.js";
import { scheduleOf } from "../../src/worker/schedules.js";
import { until } from "../support/until.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * The scheduled trigger for plans without webhooks, end to end on dev/conductor and the
 * genuine Conductor OSS server: `register --schedules` leaves the digest's schedule in the
 * server's scheduler, and a per-second schedule of the same workflow fires on time, each run
 * reading the window [_scheduledTime - 1 s, _scheduledTime) right after the last one's.
 */

let h: Harness;
let client: Awaited<ReturnType<typeof orkesConductorClient>>;
const tag = Math.random().toString(36).slice(2, 8);
// A prefix of this file's own: a run still in flight when the file ends leaves its tasks to
// no other file's worker on the shared real server.
const prefix = `trigger_${tag}_`;
const digest = exampleWorkflows(prefix).find((e) => e.id === "new-activity-digest")!;
const perSecond = `${digest.definition.name}_every_second`;

const schedules = (path = "") => `${h.conductor.url}/api/scheduler/schedules${path}`;

beforeAll(async () => {
  h = await startHarness({ env: { COMMON_ROOM_TASK_PREFIX: prefix } });
  client = await orkesConductorClient({ serverUrl: h.conductor.url });
});
afterAll(async () => {
  // The real server is shared by the files after this one: leave no schedule running.
  if (h) {
    for (const name of [perSecond, digest.definition.name])
      await fetch(schedules(`/${name}`), { method: "DELETE" });
  }
  client?.stopBackgroundRefresh();
  await h?.close();
});

describe("a schedule as the trigger of the new-activity digest", () => {
  it("register --schedules leaves one schedule of the digest, paused, every 5 minutes, catching up", async () => {
    const { schedules: outcomes } = await registerDefinitions(
      client,
      operations,
      { prefix, workflows: true, schedules: { active: false } },
      createLogger({ level: "silent" }),
    );
    expect(outcomes).toEqual([
      {
        kind: "saved",
        name: digest.definition.name,
        cronExpression: "0 */5 * * * *",
        paused: true,
        existed: false,
      },
    ]);
    const listed = (await (
      await fetch(`${schedules()}?workflowName=${digest.definition.name}`)
    ).json()) as Record<string, unknown>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      name: digest.definition.name,
      cronExpression: "0 */5 * * * *",
      paused: true,
      runCatchupScheduleInstances: true,
      zoneId: "UTC",
      startWorkflowRequest: { name: digest.definition.name, input: { lookbackSeconds: 300 } },
    });
  });

  it("fires on time: consecutive runs read adjacent windows, each ending at its scheduled time", async () => {
    const body = scheduleOf(
      {
        ...digest,
        schedule: {
          ...digest.schedule!,
          cronExpression: "* * * * * *",
          input: { lookbackSeconds: 1 },
        },
      },
      false,
    )!;
    const saved = await fetch(schedules(), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, name: perSecond }),
    });
    expect(saved.status).toBe(200);
    const windows = () =>
      h.sim.requests
        .filter((r) => r.path === "/activities")
        .map((r) => ({ start: Date.parse(r.query.startDate!), end: Date.parse(r.query.endDate!) }))
        .sort((a, b) => a.start - b.start);
    try {
      await until(() => windows().length >= 3, 20_000, "three scheduled runs");
    } finally {
      await fetch(schedules(`/${perSecond}/pause`), { method: "PUT" });
    }
    const seen = windows();
    for (const [i, window] of seen.entries()) {
      // [asOf - 1 s, asOf): the start on a whole second, the end 1 ms before the next.
      expect(window.start % 1000).toBe(0);
      expect(window.end - window.start).toBe(999);
      if (i > 0) expect(window.start, `run ${i}`).toBe(seen[i - 1]!.end + 1);
    }
    // On time: the last window ended no more than a few seconds before now.
    expect(Date.now() - seen.at(-1)!.end).toBeLessThan(10_000);
    h.sim.assertNoViolations();
  });
});
