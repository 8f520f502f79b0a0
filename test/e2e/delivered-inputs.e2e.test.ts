import { orkesConductorClient } from "@io-orkes/conductor-javascript";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import type { Operation } from "../../src/operations/define.js";
import { findOperation, operations, taskTypeOf } from "../../src/operations/index.js";
import { registerDefinitions } from "../../src/worker/register.js";
import { taskDefinitions } from "../../src/worker/task-defs.js";
import { exampleWorkflows } from "../../src/worker/examples.js";
import { MINIMAL_INPUTS, SAMPLE_INPUTS } from "../support/sample-inputs.js";
import { lastTask, startHarness, type Harness, type WorkflowRun } from "./harness.js";

/**
 * Issue 9 end to end, with workflows written the ordinary way: every input the operation
 * takes is mapped as "${workflow.input.x}", and the workflow is started with the caller's
 * input, so whatever the caller leaves out reaches the worker as null.
 */

const MAX_OUTPUT_BYTES = 30_000;
const PREFIX = "common_room_";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { COMMON_ROOM_MAX_OUTPUT_BYTES: String(MAX_OUTPUT_BYTES) } });
  for (const op of operations) await h.registerWorkflow(mappedName(op), taskType(op), mapped(op));
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.sim.reset();
});

const taskType = (op: Operation) => taskTypeOf(op, PREFIX);
const mappedName = (op: Operation) => `mapped_${op.task}`;
const op = (task: string) => findOperation(task)!;

/** Every input of the operation, mapped from the workflow's input of the same name. */
function mapped(operation: Operation, extra: string[] = []): Record<string, string> {
  const keys = [...Object.keys(operation.input.shape), "integrationName", ...extra];
  return Object.fromEntries(keys.map((k) => [k, `\${workflow.input.${k}}`]));
}

async function start(operation: Operation, input: Record<string, unknown>): Promise<WorkflowRun> {
  return h.waitFor(await h.startWorkflow(mappedName(operation), input), 20_000);
}

function errorOf(run: WorkflowRun) {
  return lastTask(run).outputData.error as
    | { code: string; message: string; retryable: boolean; details?: Record<string, unknown> }
    | undefined;
}

/** Registers a workflow as a workflow author would, through Conductor's REST API. */
async function registerWorkflowDef(definition: Record<string, unknown>) {
  const response = await fetch(`${h.conductor.url}/api/metadata/workflow?overwrite=true`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      version: 1,
      schemaVersion: 2,
      timeoutSeconds: 0,
      ownerEmail: "e2e@example.com",
      ...definition,
    }),
  });
  expect(response.status).toBe(200);
}

async function registerTaskDef(operation: Operation, overrides: Record<string, unknown>) {
  const [def] = taskDefinitions([operation], { prefix: PREFIX });
  const response = await fetch(`${h.conductor.url}/api/metadata/taskdefs`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ ...def, retryLogic: "FIXED", retryDelaySeconds: 0, ...overrides }]),
  });
  expect(response.ok).toBe(true);
}

