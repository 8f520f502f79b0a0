import type { Config, Env } from "../config.js";
import type { Logger } from "../logger.js";
import { operations as allOperations } from "../operations/index.js";
import type { Operation } from "../operations/define.js";
import { ConductorGateway, connectConductor } from "./conductor.js";
import type { DeliveryPolicy } from "./delivery.js";
import { startHealthServer, type HealthServer } from "./http.js";
import { Integrations } from "./integrations.js";
import { WorkerMetrics } from "./metrics.js";
import { WorkerRuntime } from "./runtime.js";

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  /** Source of the CONDUCTOR_WORKER_* overrides. */
  env?: Env;
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
  /** Drains (see WorkerRuntime.drain), then closes the endpoints and the Conductor client. */
  stop(timeoutMs?: number): Promise<{ unfinished: number }>;
}

/** Serves /healthz, /readyz, /metrics, connects to Conductor and starts polling. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  if (!config.conductor.serverUrl) throw new Error("CONDUCTOR_SERVER_URL is required");
  const ops = options.operations ?? allOperations;
  const metrics = new WorkerMetrics();
  // Set once Conductor is reached; until then the endpoints report "starting".
  const current: { runtime?: WorkerRuntime } = {};

  const httpOption =
    options.http ?? (config.httpPort > 0 ? { port: config.httpPort } : (false as const));
  let http: HealthServer | undefined;
  if (httpOption) {
    // Up before Conductor is reached, so /readyz can say "starting".
    http = await startHealthServer({
      ...httpOption,
      state: () => current.runtime?.state ?? "starting",
      registry: metrics.registry,
    });
    logger.info({ port: http.port }, "health and metrics endpoints listening");
  }

  const client = await connectConductor({
    serverUrl: config.conductor.serverUrl,
    authKey: config.conductor.authKey,
    authSecret: config.conductor.authSecret,
    // One long poll per task type, plus room for result updates beside them.
    maxConnections: ops.length * 2 + 8,
    logger,
  });
  const runtime = new WorkerRuntime({
    gateway: new ConductorGateway(client),
    operations: ops,
    taskPrefix: config.taskPrefix,
    integrations: new Integrations(config, {
      observer: metrics.commonRoomObserver,
      pacerObserver: metrics.pacerObserver,
      logger,
    }),
    logger,
    env: options.env,
    observer: metrics.runtimeObserver,
    delivery: options.delivery,
    maxRateLimitHandbacks: options.maxRateLimitHandbacks,
  });
  current.runtime = runtime;
  runtime.start();
  return {
    runtime,
    metrics,
    httpPort: http?.port,
    async stop(timeoutMs = config.shutdownTimeoutMs) {
      const result = await runtime.drain(timeoutMs);
      (client as { stopBackgroundRefresh?: () => void }).stopBackgroundRefresh?.();
      await http?.close();
      return result;
    },
  };
}
