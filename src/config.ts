import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * Environment → typed configuration. Every problem is a ConfigError whose message names
 * the variable (or the integrations-file entry), so a bad deployment stops before any poll.
 */

export const DEFAULT_API_URL = "https://api.commonroom.io/community/v1";
export const DEFAULT_INTEGRATION_NAME = "default";
/** The contract's task-type prefix; the example workflows are written with it too. */
export const DEFAULT_TASK_PREFIX = "common_room_";

export interface Integration {
  name: string;
  description: string;
  apiToken: string;
  apiUrl: string;
  apiV2Url: string;
  destinationSourceId?: number;
  active: boolean;
}

export interface Config {
  conductor: { serverUrl?: string; authKey?: string; authSecret?: string };
  integrations: Map<string, Integration>;
  /** The integration that serves tasks without `integrationName`. */
  defaultIntegration: string;
  taskPrefix: string;
  requestTimeoutMs: number;
  catalogTtlSeconds: number;
  rateLimitPerSecond?: number;
  /**
   * Pacing of Common Room requests per token (COMMON_ROOM_PACING=off turns it off: an
   * internal switch for comparisons, not a tuning knob).
   */
  pacing: boolean;
  shutdownTimeoutMs: number;
  httpPort: number;
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export type Env = Record<string, string | undefined>;

/**
 * Reads `NAME`, or the file named by `NAME_FILE` (Docker and Kubernetes secrets).
 * Setting both is ambiguous, so it is an error rather than a silent pick.
 */
export function readVariable(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (file !== undefined && file !== "") {
    if (direct !== undefined && direct !== "") {
      throw new ConfigError(`${name} and ${name}_FILE are both set; set only one of them`);
    }
    try {
      return readFileSync(file, "utf8").trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE: cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return direct === "" ? undefined : direct?.trim();
}

function parseVariable<T extends z.ZodTypeAny>(
  env: Env,
  name: string,
  schema: T,
): z.infer<T> | undefined {
  const raw = readVariable(env, name);
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      `${name}: ${parsed.error.issues[0]?.message ?? "invalid"} (got "${raw}")`,
    );
  }
  return parsed.data;
}

const PositiveInt = z.coerce
  .number({ invalid_type_error: "must be a number" })
  .int("must be a whole number")
  .positive("must be greater than 0");
const NonNegativeInt = z.coerce
  .number({ invalid_type_error: "must be a number" })
  .int("must be a whole number")
  .min(0, "must be 0 or more");
const HttpUrl = z
  .string()
  .url("must be a URL")
  .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://");
const DestinationSourceId = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+$/, "must be a positive integer")
    .transform(Number)
    .refine((n) => n > 0, "must be a positive integer"),
]);

const IntegrationEntry = z
  .object({
    name: z.string().min(1, "must not be empty"),
    description: z.string().default(""),
    apiToken: z.string().min(1, "must not be empty").optional(),
    apiTokenFile: z.string().min(1, "must not be empty").optional(),
    apiTokenEnv: z.string().min(1, "must not be empty").optional(),
    destinationSourceId: DestinationSourceId.optional(),
    active: z.boolean().default(true),
    apiUrl: HttpUrl.optional(),
  })
  .strict();

/** `.../community/v1` → `.../community/v2`; other URLs get `/v2` appended to their parent. */
export function deriveV2Url(v1Url: string): string {
  const trimmed = v1Url.replace(/\/+$/, "");
  return /\/v1$/.test(trimmed) ? trimmed.replace(/\/v1$/, "/v2") : `${trimmed}/v2`;
}

function loadIntegrationsFile(
  env: Env,
  file: string,
  defaults: { apiUrl: string; apiV2Url: string },
): Integration[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(
      `COMMON_ROOM_INTEGRATIONS_FILE: cannot read ${file} as JSON: ${(error as Error).message}`,
    );
  }
  const parsed = z.array(IntegrationEntry).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "(top level)";
    throw new ConfigError(
      `COMMON_ROOM_INTEGRATIONS_FILE (${file}): ${where}: ${issue?.message ?? "invalid"}`,
    );
  }
  const seen = new Set<string>();
  return parsed.data.map((entry, index) => {
    const where = `COMMON_ROOM_INTEGRATIONS_FILE (${file}): [${index}] "${entry.name}"`;
    if (seen.has(entry.name)) throw new ConfigError(`${where}: the name is used twice`);
    seen.add(entry.name);
    const sources = [entry.apiToken, entry.apiTokenFile, entry.apiTokenEnv].filter(Boolean);
    if (sources.length !== 1) {
      throw new ConfigError(
        `${where}: give exactly one of apiToken, apiTokenFile, apiTokenEnv (got ${sources.length})`,
      );
    }
    let apiToken = entry.apiToken;
    if (entry.apiTokenFile) {
      try {
        apiToken = readFileSync(entry.apiTokenFile, "utf8").trim();
      } catch (error) {
        throw new ConfigError(
          `${where}: apiTokenFile: cannot read ${entry.apiTokenFile}: ${(error as Error).message}`,
        );
      }
    }
    if (entry.apiTokenEnv) apiToken = env[entry.apiTokenEnv]?.trim();
    if (!apiToken) {
      const from = entry.apiTokenEnv ? `the variable ${entry.apiTokenEnv}` : "its source";
      throw new ConfigError(`${where}: the API token is missing (${from} is empty)`);
    }
    const apiUrl = entry.apiUrl ?? defaults.apiUrl;
    return {
      name: entry.name,
      description: entry.description,
      apiToken,
      apiUrl,
      apiV2Url: entry.apiUrl ? deriveV2Url(entry.apiUrl) : defaults.apiV2Url,
      destinationSourceId: entry.destinationSourceId,
      active: entry.active,
    };
  });
}

