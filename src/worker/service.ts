import { ConfigError, type Config } from "../config.js";
import type { Logger } from "../logger.js";
import { operations as allOperations } from "../operations/index.js";
import type { Operation } from "../operations/define.js";
import { startWebhookListener, type WebhookListener } from "../webhooks/listener.js";
import { ConductorGateway, connectConductor, type ConductorClient } from "./conductor.js";
import { ConductorReachability } from "./conductor-reachability.js";
import type { DeliveryPolicy } from "./delivery.js";
import { startHealthServer, type HealthServer } from "./http.js";
import { Integrations } from "./integrations.js";
import { WorkerMetrics } from "./metrics.js";
import { WorkerRuntime, type DrainResult } from "./runtime.js";
import { DEFAULT_SETTINGS } from "./settings.js";

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  operations?: readonly Operation[];
  delivery?: Partial<DeliveryPolicy>;
  maxRateLimitHandbacks?: number;
  /** Overrides config.httpPort; tests pass { port: 0 } for a free port, or false for none. */
  http?: { port: number; host?: string } | false;
}

export interface Service {
  runtime: WorkerRuntime;
  metrics: WorkerMetrics;
  /** The health and metrics endpoints' port, when they are on. */
  httpPort?: number;
  /** The webhook listener, when COMMON_ROOM_WEBHOOKS_FILE turns it on. */
  webhooks?: WebhookListener;
  /** Drains (see WorkerRuntime.drain), then closes the endpoints and the Conductor client. */
  stop(timeoutMs?: number): Promise<DrainResult>;
}

/** Serves /healthz, /readyz, /metrics, connects to Conductor and starts polling. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  if (!config.conductor.serverUrl) throw new Error("CONDUCTOR_SERVER_URL is required");
  const ops = options.operations ?? allOperations;
  const metrics = new WorkerMetrics();
  let webhooks: WebhookListener | undefined;
  // Set once Conductor is reached; until then the endpoints report "starting".
  const current: { runtime?: WorkerRuntime } = {};
  const reachability = new ConductorReachability({
    logger,
    serverUrl: config.conductor.serverUrl,
    unreachableMs: config.conductorUnreachableMs,
  });

  const httpOption =
    options.http ??
    (config.httpPort > 0 ? { port: config.httpPort, host: config.httpHost } : (false as const));
  let http: HealthServer | undefined;
  if (httpOption) {
    // Up before Conductor is reached, so /readyz can say "starting".
    http = await startHealthServer({
      ...httpOption,
      state: () => current.runtime?.state ?? "starting",
      notReady: [() => reachability.notReadyReason(), () => webhooks?.notReadyReason()],
      registry: metrics.registry,
    }).catch((error: unknown) => {
      throw bindError(error, httpOption.port, httpOption.host ?? "0.0.0.0");
    });
    logger.info(
      { port: http.port, host: httpOption.host },
      "health and metrics endpoints listening",
    );
  }

  const connection = {
    serverUrl: config.conductor.serverUrl,
    authKey: config.conductor.authKey,
    authSecret: config.conductor.authSecret,
    // One long poll per task type, plus room for result updates beside them.
    maxConnections: ops.length * 2 + 8,
    logger,
  };
  // What this start has opened so far, so that a start failing part way can close it.
  let client: ConductorClient | undefined;
  let runtime: WorkerRuntime | undefined;
  try {
    client = await connectConductor(connection);
    // With key auth, a refused token is renewed by connecting again (a new token).
    const gateway = new ConductorGateway(
      client,
      connection.authKey && connection.authSecret ? () => connectConductor(connection) : undefined,
    );
    runtime = new WorkerRuntime({
      gateway,
      operations: ops,
      taskPrefix: config.taskPrefix,
      integrations: new Integrations(config, {
        observer: metrics.commonRoomObserver,
        pacerObserver: metrics.pacerObserver,
        logger,
      }),
      logger,
      workerOverrides: config.workerOverrides,
      observer: metrics.runtimeObserver,
      delivery: options.delivery,
      maxRateLimitHandbacks: options.maxRateLimitHandbacks,
      maxOutputBytes: config.maxOutputBytes,
      maxRateWaitMs: config.maxRateWaitMs,
      reachability,
    });
    current.runtime = runtime;
    runtime.start();
    if (config.webhooks) {
      webhooks = await startWebhookListener({
        settings: config.webhooks,
        client,
        logger,
        registry: metrics.registry,
      });
    }
    const started = { client, gateway, runtime };
    return {
      runtime,
      metrics,
      httpPort: http?.port,
      webhooks,
      async stop(timeoutMs = config.shutdownTimeoutMs) {
        metrics.drainStarted();
        // Deliveries in flight still need the Conductor client: both drain before it closes.
        const [result] = await Promise.all([
          started.runtime.drain(timeoutMs),
          webhooks?.drain(timeoutMs),
        ]);
        const cutShort = result.unfinished > 0 || result.pollsUnderWay > 0;
        metrics.drainEnded(cutShort ? "cut_short" : "drained");
        // A drain cut short strands tasks until responseTimeoutSeconds: let Prometheus see the
        // count before the process goes, within the long poll of margin the grace period adds.
        if (cutShort) await http?.nextScrape(FINAL_SCRAPE_MS);
        started.client.stopBackgroundRefresh();
        started.gateway.close();
        await http?.close();
        return result;
      },
    };
  } catch (error) {
    // A start that fails part way closes what it opened: no health port left answering,
    // no poller left running, no token refresh left ticking.
    await runtime?.drain(0).catch(() => undefined);
    client?.stopBackgroundRefresh();
    await http?.close().catch(() => undefined);
    throw error;
  }
}

/** The longest a drain cut short waits for a last scrape: one long poll (settings.ts). */
const FINAL_SCRAPE_MS = DEFAULT_SETTINGS.pollTimeoutMs;

/** A port or host the endpoints cannot bind is a configuration error naming the variable. */
function bindError(error: unknown, port: number, host: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === "EADDRINUSE" || code === "EACCES") {
    const why = code === "EADDRINUSE" ? "is already in use" : "may not be bound by this user";
    return new ConfigError(
      `WORKER_HTTP_PORT: port ${port} on ${host} ${why}; choose another port, or 0 to turn the endpoints off`,
    );
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new ConfigError(
      `WORKER_HTTP_HOST: cannot bind ${host} (${String(code)}); use an address of this machine, e.g. 0.0.0.0 or 127.0.0.1`,
    );
  }
  return error;
}
