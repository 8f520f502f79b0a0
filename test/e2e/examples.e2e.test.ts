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
  it("there are at least six, each with a sample input", () => {
    expect(exampleWorkflows().length).toBeGreaterThanOrEqual(6);
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

  it("the digest reads its window and the newest activity's contact; an empty window checks the token", async () => {
    const example = exampleWorkflows().find((e) => e.id === "new-activity-digest")!;
    h.sim.reset();
    const some = await h.waitFor(
      await h.startWorkflow(example.definition.name, example.sampleInput),
    );
    const activities = some.output?.activities as { id: string; contactId: string }[];
    expect(activities.length).toBeGreaterThan(0);
    expect(some.output?.newestContact).toMatchObject({ id: activities[0]!.contactId });
    expect(some.tasks.map((t) => t.referenceTaskName)).toContain("newest_contact");
    const quiet = await h.waitFor(
      await h.startWorkflow(example.definition.name, {
        _scheduledTime: Date.UTC(2023, 0, 1),
        lookbackSeconds: 300,
      }),
    );
    expect(quiet.status).toBe("COMPLETED");
    expect(quiet.output).toMatchObject({ activities: [], communityName: expect.any(String) });
    expect(quiet.tasks.map((t) => t.referenceTaskName)).toContain("nothing_new_token_check");
  });

  it("a visit from a known account adds its contacts with an email to the segment; an unknown one adds none", async () => {
    const example = exampleWorkflows().find((e) => e.id === "website-visit-to-account")!;
    h.sim.reset();
    const known = await h.waitFor(
      await h.startWorkflow(example.definition.name, example.sampleInput),
    );
    expect(known.output).toMatchObject({ found: true, organization: { id: "o_2" } });
    const added = h.sim.state.segmentAdditions;
    expect(added.length).toBe(known.output?.contactsAdded);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((a) => a.segmentId === 202 && a.matched !== null)).toBe(true);
    h.sim.reset();
    const unknown = structuredClone(example.sampleInput) as {
      event: { payload: { domain: string } };
    };
    unknown.event.payload.domain = "nobody.example.org";
    const run = await h.waitFor(await h.startWorkflow(example.definition.name, unknown));
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toMatchObject({ found: false });
    expect(h.sim.state.segmentAdditions).toEqual([]);
  });
});
