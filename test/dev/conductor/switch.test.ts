/** SWITCH (value-param) and the correlated-workflows lookup, over HTTP, as conductor-oss runs them. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../../dev/conductor/index.js";
import { api, complete, expectOk, pollOne, startWorkflow } from "./harness.js";

let server: ConductorServer;
beforeEach(async () => {
  server = await startConductorServer({ sweepIntervalMs: 50 });
});
afterEach(async () => {
  await server.close();
});

const simple = (name: string, ref = name) => ({ name, taskReferenceName: ref, type: "SIMPLE" });

async function registerSwitchWorkflow(defaultCase: unknown[] = [simple("when_other")]) {
  expectOk(
    await api(server, "POST", "/api/metadata/workflow?overwrite=true", {
      name: "branching",
      version: 1,
      tasks: [
        simple("first"),
        {
          name: "pick",
          taskReferenceName: "pick",
          type: "SWITCH",
          evaluatorType: "value-param",
          expression: "switchCaseValue",
          inputParameters: { switchCaseValue: "${first.output.found}" },
          decisionCases: {
            true: [simple("when_true"), simple("when_true_again")],
            false: [],
          },
          defaultCase,
        },
        simple("last"),
      ],
    }),
  );
}

async function runTask(taskType: string, output: Record<string, unknown> = {}) {
  const task = await pollOne(server, taskType);
  expectOk(await complete(server, task, { status: "COMPLETED", outputData: output }));
}

describe("SWITCH with the value-param evaluator", () => {
  it("runs the case named by the value as a string, then the task after the SWITCH", async () => {
    await registerSwitchWorkflow();
    const id = await startWorkflow(server, "branching");
    await runTask("first", { found: true });
    await runTask("when_true");
    await runTask("when_true_again");
    await runTask("last", { done: 1 });
    const workflow = await server.waitForWorkflow(id);
    expect(workflow.status).toBe("COMPLETED");
    expect(workflow.tasks.map((t) => [t.referenceTaskName, t.taskType, t.status])).toEqual([
      ["first", "first", "COMPLETED"],
      ["pick", "SWITCH", "COMPLETED"],
      ["when_true", "when_true", "COMPLETED"],
      ["when_true_again", "when_true_again", "COMPLETED"],
      ["last", "last", "COMPLETED"],
    ]);
    const pick = workflow.tasks[1]!;
    expect(pick.inputData).toMatchObject({
      switchCaseValue: true,
      case: "true",
      hasChildren: "true",
    });
    expect(pick.outputData).toEqual({ evaluationResult: ["true"], selectedCase: "true" });
    expect(workflow.output).toEqual({ done: 1 });
  });

  it("an empty case falls back to the default case", async () => {
    await registerSwitchWorkflow();
    const id = await startWorkflow(server, "branching");
    await runTask("first", { found: false });
    await runTask("when_other");
    await runTask("last");
    const workflow = await server.waitForWorkflow(id);
    expect(workflow.tasks.map((t) => t.referenceTaskName)).toEqual([
      "first",
      "pick",
      "when_other",
      "last",
    ]);
    expect(workflow.tasks[1]!.outputData).toMatchObject({ selectedCase: "false" });
  });

  it('a missing value is the case "null"; with no default the SWITCH goes straight on', async () => {
    await registerSwitchWorkflow([]);
    const id = await startWorkflow(server, "branching");
    await runTask("first", {});
    await runTask("last");
    const workflow = await server.waitForWorkflow(id);
    expect(workflow.status).toBe("COMPLETED");
    expect(workflow.tasks.map((t) => t.referenceTaskName)).toEqual(["first", "pick", "last"]);
    expect(workflow.tasks[1]!.outputData).toEqual({
      evaluationResult: ["null"],
      selectedCase: "null",
    });
    expect(workflow.tasks[1]!.inputData.hasChildren).toBeUndefined();
  });

  it("registration names what a SWITCH lacks, and references must be unique inside cases too", async () => {
    const bad = await api(server, "POST", "/api/metadata/workflow", {
      name: "bad",
      tasks: [{ name: "s", taskReferenceName: "s", type: "SWITCH", decisionCases: {} }],
    });
    expect(bad.status).toBe(400);
    for (const text of ["evaluatorType should be set", "expression should be set", "decisionCases"])
      expect(bad.text).toContain(text);
    const duplicate = await api(server, "POST", "/api/metadata/workflow", {
      name: "dup",
      tasks: [
        simple("a", "r"),
        {
          name: "s",
          taskReferenceName: "s",
          type: "SWITCH",
          evaluatorType: "value-param",
          expression: "v",
          decisionCases: { x: [simple("b", "r")] },
        },
      ],
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain("taskReferenceName: r should be unique");
  });
});

describe("GET /api/workflow/{name}/correlated/{correlationId}", () => {
  it("lists the runs of that workflow with that correlation id; closed ones only on request", async () => {
    await registerSwitchWorkflow();
    const running = await startWorkflow(server, "branching", {}, { correlationId: "evt-1" });
    await startWorkflow(server, "branching", {}, { correlationId: "evt-2" });
    const open = await api(server, "GET", "/api/workflow/branching/correlated/evt-1");
    expect((open.json as { workflowId: string }[]).map((w) => w.workflowId)).toEqual([running]);
    expectOk(await api(server, "DELETE", `/api/workflow/${running}`));
    expect((await api(server, "GET", "/api/workflow/branching/correlated/evt-1")).json).toEqual([]);
    const all = await api(
      server,
      "GET",
      "/api/workflow/branching/correlated/evt-1?includeClosed=true",
    );
    expect(all.json).toHaveLength(1);
  });
});
