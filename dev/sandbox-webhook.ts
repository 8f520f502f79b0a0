/**
 * `npm run sandbox -- --webhook`: the webhook listener in the sandbox. A webhooks file with
 * one webhook that starts the onboarding example, and the delivery Common Room would send
 * for a new contact (the example's sample envelope, with the secret in its header).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleWorkflows } from "../src/worker/examples.js";
import { freePort } from "./free-port.js";

const WEBHOOK_NAME = "new-contacts";

export interface SandboxWebhook {
  /** Added to the worker's environment. */
  env: Record<string, string>;
  url: string;
  secret: string;
  envelope: Record<string, unknown>;
}

export async function prepareSandboxWebhook(): Promise<SandboxWebhook> {
  const example = exampleWorkflows().find((e) => e.id === "new-contact-onboarding");
  if (!example) throw new Error("examples/new-contact-onboarding.workflow.json is missing");
  const secret = randomBytes(18).toString("base64url");
  const file = join(mkdtempSync(join(tmpdir(), "commonroom-sandbox-")), "webhooks.json");
  writeFileSync(
    file,
    JSON.stringify([
      {
        name: WEBHOOK_NAME,
        secretEnv: "SANDBOX_WEBHOOK_SECRET",
        workflow: { name: example.definition.name, version: 1 },
      },
    ]),
  );
  const port = await freePort();
  // A fresh id each run: the same one twice would be answered with the first workflow.
  const event = example.sampleInput.event as Record<string, unknown>;
  return {
    env: {
      COMMON_ROOM_WEBHOOKS_FILE: file,
      SANDBOX_WEBHOOK_SECRET: secret,
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: "127.0.0.1",
    },
    url: `http://127.0.0.1:${port}/webhooks/common-room/${WEBHOOK_NAME}`,
    secret,
    envelope: { ...event, id: `${String(event.id)}-${Date.now()}` },
  };
}

/** POSTs the envelope as Common Room would; resolves with the started workflow's id. */
export async function deliverSandboxEnvelope(webhook: SandboxWebhook): Promise<string> {
  const response = await fetch(webhook.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "x-commonroom-webhook-secret": webhook.secret,
    },
    body: JSON.stringify(webhook.envelope),
  });
  const body = await response.text();
  if (response.status !== 202) {
    throw new Error(`the webhook listener answered ${response.status}: ${body}`);
  }
  return (JSON.parse(body) as { workflowId: string }).workflowId;
}
