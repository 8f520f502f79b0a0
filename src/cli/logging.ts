import { secretsOf, type Config } from "../config.js";
import { createLogger, type Logger } from "../logger.js";

/** The worker's logger: JSON lines on stdout at LOG_LEVEL, every token scrubbed. */
export function workerLogger(config: Config): Logger {
  return createLogger({ level: config.logLevel, secrets: secretsOf(config) });
}

/**
 * A one-shot command's logger: on stderr, so stdout stays the command's answer, and quiet
 * (warnings and worse) unless LOG_LEVEL asks for more than info.
 */
export function commandLogger(config: Config): Logger {
  return createLogger({
    level: config.logLevel === "info" ? "warn" : config.logLevel,
    secrets: secretsOf(config),
    destination: process.stderr,
  });
}
