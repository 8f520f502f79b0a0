import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN, startHarness, type Harness, type WorkflowRun } from "./harness.js";

/**
 * A run full of failures of every kind, with everything the worker writes captured: its log
 * lines, the task results Conductor stored, the metrics. The token appears in none of them.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe("the API token never leaks", () => {
  it("appears in no log line, task output, reason or metric across a run full of failures", async () => {
    const runs: WorkflowRun[] = [];
    let tokenSent = false;
    const scenarios: [() => void, string, Record<string, unknown>][] = [
      [() => h.sim.inject({ status: 401, times: Infinity }), "common_room_list_tags", {}],
      [
        () => h.sim.inject({ status: 403, times: Infinity }),
        "common_room_check_api_token_status",
        {},
      ],
      [
        () => h.sim.inject({ status: 400, times: Infinity }),
        "common_room_create_tag",
        { name: "n", entityTypes: ["member"] },
      ],
      [() => h.sim.inject({ status: 500, times: Infinity }), "common_room_get_segments", {}],
      [
        () => h.sim.inject({ networkError: true, times: Infinity }),
        "common_room_get_activity_types",
        {},
      ],
      [
        () => h.sim.inject({ malformedJson: true, times: Infinity }),
        "common_room_get_tag",
        { tagId: "t" },
      ],
      [() => h.sim.inject({ status: 429, waitMs: 50, times: 3 }), "common_room_list_tags", {}],
      [() => undefined, "common_room_add_or_edit_user", { user: { id: 5, email: TOKEN } }],
      [() => undefined, "common_room_get_tag", { tagId: "missing", integrationName: "nope" }],
      // v2 failures, and a bulk task whose every item fails.
      [
        () => h.sim.inject({ match: { api: "v2" }, status: 500, times: Infinity }),
        "common_room_list_contacts",
        { fetchAll: true },
      ],
      [() => undefined, "common_room_get_contact", { contactId: "c_999999" }],
      [
        () => h.sim.inject({ match: { api: "v2" }, status: 409, times: Infinity }),
        "common_room_create_segment",
        { name: "x" },
      ],
      [
        () => h.sim.inject({ status: 401, times: Infinity }),
        "common_room_bulk_add_or_edit_users",
        { users: [{ id: "a" }, { id: "b" }] },
      ],
      [
        () => h.sim.inject({ status: 403, times: Infinity }),
        "common_room_anonymize_contact",
        { email: "someone@example.com" },
      ],
    ];
    for (const [arrange, taskType, input] of scenarios) {
      h.sim.reset();
      arrange();
      runs.push(await h.runTask(taskType, input));
      tokenSent ||= h.sim.requests.some((r) => r.authorized);
    }
    // The scenarios really failed in the ways intended (else the test proves little).
    const codes = runs.flatMap((r) =>
      r.tasks.map((t) => (t.outputData.error as { code?: string } | undefined)?.code),
    );
    for (const code of [
      "CONFLICT",
      "BULK_FAILED",
      "NOT_FOUND",
      "UNAUTHORIZED",
      "BAD_REQUEST",
      "UPSTREAM_ERROR",
      "NETWORK_ERROR",
      "UNEXPECTED_RESPONSE",
      "INVALID_INPUT",
      "INTEGRATION_NOT_FOUND",
    ]) {
      expect(codes).toContain(code);
    }

    const metrics = await (await fetch(`http://127.0.0.1:${h.service.httpPort}/metrics`)).text();
    expect(metrics).toContain("commonroom_worker_tasks_total");
    const logs = h.logs.join("");
    expect(h.logs.length).toBeGreaterThan(scenarios.length);
    // The simulator did receive the token: it was in use, just never written anywhere.
    expect(tokenSent).toBe(true);

    // Except where the caller put it in the input themselves (echoed back by Conductor as
    // inputData), nothing carries it.
    const results = JSON.stringify(
      runs.map((r) => ({
        output: r.output,
        reason: r.reasonForIncompletion,
        tasks: r.tasks.map((t) => ({ out: t.outputData, reason: t.reasonForIncompletion })),
      })),
    );
    for (const [where, text] of [
      ["logs", logs],
      ["task results", results],
      ["metrics", metrics],
    ] as const) {
      expect(text.includes(TOKEN), `${where} contain the token`).toBe(false);
    }
  });
});
