import { hostname } from "node:os";
import { ConfigError, type Env } from "../config.js";

/**
 * Per-task-type poller settings, read with the SDK's own precedence so its documented
 * variables keep working: CONDUCTOR_WORKER_<TASK>_<PROP>, conductor.worker.<task>.<prop>,
 * CONDUCTOR_WORKER_ALL_<PROP>, conductor.worker.all.<prop>, then our defaults.
 */
export interface PollerSettings {
  concurrency: number;
  /** The pause after an idle poll that came back empty early (no long poll, or POLL_TIMEOUT=0). */
  pollIntervalMs: number;
  /** The long-poll wait the server may hold a poll for; Conductor allows at most 5000. */
  pollTimeoutMs: number;
  domain?: string;
  workerId: string;
  paused: boolean;
}

export const DEFAULT_SETTINGS: Omit<PollerSettings, "workerId"> = {
  // Common Room calls spend their time waiting on the network, so ten per type is cheap.
  concurrency: 10,
  pollIntervalMs: 100,
  // The longest long poll Conductor accepts: an idle poller costs one request per 5 s.
  pollTimeoutMs: 5000,
  paused: false,
};

const MAX_POLL_TIMEOUT_MS = 5000;

/** The per-worker properties the SDK's variables may set, as in CONDUCTOR_WORKER_ALL_<PROP>. */
export const WORKER_PROPERTIES = [
  "CONCURRENCY",
  "POLL_INTERVAL",
  "POLL_TIMEOUT",
  "DOMAIN",
  "WORKER_ID",
  "PAUSED",
] as const;

function lookup(
  env: Env,
  taskType: string,
  prop: string,
): { name: string; value: string } | undefined {
  const names = [
    `CONDUCTOR_WORKER_${taskType.toUpperCase()}_${prop}`,
    `conductor.worker.${taskType}.${prop.toLowerCase()}`,
    `CONDUCTOR_WORKER_ALL_${prop}`,
    `conductor.worker.all.${prop.toLowerCase()}`,
  ];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return { name, value: value.trim() };
  }
  return undefined;
}

function integer(env: Env, taskType: string, prop: string, min: number, fallback: number): number {
  const hit = lookup(env, taskType, prop);
  if (!hit) return fallback;
  const value = Number(hit.value);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(
      `${hit.name}: must be a whole number of at least ${min} (got "${hit.value}")`,
    );
  }
  return value;
}

/** `env` is Config.workerOverrides: the SDK worker variables that config.ts collected. */
export function pollerSettings(taskType: string, env: Env): PollerSettings {
  const paused = lookup(env, taskType, "PAUSED");
  const pollTimeoutMs = integer(env, taskType, "POLL_TIMEOUT", 0, DEFAULT_SETTINGS.pollTimeoutMs);
  if (pollTimeoutMs > MAX_POLL_TIMEOUT_MS) {
    throw new ConfigError(
      `${lookup(env, taskType, "POLL_TIMEOUT")?.name}: Conductor accepts at most ${MAX_POLL_TIMEOUT_MS} ms (got ${pollTimeoutMs})`,
    );
  }
  return {
    concurrency: integer(env, taskType, "CONCURRENCY", 1, DEFAULT_SETTINGS.concurrency),
    pollIntervalMs: integer(env, taskType, "POLL_INTERVAL", 0, DEFAULT_SETTINGS.pollIntervalMs),
    pollTimeoutMs,
    domain: lookup(env, taskType, "DOMAIN")?.value,
    workerId: lookup(env, taskType, "WORKER_ID")?.value ?? hostname(),
    paused: paused ? ["true", "1", "yes", "on"].includes(paused.value.toLowerCase()) : false,
  };
}
