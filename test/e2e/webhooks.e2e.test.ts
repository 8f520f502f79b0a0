import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exampleWorkflows } from "../../src/worker/examples.js";
import { startSwitchableProxy, type SwitchableProxy } from "../support/switchable-proxy.js";
import { SOURCE_ID, startHarness, type Harness, type WorkflowRun } from "./harness.js";

/**
 * Common Room webhooks start workflows (contract.md, "Triggers"), end to end: the worker's
 * listener, the real SDK client, and Conductor reached only through its REST API, so this
 * runs against any server. Conductor sits behind a switchable proxy, so "Conductor is down"
 * is a real outage.
 *
 * How many workflows an event started is counted where it shows on every server: the
 * "segments" webhook's workflow writes one Common Room user whose id is the event's id, so
 * the simulator's write count of that user is the number of workflows the event started.
 * (Conductor's correlated-workflows lookup needs a search index the Redis store lacks.)
 */

const SEGMENTS_SECRET = "segments-webhook-secret-7d41c0";
const ONBOARDING_SECRET = "onboarding-webhook-secret-93b2aa";
const SEGMENTS_WORKFLOW = "webhook_e2e_record_event";
const onboarding = exampleWorkflows().find((e) => e.id === "new-contact-onboarding")!;

let h: Harness;
let proxy: SwitchableProxy;
let base: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "crw-webhooks-e2e-"));
  const file = join(dir, "webhooks.json");
  writeFileSync(
    file,
    JSON.stringify([
      { name: "segments", secret: SEGMENTS_SECRET, workflow: { name: SEGMENTS_WORKFLOW } },
      {
        name: "new-contacts",
        secretEnv: "E2E_ONBOARDING_SECRET",
        workflow: { name: onboarding.definition.name, version: 1 },
      },
      { name: "paused", secret: SEGMENTS_SECRET, workflow: { name: "x" }, active: false },
      { name: "unregistered", secret: SEGMENTS_SECRET, workflow: { name: "no_such_workflow" } },
    ]),
  );
  proxy = await startSwitchableProxy();
  h = await startHarness({
    env: {
      CONDUCTOR_SERVER_URL: `${proxy.url}/api`,
      COMMON_ROOM_WEBHOOKS_FILE: file,
      E2E_ONBOARDING_SECRET: ONBOARDING_SECRET,
      WEBHOOK_PORT: "0",
      WEBHOOK_HOST: "127.0.0.1",
    },
  });
  proxy.setTarget(h.conductor.url);
  base = `http://127.0.0.1:${h.service.webhooks!.port}/webhooks/common-room`;
  await h.registerWorkflow(SEGMENTS_WORKFLOW, "common_room_add_or_edit_user", {
    user: { id: "${workflow.input.event.id}" },
  });
  const registered = await fetch(`${h.conductor.url}/api/metadata/workflow?overwrite=true`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(onboarding.definition),
  });
  expect(registered.status).toBe(200);
});
afterAll(async () => {
  await h?.close();
  await proxy?.close();
});
beforeEach(() => {
  proxy.up();
  h.sim.reset();
});

let deliveries = 0;
const envelope = (
  id = `evt-${++deliveries}-${Date.now()}`,
  payload: object = { email: "x@example.com" },
) => ({
  id,
  source: { type: "workflow", id: "4821", name: "New contact" },
  payload,
});

