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
