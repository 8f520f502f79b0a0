import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleWorkflows } from "../../src/worker/examples.js";
import { startHarness, type Harness } from "./harness.js";

/** Every workflow in examples/ runs to COMPLETED with its sample input. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  for (const example of exampleWorkflows()) {
    const response = await fetch(`${h.conductor.url}/api/metadata/workflow?overwrite=true`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(example.definition),
    });
    expect(response.status, example.id).toBe(200);
  }
});
afterAll(async () => {
  await h?.close();
});

describe("example workflows", () => {
  it("there are at least four, each with a sample input", () => {
    expect(exampleWorkflows().length).toBeGreaterThanOrEqual(4);
  });

  for (const example of exampleWorkflows()) {
    it(`${example.definition.name} completes with its sample input`, async () => {
      const id = await h.startWorkflow(example.definition.name, example.sampleInput);
      const run = await h.waitFor(id);
      expect(
        run.status,
        JSON.stringify(run.tasks.map((t) => [t.referenceTaskName, t.status, t.outputData])),
      ).toBe("COMPLETED");
      expect(run.tasks.every((t) => t.status === "COMPLETED")).toBe(true);
      // Every top-level task ran (a SWITCH adds the tasks of its case beside them).
      expect(run.tasks.map((t) => t.referenceTaskName)).toEqual(
        expect.arrayContaining(example.definition.tasks.map((t) => t.taskReferenceName)),
      );
      h.sim.assertNoViolations();
    });
  }

  it("the sign-up records the user, the activity for that user, and the tag", async () => {
    const example = exampleWorkflows().find((e) => e.id === "product-signup")!;
    h.sim.reset();
    const run = await h.waitFor(
      await h.startWorkflow(example.definition.name, example.sampleInput),
    );
    expect(run.output).toMatchObject({
      userId: example.sampleInput.userId,
      activityId: `signup-${String(example.sampleInput.userId)}`,
    });
    expect([...h.sim.state.tags.values()].map((t) => t.name)).toContain(
      example.sampleInput.signupTag,
    );
  });
});
