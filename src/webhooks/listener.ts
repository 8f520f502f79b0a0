import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "../logger.js";
import type { ConductorClient } from "../worker/conductor.js";
import { readBody } from "./body.js";
import type { Webhook, WebhookSettings } from "../config.js";
import { DeliveryMemory } from "./dedupe.js";
import { WebhookMetrics, type DeliveryOutcome } from "./metrics.js";
import { SECRET_HEADER, secretMatches } from "./secret.js";
import { StartFailed, startWorkflow } from "./start-workflow.js";

/**
 * The Common Room webhook listener: POST /webhooks/common-room/<name> on a port of its own
 * (so the metrics port need not face the internet). Each accepted delivery starts the
 * webhook's workflow once; see contract.md, "Triggers".
 *
 * It never logs a secret or the payload: only the webhook's name, the envelope's id and
 * source type, the workflow id and the outcome.
 */

/** The path of a delivery, as the Ingress example routes it. */
export const WEBHOOK_PATH = /^\/webhooks\/common-room\/([^/?#]+)\/?$/;

/** Outcomes refused before Conductor was asked. */
const REFUSALS = new Set<DeliveryOutcome>([
  "unauthorized",
  "unknown_webhook",
  "not_json",
  "bad_envelope",
  "too_large",
  "draining",
]);

export interface WebhookListenerOptions {
  settings: WebhookSettings;
  client: ConductorClient;
  logger: Logger;
  registry: Registry;
  /** Pause between attempts to bind a port that is taken. */
  bindRetryMs?: number;
  now?: () => Date;
}

export interface WebhookListener {
  /** The bound port; undefined while it cannot bind. */
  readonly port: number | undefined;
  /** Why the listener is not serving, for /readyz; undefined when it is. */
  notReadyReason(): string | undefined;
  /** Answers 503 to new deliveries, waits for those in flight (up to timeoutMs), then closes. */
  drain(timeoutMs: number): Promise<void>;
}

interface Envelope {
  id: string;
  source?: { type?: unknown };
}

/** What a request gets, and (for deliveries) which webhook and outcome to count. */
interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  hook?: Webhook;
  outcome?: DeliveryOutcome;
}

const reply = (
  status: number,
  body: Record<string, unknown>,
  more: Omit<Reply, "status" | "body"> = {},
): Reply => ({ status, body, ...more });

/** Starts the listener; resolves once the first attempt to bind has succeeded or failed. */
export async function startWebhookListener(
  options: WebhookListenerOptions,
): Promise<WebhookListener> {
  const { settings, client } = options;
  const log = options.logger.child({ component: "webhooks" });
  const metrics = new WebhookMetrics(options.registry);
  const memory = new DeliveryMemory(settings.dedupeSeconds * 1000);
  const byName = new Map(settings.webhooks.map((hook) => [hook.name, hook]));
  const now = options.now ?? (() => new Date());
  let draining = false;
  let bindProblem: string | undefined;
  let bindTimer: NodeJS.Timeout | undefined;
  let port: number | undefined;
  let firstAttempt: () => void = () => undefined;
  const inFlight = new Set<Promise<void>>();

  async function handle(req: IncomingMessage): Promise<Reply> {
    const match = WEBHOOK_PATH.exec(req.url ?? "");
    if (!match) return reply(404, { error: "not found" });
    if (req.method !== "POST")
      return reply(405, { error: "use POST" }, { headers: { Allow: "POST" } });
    let name: string;
    try {
      name = decodeURIComponent(match[1] as string);
    } catch {
      name = "";
    }
    const hook = byName.get(name);
    if (draining) {
      const headers = { "Retry-After": "5" };
      return reply(
        503,
        { error: "shutting down; send it again" },
        { hook, outcome: "draining", headers },
      );
    }
    if (!hook || !hook.active)
      return reply(404, { error: "not found" }, { outcome: "unknown_webhook" });
    const given = req.headers[SECRET_HEADER];
    if (!secretMatches(typeof given === "string" ? given : undefined, hook.secret)) {
      return reply(401, { error: "unauthorized" }, { hook, outcome: "unauthorized" });
    }
    const body = await readBody(req);
    if (body.kind === "too_large") {
      const headers = { Connection: "close" };
      return reply(
        413,
        { error: "the body is larger than 1 MiB" },
        { hook, outcome: "too_large", headers },
      );
    }
    let event: unknown;
    try {
      event = JSON.parse(body.text);
    } catch {
      return reply(400, { error: "the body is not JSON" }, { hook, outcome: "not_json" });
    }
    const envelope = envelopeOf(event);
    if (!envelope) {
      const error = "the body is not a webhook envelope: it needs an id";
      return reply(400, { error }, { hook, outcome: "bad_envelope" });
    }
    return deliver(hook, envelope, event as Record<string, unknown>);
  }

  async function deliver(
    hook: Webhook,
    envelope: Envelope,
    event: Record<string, unknown>,
  ): Promise<Reply> {
    const facts = {
      webhook: hook.name,
      deliveryId: envelope.id,
      sourceType: typeof envelope.source?.type === "string" ? envelope.source.type : undefined,
    };
    try {
      const { workflowId, repeat } = await memory.run(`${hook.name}:${envelope.id}`, () =>
        startWorkflow(client, {
          name: hook.workflow.name,
          ...(hook.workflow.version !== undefined && { version: hook.workflow.version }),
          input: { webhook: hook.name, receivedAt: now().toISOString(), event },
          correlationId: envelope.id,
          idempotencyKey: `${hook.name}:${envelope.id}`,
          idempotencyStrategy: "RETURN_EXISTING",
        }),
      );
      log.info(
        { ...facts, workflowId, workflow: hook.workflow.name },
        repeat
          ? "webhook delivery repeated: the workflow was already started"
          : "webhook delivery started a workflow",
      );
      return reply(202, { workflowId }, { hook, outcome: repeat ? "repeat" : "started" });
    } catch (error) {
      if (!(error instanceof StartFailed)) throw error;
      const { outcome } = error;
      if (outcome.kind === "unreachable") {
        log.warn(
          { ...facts, err: outcome.detail },
          "webhook delivery: Conductor unreachable; answering 503",
        );
        const headers = { "Retry-After": "10" };
        const body = { error: "Conductor is unreachable; send it again" };
        return reply(503, body, { hook, outcome: "conductor_unreachable", headers });
      }
      log.error(
        { ...facts, workflow: hook.workflow.name, httpStatus: outcome.status, err: outcome.detail },
        "webhook delivery: Conductor refused to start the workflow (is it registered?)",
      );
      const body = { error: "Conductor refused to start the workflow" };
      return reply(502, body, { hook, outcome: "conductor_refused" });
    }
  }

  function respond(res: ServerResponse, { status, body, headers }: Reply): void {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  const server: Server = createServer((req, res) => {
    const work = handle(req).then(
      (answer) => {
        if (answer.outcome) {
          metrics.count(answer.hook?.name, answer.outcome);
          // deliver() logs the outcomes that reached Conductor; here, the refusals.
          if (REFUSALS.has(answer.outcome)) {
            const facts = { webhook: answer.hook?.name, outcome: answer.outcome };
            log.warn({ ...facts, httpStatus: answer.status }, "webhook delivery refused");
          }
        }
        req.resume(); // an early answer leaves the body unread: discard it
        respond(res, answer);
      },
      (error: unknown) => {
        const err = error instanceof Error ? error.message : String(error);
        log.error({ err }, "webhook delivery failed: worker error");
        respond(res, reply(500, { error: "internal error" }));
      },
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });

  function bind(): void {
    server.once("error", onBindError);
    server.listen(settings.port, settings.host, () => {
      server.removeListener("error", onBindError);
      port = (server.address() as AddressInfo).port;
      if (bindProblem) log.info({ port }, "webhook listener bound after all");
      bindProblem = undefined;
      log.info(
        {
          host: settings.host,
          port,
          webhooks: settings.webhooks.filter((h) => h.active).map((h) => h.name),
        },
        "webhook listener listening",
      );
      firstAttempt();
    });
  }

  function onBindError(error: NodeJS.ErrnoException): void {
    bindProblem = `webhook listener cannot bind ${settings.host}:${settings.port}: ${error.code ?? error.message}`;
    log.error(
      { host: settings.host, port: settings.port, code: error.code },
      "webhook listener cannot bind; retrying",
    );
    firstAttempt();
    if (draining) return;
    bindTimer = setTimeout(bind, options.bindRetryMs ?? 5000);
    bindTimer.unref();
  }

  await new Promise<void>((resolve) => {
    firstAttempt = resolve;
    bind();
  });

  return {
    get port() {
      return port;
    },
    notReadyReason: () => bindProblem,
    async drain(timeoutMs) {
      draining = true;
      clearTimeout(bindTimer);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A Common Room envelope `{ id, source, payload }` as far as the listener needs it. */
function envelopeOf(value: unknown): Envelope | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { id, source } = value as { id?: unknown; source?: unknown };
  const text = typeof id === "number" && Number.isFinite(id) ? String(id) : id;
  if (typeof text !== "string" || text.trim() === "" || text.length > 200) return undefined;
  return { id: text, source: typeof source === "object" && source !== null ? source : undefined };
}
