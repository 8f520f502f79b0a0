import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../dev/free-port.js";
import { startSwitchableProxy, type SwitchableProxy } from "../support/switchable-proxy.js";
import { until } from "../support/until.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * The webhook listener's life beside the worker: a port it cannot bind shows in /readyz
 * until it can, and a drain answers 503 to new deliveries while it finishes those in
 * flight. Conductor sits behind a switchable proxy, so any Conductor server will do.
 */

const SECRET = "lifecycle-webhook-secret-51f0e2";
const WORKFLOW = "webhook_lifecycle_segments";

let h: Harness;
let proxy: SwitchableProxy;
let port: number;
const blocker = createServer();

beforeAll(async () => {
  port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
  const file = join(mkdtempSync(join(tmpdir(), "crw-webhooks-life-")), "webhooks.json");
  writeFileSync(
    file,
    JSON.stringify([{ name: "hook", secret: SECRET, workflow: { name: WORKFLOW } }]),
  );
  proxy = await startSwitchableProxy();
  h = await startHarness({
    env: {
      CONDUCTOR_SERVER_URL: `${proxy.url}/api`,
      COMMON_ROOM_WEBHOOKS_FILE: file,
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: "127.0.0.1",
    },
  });
  proxy.setTarget(h.conductor.url);
  await h.registerWorkflow(WORKFLOW, "common_room_get_segments");
});
afterAll(async () => {
  await h?.close();
  await proxy?.close();
  if (blocker.listening) blocker.close();
});

const readyz = async () => {
  const response = await fetch(`http://127.0.0.1:${h.service.httpPort}/readyz`);
  return { status: response.status, body: (await response.json()) as { reason?: string } };
};

const deliver = async (id: string) => {
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/common-room/hook`, {
    method: "POST",
    headers: { "x-commonroom-webhook-secret": SECRET, "Content-Type": "application/json" },
    body: JSON.stringify({ id, source: { type: "workflow" }, payload: {} }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("the webhook listener beside the worker", () => {
  it("a port it cannot bind makes /readyz 503 with the reason, until the port is free", async () => {
    const notReady = await readyz();
    expect(notReady.status).toBe(503);
    expect(notReady.body.reason).toBe(`webhook listener cannot bind 127.0.0.1:${port}: EADDRINUSE`);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await until(async () => (await readyz()).status === 200, 15_000, "the listener to bind");
    expect(h.service.webhooks?.port).toBe(port);
    expect((await deliver(`bound-${Date.now()}`)).status).toBe(202);
  });

  it("draining: new deliveries get 503, the one in flight still starts its workflow", async () => {
    proxy.down(); // holds the first delivery in flight: the SDK retries the connection
    const inFlight = deliver(`in-flight-${Date.now()}`);
    await new Promise((r) => setTimeout(r, 300));
    const stopping = h.service.stop(20_000);
    const refused = await deliver(`during-drain-${Date.now()}`);
    expect(refused).toEqual({ status: 503, body: { error: "shutting down; send it again" } });
    proxy.up();
    const first = await inFlight;
    expect(first.status).toBe(202);
    await stopping;
    const run = await fetch(`${h.conductor.url}/api/workflow/${String(first.body.workflowId)}`);
    expect(run.status).toBe(200);
    await expect(deliver("after-stop")).rejects.toThrow(); // closed
  }, 60_000);
});