export interface LoadOptions {
  /** `start` and `register` need Conductor; `call` and `check` do not. */
  requireConductor?: boolean;
  /** `register` talks only to Conductor and needs no Common Room token. */
  requireIntegration?: boolean;
}

export function loadConfig(env: Env = process.env, options: LoadOptions = {}): Config {
  const { requireConductor = false, requireIntegration = true } = options;
  const serverUrl = parseVariable(env, "CONDUCTOR_SERVER_URL", HttpUrl);
  if (requireConductor && !serverUrl) {
    throw new ConfigError(
      "CONDUCTOR_SERVER_URL is required (the Conductor API base, e.g. http://localhost:8080/api)",
    );
  }
  const authKey = readVariable(env, "CONDUCTOR_AUTH_KEY");
  const authSecret = readVariable(env, "CONDUCTOR_AUTH_SECRET");
  if (Boolean(authKey) !== Boolean(authSecret)) {
    throw new ConfigError(
      `${authKey ? "CONDUCTOR_AUTH_SECRET" : "CONDUCTOR_AUTH_KEY"} is required when ${authKey ? "CONDUCTOR_AUTH_KEY" : "CONDUCTOR_AUTH_SECRET"} is set`,
    );
  }

  const apiUrl = parseVariable(env, "COMMON_ROOM_API_URL", HttpUrl) ?? DEFAULT_API_URL;
  const apiV2Url = parseVariable(env, "COMMON_ROOM_API_V2_URL", HttpUrl) ?? deriveV2Url(apiUrl);
  const integrations = new Map<string, Integration>();

  const defaultToken = readVariable(env, "COMMON_ROOM_API_TOKEN");
  const defaultSource = parseVariable(
    env,
    "COMMON_ROOM_DESTINATION_SOURCE_ID",
    DestinationSourceId,
  );
  if (defaultToken) {
    integrations.set(DEFAULT_INTEGRATION_NAME, {
      name: DEFAULT_INTEGRATION_NAME,
      description: "From COMMON_ROOM_API_TOKEN",
      apiToken: defaultToken,
      apiUrl,
      apiV2Url,
      destinationSourceId: defaultSource,
      active: true,
    });
  }

  const file = readVariable(env, "COMMON_ROOM_INTEGRATIONS_FILE");
  if (file) {
    for (const integration of loadIntegrationsFile(env, file, { apiUrl, apiV2Url })) {
      if (integrations.has(integration.name)) {
        throw new ConfigError(
          `COMMON_ROOM_INTEGRATIONS_FILE (${file}): "${integration.name}" is also the name of the integration from COMMON_ROOM_API_TOKEN; rename it`,
        );
      }
      integrations.set(integration.name, integration);
    }
  }
  if (requireIntegration && integrations.size === 0) {
    throw new ConfigError(
      "COMMON_ROOM_API_TOKEN is required (or COMMON_ROOM_INTEGRATIONS_FILE with at least one integration)",
    );
  }

  const prefix = readVariable(env, "COMMON_ROOM_TASK_PREFIX") ?? DEFAULT_TASK_PREFIX;
  if (!/^[A-Za-z0-9_.-]*$/.test(prefix)) {
    throw new ConfigError(
      `COMMON_ROOM_TASK_PREFIX: use letters, digits, "_", "." or "-" only (got "${prefix}")`,
    );
  }
  const logLevel = readVariable(env, "LOG_LEVEL") ?? "info";
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`,
    );
  }

  return {
    conductor: { serverUrl, authKey, authSecret },
    integrations,
    // The token variable's integration when there is one, else the file's first entry.
    defaultIntegration: integrations.has(DEFAULT_INTEGRATION_NAME)
      ? DEFAULT_INTEGRATION_NAME
      : (integrations.keys().next().value ?? DEFAULT_INTEGRATION_NAME),
    taskPrefix: prefix,
    requestTimeoutMs: parseVariable(env, "COMMON_ROOM_TIMEOUT_MS", PositiveInt) ?? 10_000,
    catalogTtlSeconds: parseVariable(env, "COMMON_ROOM_CATALOG_TTL_SECONDS", NonNegativeInt) ?? 600,
    rateLimitPerSecond: parseVariable(env, "COMMON_ROOM_RATE_LIMIT_PER_SECOND", PositiveInt),
    pacing: pacingOf(readVariable(env, "COMMON_ROOM_PACING")),
    shutdownTimeoutMs: parseVariable(env, "SHUTDOWN_TIMEOUT_MS", NonNegativeInt) ?? 30_000,
    httpPort:
      parseVariable(env, "WORKER_HTTP_PORT", NonNegativeInt.max(65535, "must be at most 65535")) ??
      9464,
    logLevel,
  };
}

function pacingOf(value: string | undefined): boolean {
  if (value === undefined || value === "" || value.toLowerCase() === "on") return true;
  if (value.toLowerCase() === "off") return false;
  throw new ConfigError(`COMMON_ROOM_PACING: must be "on" or "off" (got "${value}")`);
}

/** Every secret the process knows, for the log scrubber. */
export function secretsOf(config: Config): string[] {
  const secrets = [...config.integrations.values()].map((i) => i.apiToken);
  if (config.conductor.authSecret) secrets.push(config.conductor.authSecret);
  return secrets.filter((s) => s.length >= 4);
}
