import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { exampleWorkflows } from "../../src/worker/examples.js";

/** Another task prefix reaches every task of the examples, inside SWITCH cases too. */

interface Task {
  name: string;
  type?: string;
  decisionCases?: Record<string, Task[]>;
  defaultCase?: Task[];
}

const flatten = (tasks: Task[]): Task[] =>
  tasks.flatMap((task) => [
    task,
    ...flatten(Object.values(task.decisionCases ?? {}).flat()),
    ...flatten(task.defaultCase ?? []),
  ]);

describe("exampleWorkflows(prefix)", () => {
  it("moves every Common Room task, at any depth, to the prefix", () => {
    const onboarding = exampleWorkflows("trial_").find((e) => e.id === "new-contact-onboarding");
    const tasks = flatten(onboarding!.definition.tasks as Task[]);
    const simple = tasks.filter((task) => task.type !== "SWITCH");
    expect(simple.length).toBeGreaterThanOrEqual(4);
    for (const task of simple) expect(task.name).toMatch(/^trial_/);
    expect(tasks.some((task) => task.type === "SWITCH" && task.name === "is_known_contact")).toBe(
      true,
    );
  });
});

describe("the schedules of the examples that run on their own", () => {
  it("the digest's window is as long as the time between runs, so runs neither gap nor overlap", () => {
    const scheduled = exampleWorkflows().filter((e) => e.schedule);
    expect(scheduled.map((e) => e.id)).toEqual(["new-activity-digest"]);
    for (const { schedule, definition } of scheduled) {
      // Conductor's six-field cron, seconds first, read as its scheduler reads it.
      const cron = new Cron(schedule!.cronExpression, {
        mode: "6-part",
        domAndDow: true,
        timezone: schedule!.zoneId,
        paused: true,
      });
      const runs = cron.nextRuns(4, new Date(Date.UTC(2026, 0, 1)));
      const apart = runs.slice(1).map((run, i) => run.getTime() - runs[i]!.getTime());
      expect(new Set(apart)).toEqual(new Set([Number(schedule!.input.lookbackSeconds) * 1000]));
      expect(schedule!.runCatchupScheduleInstances).toBe(true);
      const window = definition.tasks[0] as unknown as { inputParameters: Record<string, unknown> };
      expect(window.inputParameters).toMatchObject({
        asOf: "${workflow.input._scheduledTime}",
        lookbackSeconds: "${workflow.input.lookbackSeconds}",
      });
    }
  });
});
