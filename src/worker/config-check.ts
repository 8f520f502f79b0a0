import type { Config, Env } from "../config.js";
import { operations, taskTypeOf } from "../operations/index.js";
import { closestName } from "../near-miss.js";
import { pollerSettings, WORKER_PROPERTIES } from "./settings.js";

/**
 * What loadConfig cannot see on its own, checked once before anything is opened, by `start`
 * and by `check` alike: the SDK's per-worker overrides for every task type (a bad one is a
 * ConfigError naming it), and set variables with one of our prefixes that nothing reads (a
 * warning naming the closest known one: a typo must not pass for a setting).
 */
export function checkWorkerConfig(config: Config, env: Env): { warnings: string[] } {
  const taskTypes = operations.map((op) => taskTypeOf(op, config.taskPrefix));
  for (const taskType of taskTypes) pollerSettings(taskType, config.workerOverrides);
  return { warnings: unknownVariableWarnings(env, knownVariables(config, taskTypes)) };
}

/** The prefixes whose variables are ours (or the Conductor SDK's) to know. */
const OUR_PREFIXES = ["COMMON_ROOM_", "CONDUCTOR_", "WORKER_", "WEBHOOK_"];

/** The contract's configuration table; each also has a *_FILE form. */
const SETTINGS = [
  "CONDUCTOR_SERVER_URL",
  "CONDUCTOR_AUTH_KEY",
  "CONDUCTOR_AUTH_SECRET",
  "COMMON_ROOM_API_TOKEN",
  "COMMON_ROOM_API_URL",
  "COMMON_ROOM_API_V2_URL",
  "COMMON_ROOM_CATALOG_TTL_SECONDS",
  "COMMON_ROOM_RATE_LIMIT_PER_SECOND",
  "COMMON_ROOM_MAX_RATE_WAIT_SECONDS",
  "WORKER_REDIS_URL",
  "WORKER_REDIS_PREFIX",
  "COMMON_ROOM_MAX_OUTPUT_BYTES",
  "COMMON_ROOM_WEBHOOKS_FILE",
  "WEBHOOK_PORT",
  "WEBHOOK_HOST",
  "WORKER_HTTP_HOST",
  "CONDUCTOR_UNREACHABLE_MS",
  "COMMON_ROOM_WEBHOOK_DEDUPE_SECONDS",
  "SHUTDOWN_TIMEOUT_MS",
  "COMMON_ROOM_DESTINATION_SOURCE_ID",
  "COMMON_ROOM_INTEGRATIONS_FILE",
  "COMMON_ROOM_TASK_PREFIX",
  "COMMON_ROOM_TIMEOUT_MS",
  "WORKER_HTTP_PORT",
  "LOG_LEVEL",
  // Not in the table on purpose: pacing off is for comparisons only.
  "COMMON_ROOM_PACING",
];

/** What the Conductor SDK itself reads from the environment (no *_FILE forms). */
const SDK_VARIABLES = [
  "CONDUCTOR_CONNECT_TIMEOUT_MS",
  "CONDUCTOR_DISABLE_HTTP2",
  "CONDUCTOR_LOG_LEVEL",
  "CONDUCTOR_MAX_HTTP2_CONNECTIONS",
  "CONDUCTOR_PROXY_URL",
  "CONDUCTOR_REFRESH_TOKEN_INTERVAL",
  "CONDUCTOR_REQUEST_TIMEOUT_MS",
  "CONDUCTOR_RETRY_SERVER_ERRORS",
  "CONDUCTOR_TLS_CA_PATH",
  "CONDUCTOR_TLS_CERT_PATH",
  "CONDUCTOR_TLS_INSECURE",
  "CONDUCTOR_TLS_KEY_PATH",
  "WORKER_CANONICAL_METRICS",
];

/**
 * Kubernetes gives every pod variables for each service in its namespace: a service named
 * `conductor` brings CONDUCTOR_SERVICE_HOST, CONDUCTOR_PORT_8080_TCP and the like. Not typos.
 */
const SERVICE_LINK =
  /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)?)$/;

function knownVariables(config: Config, taskTypes: readonly string[]): string[] {
  const overrides = ["ALL", ...taskTypes.map((t) => t.toUpperCase())].flatMap((who) =>
    WORKER_PROPERTIES.map((prop) => `CONDUCTOR_WORKER_${who}_${prop}`),
  );
  return [
    ...SETTINGS.flatMap((name) => [name, `${name}_FILE`]),
    ...SDK_VARIABLES,
    ...overrides,
    ...config.namedVariables,
  ];
}

/** `COMMON_ROOM_API_TOKN: unknown; did you mean COMMON_ROOM_API_TOKEN?`, one per such variable. */
export function unknownVariableWarnings(env: Env, known: readonly string[]): string[] {
  const knownSet = new Set(known);
  return Object.keys(env)
    .filter((name) => OUR_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .filter((name) => !knownSet.has(name) && !SERVICE_LINK.test(name))
    .sort()
    .map((name) => {
      const meant = closestName(name, known);
      return `${name}: unknown; did you mean ${meant}?`;
    });
}