describe("1. a left-out optional input arrives as null and means 'not given'", () => {
  it.each(operations.map((o) => [o.task, o] as const))(
    "%s completes when the caller gives only its required inputs",
    async (_task, operation) => {
      const sample = SAMPLE_INPUTS[operation.task]!;
      const shape = operation.input.shape as Record<string, { isOptional(): boolean }>;
      const required =
        MINIMAL_INPUTS[operation.task] ??
        Object.fromEntries(Object.entries(sample).filter(([key]) => !shape[key]?.isOptional()));
      const run = await start(operation, required);
      expect(run.status, JSON.stringify(errorOf(run))).toBe("COMPLETED");
      // Conductor really did hand the worker nulls.
      const given = lastTask(run).inputData;
      for (const key of Object.keys(shape).filter((k) => !(k in required))) {
        expect(given[key], key).toBeNull();
      }
      h.sim.assertNoViolations();
    },
  );

  it("Update Tag without a description leaves the tag's description alone", async () => {
    const before = h.sim.state.tags.get("tag_1")!.description;
    expect(before).not.toBeNull();
    const run = await start(op("update_tag"), { tagId: "tag_1", name: "Champions" });
    expect(run.status).toBe("COMPLETED");
    expect(h.sim.requests.at(-1)?.body).toEqual({ name: "Champions" });
    expect(h.sim.state.tags.get("tag_1")!.description).toBe(before);
  });

  it("the product sign-up example started without signedUpAt completes, not half done", async () => {
    const example = exampleWorkflows(PREFIX).find((e) => e.id === "product-signup")!;
    await registerWorkflowDef(example.definition);
    const { signedUpAt: _left, ...input } = example.sampleInput;
    const run = await h.waitFor(await h.startWorkflow(example.definition.name, input));
    expect(run.status, JSON.stringify(run.tasks.map((t) => t.outputData))).toBe("COMPLETED");
    const activity = h.sim.requests.find((r) => /\/activity$/.test(r.path))!;
    expect(activity.body).not.toHaveProperty("timestamp");
  });

  it("a required input left out is INVALID_INPUT naming it, before any call", async () => {
    const run = await start(op("get_tag"), {});
    expect(run.status).toBe("FAILED");
    expect(lastTask(run).status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(errorOf(run)?.code).toBe("INVALID_INPUT");
    expect(errorOf(run)?.message).toContain("tagId");
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe("2. a misspelt input is INVALID_INPUT with 'did you mean', not silently ignored", () => {
  it.each([
    ["add_or_edit_user", "destinationSourceID", 999999, "destinationSourceId"],
    ["list_contacts", "fetchall", true, "fetchAll"],
    ["bulk_add_or_edit_activities", "validateAgainstCatalogue", true, "validateAgainstCatalog"],
  ])("%s with %s", async (task, misspelt, value, meant) => {
    const operation = op(task);
    const name = `misspelt_${task}`;
    await h.registerWorkflow(name, taskType(operation), mapped(operation, [misspelt]));
    const sample = SAMPLE_INPUTS[task]!;
    const { [meant]: _right, ...rest } = sample;
    const run = await h.waitFor(await h.startWorkflow(name, { ...rest, [misspelt]: value }));
    expect(lastTask(run).status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(errorOf(run)?.code).toBe("INVALID_INPUT");
    expect(errorOf(run)?.message).toContain(`${misspelt}: not an input of this task`);
    expect(errorOf(run)?.message).toContain(`did you mean \`${meant}\``);
    expect(h.sim.requests).toHaveLength(0);
  });

  it("a workflow author's own extra key is still ignored", async () => {
    const operation = op("get_tag");
    await h.registerWorkflow("extra_get_tag", taskType(operation), mapped(operation, ["ticket"]));
    const run = await h.waitFor(
      await h.startWorkflow("extra_get_tag", { tagId: "tag_1", ticket: "OPS-42" }),
    );
    expect(run.status).toBe("COMPLETED");
  });
});

describe("3. retries after a lost answer are safe, at both levels", () => {
  it("Delete Tag: the worker's own retry completes with alreadyDeleted", async () => {
    h.sim.inject({ match: { method: "DELETE", path: "/tags/tag_3" }, lostAnswer: true });
    const run = await start(op("delete_tag"), { tagId: "tag_3" });
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks).toHaveLength(1);
    expect(lastTask(run).outputData).toMatchObject({ status: "deleted", alreadyDeleted: true });
  });

  it("Delete Tag: Conductor's retry completes with alreadyDeleted", async () => {
    const match = { method: "DELETE", path: "/tags/tag_3" };
    h.sim.inject({ match, lostAnswer: true });
    h.sim.inject({ match, status: 503, times: 2 });
    const run = await start(op("delete_tag"), { tagId: "tag_3" });
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks.map((t) => t.status)).toEqual(["FAILED", "COMPLETED"]);
    expect(lastTask(run).outputData).toMatchObject({ alreadyDeleted: true });
  });

  it("Create Segment: the worker's own retry returns the segment with alreadyExisted", async () => {
    h.sim.inject({ match: { method: "POST", path: "/segments", api: "v2" }, lostAnswer: true });
    const run = await start(op("create_segment"), { name: "Webinar attendees" });
    expect(run.status).toBe("COMPLETED");
    expect(lastTask(run).outputData).toMatchObject({
      id: expect.stringMatching(/^s_\d+$/),
      name: "Webinar attendees",
      alreadyExisted: true,
    });
    expect(h.sim.state.createdSegments).toHaveLength(1);
  });

  it("Create Segment: Conductor's retry returns the segment with alreadyExisted", async () => {
    const match = { method: "POST", path: "/segments", api: "v2" as const };
    h.sim.inject({ match, lostAnswer: true });
    h.sim.inject({ match, status: 503, times: 2 });
    const run = await start(op("create_segment"), { name: "Webinar attendees" });
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks.map((t) => t.status)).toEqual(["FAILED", "COMPLETED"]);
    const segment = h.sim.state.createdSegments[0]!;
    expect(lastTask(run).outputData).toEqual({
      id: `s_${segment.id}`,
      segmentId: segment.id,
      name: "Webinar attendees",
      alreadyExisted: true,
    });
  });
});

describe("4. ids chain and numbers come as strings", () => {
  it("Create Segment's s_<number> feeds Get Segment Statuses and List Contacts", async () => {
    await registerWorkflowDef({
      name: "segment_chain",
      inputParameters: ["name"],
      tasks: [
        {
          name: `${PREFIX}create_segment`,
          taskReferenceName: "create",
          type: "SIMPLE",
          inputParameters: { name: "${workflow.input.name}" },
        },
        {
          name: `${PREFIX}get_segment_statuses`,
          taskReferenceName: "statuses",
          type: "SIMPLE",
          inputParameters: { segmentId: "${create.output.id}" },
        },
        {
          name: `${PREFIX}list_contacts`,
          taskReferenceName: "contacts",
          type: "SIMPLE",
          inputParameters: { segmentId: "${create.output.id}", limit: "${workflow.input.limit}" },
        },
      ],
    });
    const run = await h.waitFor(
      await h.startWorkflow("segment_chain", { name: "Chained", limit: "10" }),
    );
    expect(run.status, JSON.stringify(run.tasks.map((t) => t.outputData))).toBe("COMPLETED");
    const id = run.tasks[0]!.outputData.id as string;
    expect(run.tasks[1]!.outputData).toMatchObject({
      statuses: [],
      segmentId: Number(id.slice(2)),
    });
    const list = h.sim.requests.find((r) => r.path === "/contacts")!;
    expect(list.query).toMatchObject({ segmentId: id, limit: "10" });
  });

  it("limit, maxItems and fetchAll given as strings are taken", async () => {
    const run = await start(op("list_contacts"), {
      limit: "20",
      maxItems: "50",
      fetchAll: "true",
    });
    expect(run.status, JSON.stringify(errorOf(run))).toBe("COMPLETED");
    expect(lastTask(run).outputData.contacts).toHaveLength(50);
    expect(lastTask(run).outputData.truncated).toBe(true);
  });
});

describe("5. sizes are bounded, in and out", () => {
  it("an oversized tag name is INVALID_INPUT, never sent and never echoed", async () => {
    const run = await start(op("create_tag"), {
      name: "n".repeat(200_000),
      entityTypes: ["member"],
    });
    expect(errorOf(run)?.code).toBe("INVALID_INPUT");
    expect(errorOf(run)?.message).toContain("name");
    expect(JSON.stringify(lastTask(run).outputData).length).toBeLessThan(5_000);
    expect(h.sim.requests).toHaveLength(0);
  });

  it("fetchAll stops under COMMON_ROOM_MAX_OUTPUT_BYTES with truncated and the cursor; resuming gets the rest", async () => {
    const cols = "fullName,primaryEmail,title,companyName,companyWebsite,location,tags,segments";
    const seen: string[] = [];
    let cursor: unknown = null;
    let runs = 0;
    do {
      const run = await start(op("list_contacts"), {
        cols,
        fetchAll: true,
        maxItems: 10_000,
        ...(cursor !== null && { cursor }),
      });
      expect(run.status, JSON.stringify(errorOf(run))).toBe("COMPLETED");
      const output = lastTask(run).outputData;
      expect(Buffer.byteLength(JSON.stringify(output))).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
      seen.push(...(output.contacts as { id: string }[]).map((c) => c.id));
      cursor = output.nextCursor;
      expect(output.truncated).toBe(cursor !== null);
      runs++;
    } while (cursor !== null);
    expect(runs).toBeGreaterThan(1);
    expect(seen).toHaveLength(230);
    expect(new Set(seen).size).toBe(230);
  });
});

describe("6. the time budget stops new calls", () => {
  it("a bulk attempt starts no request after its budget, reports NOT_ATTEMPTED, and Conductor's retry finishes the batch", async () => {
    const bulk = op("bulk_add_or_edit_users");
    // Budget: 80% of a 5 s response timeout; 70 of the writes take 400 ms, five at a time:
    // 5.6 s of work at the least, so the first attempt cannot finish inside its 4 s on any
    // machine, and the retry meets the last few slow ones.
    await registerTaskDef(bulk, { responseTimeoutSeconds: 5, retryCount: 1 });
    h.sim.inject({ match: { method: "POST", path: /\/user$/ }, delayMs: 400, times: 70 });
    const users = Array.from({ length: 80 }, (_, i) => ({ id: `budget-user-${i}` }));
    try {
      const run = await h.waitFor(await h.startWorkflow(mappedName(bulk), { users }), 30_000);
      const [first, second] = run.tasks as (WorkflowRun["tasks"][number] & { startTime: number })[];
      expect(first!.status).toBe("FAILED");
      const results = first!.outputData.results as { error?: { code: string } }[];
      expect(results).toHaveLength(80);
      const notAttempted = results.filter((r) => r.error?.code === "NOT_ATTEMPTED").length;
      expect(notAttempted).toBeGreaterThan(0);
      expect(first!.outputData.error).toMatchObject({ code: "BULK_FAILED", retryable: true });
      // No request of the first attempt started after its budget (4 s from when the worker
      // took the task, a moment after Conductor's startTime; without the budget, requests
      // would go on starting until about 6.4 s).
      const deadline = first!.startTime + 4_000 + 300;
      const firstAttempt = h.sim.requests.filter((r) => r.at < second!.startTime);
      expect(firstAttempt).toHaveLength(80 - notAttempted);
      for (const request of firstAttempt) expect(request.at).toBeLessThanOrEqual(deadline);
      expect(run.status).toBe("COMPLETED");
      expect(second!.outputData).toMatchObject({ accepted: 80, failed: 0 });
    } finally {
      h.sim.clearFaults();
      await registerTaskDef(bulk, { retryCount: 2 });
    }
  });
});

describe("7. register leaves other people's workflows alone", () => {
  it("registering the examples with another prefix neither rewrites nor breaks the originals", async () => {
    const client = await orkesConductorClient({ serverUrl: h.conductor.url });
    const logger = createLogger({ level: "silent" });
    try {
      await registerDefinitions(client, operations, { prefix: PREFIX, workflows: true }, logger);
      const trial = await registerDefinitions(
        client,
        operations,
        { prefix: "trial_", workflows: true },
        logger,
      );
      expect(trial.workflows).toContain("trial_product_signup");
      const plain = await registerDefinitions(client, operations, { prefix: "other_" }, logger);
      expect(plain.workflows).toEqual([]);
    } finally {
      client.stopBackgroundRefresh();
    }
    const original = (await (
      await fetch(`${h.conductor.url}/api/metadata/workflow/${PREFIX}product_signup`)
    ).json()) as { tasks: { name: string }[] };
    expect(original.tasks.every((t) => t.name.startsWith(PREFIX))).toBe(true);
    const example = exampleWorkflows(PREFIX).find((e) => e.id === "product-signup")!;
    const run = await h.waitFor(
      await h.startWorkflow(example.definition.name, example.sampleInput),
    );
    expect(run.status).toBe("COMPLETED");
  });
});
