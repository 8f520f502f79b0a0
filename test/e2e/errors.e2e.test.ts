import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TOKEN, lastTask, startHarness, type Harness, type WorkflowRun } from "./harness.js";

/** One test per row of contract.md's error table, and the rules that keep data safe. */

const SECOND_TOKEN = "e2e-second-token-77aa01";
const dir = mkdtempSync(join(tmpdir(), "crw-e2e-"));
const integrationsFile = join(dir, "integrations.json");
writeFileSync(
  integrationsFile,
  JSON.stringify([
    {
      name: "secondary",
      description: "A second room without a default source",
      apiToken: SECOND_TOKEN,
    },
    {
      name: "revoked",
      description: "A token Common Room no longer accepts",
      apiToken: "revoked-token-000",
    },
    { name: "off", description: "Switched off", apiToken: SECOND_TOKEN, active: false },
  ]),
);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { COMMON_ROOM_INTEGRATIONS_FILE: integrationsFile },
    simulator: { tokens: [TOKEN, SECOND_TOKEN] },
  });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.sim.reset();
});

interface TaskErrorOutput {
  code: string;
  message: string;
  retryable: boolean;
  httpStatus?: number;
  details?: { issues?: { path: string; message: string }[] };
}

function failure(run: WorkflowRun) {
  const task = lastTask(run);
  return { task, error: task.outputData.error as TaskErrorOutput };
}

async function terminal(taskType: string, input: Record<string, unknown>, code: string) {
  const run = await h.runTask(taskType, input);
  const { task, error } = failure(run);
  expect(task.status).toBe("FAILED_WITH_TERMINAL_ERROR");
  expect(run.tasks).toHaveLength(1); // terminal: Conductor did not retry
  expect(run.status).toBe("FAILED");
  expect(error).toMatchObject({ code, retryable: false });
  expect(task.reasonForIncompletion).toBe(`${code}: ${error.message}`.slice(0, 500));
  return { run, task, error };
}