async function deliver(
  name: string,
  body: unknown,
  options: { secret?: string | null; raw?: string | Uint8Array; method?: string } = {},
) {
  const secret = options.secret === undefined ? SEGMENTS_SECRET : options.secret;
  const response = await fetch(`${base}/${name}`, {
    method: options.method ?? "POST",
    headers: {
      "Content-Type": "application/json",
      ...(secret !== null && { "x-commonroom-webhook-secret": secret }),
    },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function workflow(
  id: string,
): Promise<WorkflowRun & { correlationId?: string; input: Record<string, unknown> }> {
  return (await fetch(`${h.conductor.url}/api/workflow/${id}?includeTasks=true`)).json() as never;
}

/** How many workflows started for this event id: each writes the user once. */
function workflowsFor(eventId: string): number {
  return h.sim.state.users.get(`${SOURCE_ID}:${eventId}`)?.writes ?? 0;
}

/** Long enough for a stray second workflow, started beside the first, to have run too. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 750));

async function deliveriesCounted(webhook: string, outcome: string): Promise<number> {
  const text = await h.service.metrics.registry.getSingleMetricAsString(
    "commonroom_worker_webhook_deliveries_total",
  );
  const match = new RegExp(
    `^commonroom_worker_webhook_deliveries_total\\{webhook="${webhook}",outcome="${outcome}"\\} (\\d+)`,
    "m",
  ).exec(text);
  return match ? Number(match[1]) : 0;
}

describe("the secret", () => {
  it("missing or wrong: 401 with no detail and no workflow; right: 202 and the workflow", async () => {
    const event = envelope();
    const missing = await deliver("segments", event, { secret: null });
    const wrong = await deliver("segments", event, { secret: `${SEGMENTS_SECRET}x` });
    const otherWebhooks = await deliver("segments", event, { secret: ONBOARDING_SECRET });
    for (const answer of [missing, wrong, otherWebhooks]) {
      expect(answer).toEqual({ status: 401, json: { error: "unauthorized" } });
    }
    expect(await deliveriesCounted("segments", "unauthorized")).toBeGreaterThanOrEqual(3);

    const right = await deliver("segments", event);
    expect(right.status).toBe(202);
    const workflowId = right.json.workflowId as string;
    const run = await workflow(workflowId);
    expect(run.correlationId).toBe(event.id);
    expect(run.input).toEqual({ webhook: "segments", receivedAt: expect.any(String), event });
    expect(Date.parse(run.input.receivedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    expect((await h.waitFor(workflowId)).status).toBe("COMPLETED");
    await settle();
    expect(workflowsFor(event.id)).toBe(1); // the 401s started nothing
  });
});

describe("what is not a delivery", () => {
  it("not JSON: 400; JSON without an envelope id: 400", async () => {
    expect((await deliver("segments", null, { raw: "{not json" })).status).toBe(400);
    expect((await deliver("segments", { source: {}, payload: {} })).status).toBe(400);
    expect((await deliver("segments", [1, 2])).status).toBe(400);
    expect(await deliveriesCounted("segments", "not_json")).toBeGreaterThanOrEqual(1);
  });

  it("a body over 1 MiB: 413, and nothing starts", async () => {
    const id = `big-${Date.now()}`;
    const big = JSON.stringify({ id, payload: { blob: "x".repeat(1024 * 1024) } });
    expect((await deliver("segments", null, { raw: big })).status).toBe(413);
    // Just under the limit is fine.
    const fits = JSON.stringify({ id, payload: { blob: "x".repeat(1024 * 1024 - 100) } });
    const accepted = await deliver("segments", null, { raw: fits });
    expect(accepted.status).toBe(202);
    await h.waitFor(accepted.json.workflowId as string);
    await settle();
    expect(workflowsFor(id)).toBe(1); // the 413 started nothing
  });

  it("an unknown or inactive webhook name: 404; another method: 405", async () => {
    expect((await deliver("nope", envelope())).status).toBe(404);
    expect((await deliver("paused", envelope())).status).toBe(404);
    expect((await deliver("segments", undefined, { method: "GET", raw: undefined })).status).toBe(
      405,
    );
    expect(await deliveriesCounted("", "unknown_webhook")).toBeGreaterThanOrEqual(2);
  });

  it("a workflow Conductor does not know: 502, logged with the workflow's name", async () => {
    expect((await deliver("unregistered", envelope())).status).toBe(502);
    expect(h.logs.join("")).toContain("no_such_workflow");
  });
});

describe("one workflow per event", () => {
  it("the same envelope twice starts one workflow and answers its id both times", async () => {
    const event = envelope();
    const first = await deliver("segments", event);
    const second = await deliver("segments", event);
    expect(first.status).toBe(202);
    expect(second).toEqual(first);
    await h.waitFor(first.json.workflowId as string);
    await settle();
    expect(workflowsFor(event.id)).toBe(1);
  });

  it("200 concurrent deliveries of 50 distinct events start 50 workflows", async () => {
    const events = Array.from({ length: 50 }, (_, i) => envelope(`burst-${i}-${Date.now()}`));
    const repeatsBefore = await deliveriesCounted("segments", "repeat");
    // Copies of one event side by side, and a slow Conductor: each copy arrives while the
    // first one's start is still in flight.
    const eventOf = (i: number) => events[Math.floor(i / 4)]!;
    proxy.setLatency(300);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => deliver("segments", eventOf(i))),
    ).finally(() => proxy.setLatency(0));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const byEvent = new Map<string, Set<unknown>>();
    answers.forEach((answer, i) => {
      const id = eventOf(i).id;
      byEvent.set(id, (byEvent.get(id) ?? new Set()).add(answer.json.workflowId));
    });
    expect([...byEvent.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(new Set(answers.map((a) => a.json.workflowId)).size).toBe(50);
    for (const id of new Set(answers.map((a) => a.json.workflowId as string))) await h.waitFor(id);
    await settle();
    for (const event of events) expect(workflowsFor(event.id), event.id).toBe(1);
    expect(h.sim.requests.filter((r) => r.method === "POST")).toHaveLength(50);
    expect((await deliveriesCounted("segments", "repeat")) - repeatsBefore).toBe(150);
  });
});

describe("Conductor down", () => {
  it("answers 503 so the sender retries, then 202 once Conductor is back: one workflow", async () => {
    const event = envelope();
    proxy.down();
    const down = await deliver("segments", event);
    expect(down.status).toBe(503);
    expect(h.logs.join("")).toContain("Conductor unreachable");
    proxy.up();
    const back = await deliver("segments", event);
    expect(back.status).toBe(202);
    expect((await h.waitFor(back.json.workflowId as string)).status).toBe("COMPLETED");
    await settle();
    expect(workflowsFor(event.id)).toBe(1);
  }, 60_000);
});

describe("the onboarding example, started by its webhook", () => {
  it("a known contact: tagged, added to the onboarding segment, COMPLETED", async () => {
    const event = onboarding.sampleInput.event as { id: string; payload: { email: string } };
    const answer = await deliver(
      "new-contacts",
      { ...event, id: `${event.id}-${Date.now()}` },
      {
        secret: ONBOARDING_SECRET,
      },
    );
    expect(answer.status).toBe(202);
    const run = await h.waitFor(answer.json.workflowId as string);
    expect(run.status, JSON.stringify(run.tasks.map((t) => [t.referenceTaskName, t.status]))).toBe(
      "COMPLETED",
    );
    expect(run.tasks.map((t) => t.referenceTaskName)).toEqual([
      "find_contact",
      "is_known_contact",
      "tag_contact",
      "add_to_onboarding_segment",
    ]);
    expect(run.output).toMatchObject({ found: true, addedToSegment: 202 });
    expect(h.sim.state.contacts.get("c_1")?.segmentIds).toContain(202);
    const user = h.sim.state.users.get(`1001:${event.payload.email}`);
    expect(user?.tagIds.map((id) => h.sim.state.tags.get(id)?.name)).toContain("onboarding");
    h.sim.assertNoViolations();
  });

  it("an unknown contact is recorded with the tag; neither the secret nor the email is ever logged", async () => {
    const email = "private.person.e2e@example.com";
    const answer = await deliver(
      "new-contacts",
      envelope(undefined, { email, fullName: "Private Person" }),
      { secret: ONBOARDING_SECRET },
    );
    expect(answer.status).toBe(202);
    const run = await h.waitFor(answer.json.workflowId as string);
    expect(run.status).toBe("COMPLETED");
    expect(run.tasks.map((t) => t.referenceTaskName)).toEqual([
      "find_contact",
      "is_known_contact",
      "record_new_user",
    ]);
    expect(run.output).toMatchObject({ found: false, recordedUserId: email });
    // A wrong secret, too, is logged as an outcome only.
    await deliver("new-contacts", envelope(), { secret: "a-wrong-secret-that-is-long" });

    const logs = h.logs.join("");
    expect(logs).toContain("webhook delivery started a workflow");
    expect(logs).toContain('"webhook":"new-contacts"');
    for (const secret of [SEGMENTS_SECRET, ONBOARDING_SECRET, "a-wrong-secret-that-is-long"])
      expect(logs.includes(secret), "a secret is in the logs").toBe(false);
    expect(logs.includes("private.person"), "the payload's email is in the logs").toBe(false);
    expect(logs.includes("Private Person"), "the payload's name is in the logs").toBe(false);
    expect(await deliveriesCounted("new-contacts", "started")).toBeGreaterThanOrEqual(1);
  });
});
