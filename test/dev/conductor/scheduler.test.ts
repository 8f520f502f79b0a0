/**
 * dev/conductor's workflow scheduler on its own (test/oss/scheduler-parity.test.ts holds it
 * to the real server): runs and their inputs, catch-up, pause, delete and bad requests.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../../dev/conductor/index.js";
import { api, pollBatch, registerSequence, sleep } from "./harness.js";

let server: ConductorServer;
beforeEach(async () => {
  server = await startConductorServer({ sweepIntervalMs: 50 });
  await registerSequence(server, "wf", [{ name: "t", def: { responseTimeoutSeconds: 30 } }], {
    inputParameters: [],
  });
});
afterEach(async () => {
  await server.close();
});

const schedule = (extra: Record<string, unknown> = {}) => ({
  name: "every_second",
  cronExpression: "* * * * * *",
  runCatchupScheduleInstances: true,
  startWorkflowRequest: { name: "wf", version: 1, input: { lookbackSeconds: 1 } },
  ...extra,
});

/** The workflow inputs of every run so far (their tasks, polled). */
async function runInputs(): Promise<Record<string, unknown>[]> {
  const polled = (await pollBatch(server, "t", "count=50&timeout=0&workerid=w")).json as {
    workflowInstanceId: string;
  }[];
  return polled.map((task) => server.getWorkflow(task.workflowInstanceId)!.input);
}

describe("scheduled runs", () => {
  it("a per-second schedule with catch-up starts one run per second, each with its cron time", async () => {
    const saved = await api(server, "POST", "/api/scheduler/schedules", schedule());
    expect(saved.status).toBe(200);
    await sleep(3600);
    await api(server, "PUT", "/api/scheduler/schedules/every_second/pause");
    const inputs = await runInputs();
    expect(inputs.length).toBeGreaterThanOrEqual(2);
    const times = inputs.map((i) => i._scheduledTime as number).sort((a, b) => a - b);
    for (const [i, time] of times.entries()) {
      expect(time % 1000).toBe(0);
      if (i > 0) expect(time - times[i - 1]!).toBe(1000);
    }
    expect(inputs[0]).toEqual({
      lookbackSeconds: 1,
      _startedByScheduler: "every_second",
      _scheduledTime: expect.any(Number),
      _executedTime: expect.any(Number),
      _executionId: expect.any(String),
      _schedulerCron: "* * * * * * UTC",
    });
  });

  it("paused, deleted, or with a cron of five fields, a schedule starts nothing", async () => {
    await api(server, "POST", "/api/scheduler/schedules", schedule({ paused: true }));
    await api(
      server,
      "POST",
      "/api/scheduler/schedules",
      schedule({ name: "five", cronExpression: "* * * * *" }),
    );
    await api(server, "POST", "/api/scheduler/schedules", schedule({ name: "gone" }));
    expect((await api(server, "DELETE", "/api/scheduler/schedules/gone")).status).toBe(200);
    await sleep(2200);
    expect(await runInputs()).toEqual([]);
    const names = (await api(server, "GET", "/api/scheduler/schedules")).json as { name: string }[];
    expect(names.map((s) => s.name).sort()).toEqual(["every_second", "five"]);
  });

  it("a body without a name, or not JSON, is a 400", async () => {
    const nameless = await api(server, "POST", "/api/scheduler/schedules", {
      cronExpression: "* * * * * *",
    });
    expect(nameless.status).toBe(400);
    expect((await api(server, "POST", "/api/scheduler/schedules", "not json")).status).toBe(400);
  });
});