describe("error codes, end to end", () => {
  it("INVALID_INPUT: a missing user.id fails terminally, names the field, and sends nothing", async () => {
    const { error } = await terminal(
      "common_room_add_or_edit_user",
      { user: { email: "a@example.com" } },
      "INVALID_INPUT",
    );
    expect(error.details?.issues?.map((i) => i.path)).toContain("user.id");
    expect(h.sim.requests).toHaveLength(0);
  });

  it("INVALID_INPUT: a misspelt field inside user, a bad enum and a bad date are each named", async () => {
    const { error } = await terminal(
      "common_room_add_or_edit_user",
      {
        user: {
          id: "u1",
          fullname: "typo",
          linkedin: { type: "url", value: "x" },
          customFields: [{ id: 1, value: { type: "date", value: "27/11/2026" } }],
        },
      },
      "INVALID_INPUT",
    );
    const paths = error.details?.issues?.map((i) => i.path).join(" ");
    expect(paths).toContain("user");
    expect(paths).toContain("user.linkedin.type");
    expect(paths).toContain("user.customFields.0.value");
    expect(JSON.stringify(error.details)).toContain("fullname");
    expect(h.sim.requests).toHaveLength(0);
  });

  it("INVALID_INPUT: Create Tag with an empty entityTypes, Segment Statuses with a non-numeric segmentId", async () => {
    const tag = await terminal(
      "common_room_create_tag",
      { name: "x", entityTypes: [] },
      "INVALID_INPUT",
    );
    expect(tag.error.details?.issues?.[0]?.path).toBe("entityTypes");
    const seg = await terminal(
      "common_room_get_segment_statuses",
      { segmentId: "abc" },
      "INVALID_INPUT",
    );
    expect(seg.error.details?.issues?.[0]?.path).toBe("segmentId");
    expect(h.sim.requests).toHaveLength(0);
  });

  it("INVALID_INPUT: no destinationSourceId in the task nor on the integration", async () => {
    const { error } = await terminal(
      "common_room_add_or_edit_user",
      { integrationName: "secondary", user: { id: "u1" } },
      "INVALID_INPUT",
    );
    expect(error.details?.issues?.[0]?.path).toBe("destinationSourceId");
    expect(h.sim.requests).toHaveLength(0);
  });

  it("integrationName picks the configured integration and its token", async () => {
    const run = await h.runTask("common_room_add_or_edit_user", {
      integrationName: "secondary",
      destinationSourceId: 1001,
      user: { id: "u-second" },
    });
    expect(lastTask(run).status).toBe("COMPLETED");
    expect(h.sim.requests.at(-1)).toMatchObject({
      method: "POST",
      path: "/source/1001/user",
      authorized: true,
    });
  });

  it("INTEGRATION_NOT_FOUND: integrationName names no configured integration", async () => {
    const { error } = await terminal(
      "common_room_list_tags",
      { integrationName: "nope" },
      "INTEGRATION_NOT_FOUND",
    );
    expect(error.message).toContain('"nope"');
    expect(h.sim.requests).toHaveLength(0);
  });

  it("INTEGRATION_INACTIVE: the named integration is switched off", async () => {
    await terminal("common_room_list_tags", { integrationName: "off" }, "INTEGRATION_INACTIVE");
    expect(h.sim.requests).toHaveLength(0);
  });

  it("UNAUTHORIZED: Common Room answers 401 to a token it does not accept", async () => {
    const { error } = await terminal(
      "common_room_list_tags",
      { integrationName: "revoked" },
      "UNAUTHORIZED",
    );
    expect(error.httpStatus).toBe(401);
  });

  it("UNAUTHORIZED: Common Room answers 403", async () => {
    h.sim.inject({ status: 403, times: Infinity });
    const { error } = await terminal("common_room_check_api_token_status", {}, "UNAUTHORIZED");
    expect(error.httpStatus).toBe(403);
  });

  it("NOT_FOUND: Common Room answers 404 for an unknown tag", async () => {
    const { error } = await terminal("common_room_get_tag", { tagId: "no-such-tag" }, "NOT_FOUND");
    expect(error.httpStatus).toBe(404);
  });

  it("NOT_FOUND: Common Room answers 404 for an unknown destination source", async () => {
    const { error } = await terminal(
      "common_room_add_or_edit_user",
      { destinationSourceId: 999999, user: { id: "u1" } },
      "NOT_FOUND",
    );
    expect(error.httpStatus).toBe(404);
  });

  it("BAD_REQUEST: Common Room answers 400 and its reason is in the message", async () => {
    h.sim.inject({
      status: 400,
      body: { reason: "name-too-long", docs: "https://api.commonroom.io/docs" },
    });
    const { error } = await terminal(
      "common_room_create_tag",
      { name: "x", entityTypes: ["member"] },
      "BAD_REQUEST",
    );
    expect(error.message).toContain("name-too-long");
    expect(error.httpStatus).toBe(400);
  });

  it("CONFLICT: Common Room answers 409", async () => {
    h.sim.inject({ status: 409 });
    const { error } = await terminal(
      "common_room_create_tag",
      { name: "x", entityTypes: ["member"] },
      "CONFLICT",
    );
    expect(error.httpStatus).toBe(409);
  });

  it("UNEXPECTED_RESPONSE: a 2xx whose body is not the documented shape", async () => {
    h.sim.inject({ malformedJson: true });
    await terminal("common_room_get_segments", {}, "UNEXPECTED_RESPONSE");
  });

  it("UPSTREAM_ERROR: 5xx after the worker's own retries is retryable, and Conductor retries it", async () => {
    h.sim.inject({ status: 503, times: Infinity });
    const run = await h.runTask("common_room_list_tags", {});
    expect(run.status).toBe("FAILED");
    expect(run.tasks).toHaveLength(3); // the test TaskDefs allow 2 retries
    for (const task of run.tasks) {
      expect(task.status).toBe("FAILED");
      expect(task.outputData.error).toMatchObject({
        code: "UPSTREAM_ERROR",
        retryable: true,
        httpStatus: 503,
      });
    }
    // Each attempt retried inside the worker before giving up.
    expect(h.sim.requests.length).toBeGreaterThan(run.tasks.length);
  });

  it("UPSTREAM_ERROR is survived: a short 5xx burst is retried inside the attempt and completes", async () => {
    h.sim.inject({ status: 500, times: 2 });
    const run = await h.runTask("common_room_get_segments", {});
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks).toHaveLength(1);
    expect(h.sim.requests).toHaveLength(3);
  });

  it("NETWORK_ERROR: connection failures after the worker's own retries are retryable", async () => {
    h.sim.inject({ networkError: true, times: Infinity });
    const run = await h.runTask("common_room_get_segments", {});
    expect(run.status).toBe("FAILED");
    expect(run.tasks).toHaveLength(3);
    expect(lastTask(run).outputData.error).toMatchObject({
      code: "NETWORK_ERROR",
      retryable: true,
    });
    expect(lastTask(run).status).toBe("FAILED");
  });

  it("A short 429 is waited out inside the attempt: no failure, and the wait follows waitMs", async () => {
    h.sim.inject({ status: 429, waitMs: 300 });
    const started = Date.now();
    const run = await h.runTask("common_room_list_tags", {});
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks).toHaveLength(1);
    const [limited, retried] = h.sim.requests;
    expect(limited?.status).toBe(429);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("Delete Tag: a 404 on a first attempt is NOT_FOUND", async () => {
    await terminal("common_room_delete_tag", { tagId: "never-existed" }, "NOT_FOUND");
  });

  it("Delete Tag: a 404 on a retry attempt completes with alreadyDeleted", async () => {
    // The first attempt fails retryably (5xx); the retry finds the tag gone.
    h.sim.inject({ match: { method: "DELETE" }, status: 502, times: 3 });
    const run = await h.runTask("common_room_delete_tag", { tagId: "gone-already" });
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks.map((t) => t.status)).toEqual(["FAILED", "COMPLETED"]);
    expect(lastTask(run).outputData).toMatchObject({
      status: "deleted",
      tagId: "gone-already",
      alreadyDeleted: true,
    });
  });
});
