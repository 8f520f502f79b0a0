import { hostname } from "node:os";
import { pino, type DestinationStream, type Logger } from "pino";
import { REDACTED, scrubSecrets } from "./secrets.js";

export type { Logger } from "pino";

/** Paths that hold credentials in the objects we or our libraries log. */
const REDACT_PATHS = [
  "apiToken",
  "*.apiToken",
  "authSecret",
  "*.authSecret",
  "keySecret",
  "*.keySecret",
  "authorization",
  "Authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  'headers["x-authorization"]',
  'headers["X-Authorization"]',
  "config.headers",
  "*.config.headers",
  "request",
  "*.request",
];

export interface LoggerOptions {
  level?: string;
  /** Values that must never be written, e.g. every integration's API token. */
  secrets?: readonly string[];
  /** Where lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])];
  return pino(
    {
      level: options.level ?? "info",
      // pid and hostname tell replicas (and a worker from its npm parent) apart.
      base: { service: "commonroom-conductor-worker", pid: process.pid, hostname: hostname() },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: { streamWrite: (line) => scrubSecrets(line, secrets) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
