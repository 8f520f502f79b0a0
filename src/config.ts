import { readFileSync } from "node:fs";
import { z } from "zod";
import { readJsonFile } from "./json-file.js";
import { resemblance } from "./near-miss.js";

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
  /** The variable the token came from, when the integrations file named one (apiTokenEnv). */
  tokenEnv?: string;
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
  /** The longest one answer may hold a token, in ms (COMMON_ROOM_MAX_RATE_WAIT_SECONDS). */
  maxRateWaitMs: number;
  /** The ceiling on one task's output, as JSON (COMMON_ROOM_MAX_OUTPUT_BYTES). */
  maxOutputBytes: number;
  /**
   * Pacing of Common Room requests per token (COMMON_ROOM_PACING=off turns it off: an
   * internal switch for comparisons, not a tuning knob).
   */
  pacing: boolean;
  shutdownTimeoutMs: number;
  httpPort: number;
  /** Where the health and metrics endpoints bind. */
  httpHost: string;
  /** How long polls may fail before /readyz answers 503. */
  conductorUnreachableMs: number;
  logLevel: string;
  /**
   * The SDK's per-worker variables as given (CONDUCTOR_WORKER_<TASK>_<PROP>,
   * conductor.worker.<task>.<prop> and their ALL forms), resolved per task type by
   * worker/settings.ts, which validates them when the worker starts.
   */
  workerOverrides: Env;
  /** The webhook listener; undefined (off) unless COMMON_ROOM_WEBHOOKS_FILE is set. */
  webhooks?: WebhookSettings;
  /**
   * Variables the files name (an integration's apiTokenEnv, a webhook's secretEnv): known,
   * though not in the contract's table.
   */
  namedVariables: string[];
}

/**
 * The default ceiling on one task's output. Conductor OSS moves an output over 3 MB to
 * external storage (by default handing later tasks an empty input) and fails it over 10 MB.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Below this, even an error result might not fit. */
const MIN_OUTPUT_BYTES = 4096;

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
const DESTINATION_SOURCE_ID_EXPECTED =
  "must be a positive integer: the Destination Source ID of an API signal in Common Room, e.g. 45474";
// One message for both forms: a union's own "Invalid input" names nothing an operator can fix.
const DestinationSourceId = z.union(
  [
    z.number().int().positive(),
    z
      .string()
      .regex(/^\d+$/, DESTINATION_SOURCE_ID_EXPECTED)
      .transform(Number)
      .refine((n) => n > 0, DESTINATION_SOURCE_ID_EXPECTED),
  ],
  { errorMap: () => ({ message: DESTINATION_SOURCE_ID_EXPECTED }) },
);

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

/** `.../community/v1` → `.../community/v2`; any other URL gets `/v2` appended. The one derivation, for config and client. */
export function deriveV2Url(v1Url: string): string {
  const trimmed = v1Url.replace(/\/+$/, "");
  return /\/v1$/.test(trimmed) ? trimmed.replace(/\/v1$/, "/v2") : `${trimmed}/v2`;
}

function loadIntegrationsFile(
  env: Env,
  file: string,
  defaults: { apiUrl: string; apiV2Url: string },
): Integration[] {
  const prefix = `COMMON_ROOM_INTEGRATIONS_FILE (${file})`;
  const read = readJsonFile(file);
  if ("problem" in read) throw new ConfigError(`${prefix}: ${read.problem}`);
  if (!Array.isArray(read.value)) {
    throw new ConfigError(`${prefix}: (top level): must be a JSON array of integrations`);
  }
  const seen = new Set<string>();
  return read.value.map((item: unknown, index) => {
    const parsed = IntegrationEntry.safeParse(item);
    if (!parsed.success)
      throw new ConfigError(
        `${entryWhere(prefix, index, item)}: ${firstIssue(parsed.error, INTEGRATION_KEYS)}`,
      );
    const entry = parsed.data;
    const where = entryWhere(prefix, index, item);
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
      ...(entry.apiTokenEnv && { tokenEnv: entry.apiTokenEnv }),
    };
  });
}

/** COMMON_ROOM_TASK_PREFIX, checked: also read alone by commands that need nothing else. */
export function readTaskPrefix(env: Env): string {
  const prefix = readVariable(env, "COMMON_ROOM_TASK_PREFIX") ?? DEFAULT_TASK_PREFIX;
  if (!/^[A-Za-z0-9_.-]*$/.test(prefix)) {
    throw new ConfigError(
      `COMMON_ROOM_TASK_PREFIX: use letters, digits, "_", "." or "-" only (got "${prefix}")`,
    );
  }
  return prefix;
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

  const prefix = readTaskPrefix(env);
  // Operators write INFO as often as info; pino wants lower case.
  const logLevel = (readVariable(env, "LOG_LEVEL") ?? "info").toLowerCase();
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`,
    );
  }

  const config: Config = {
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
    maxRateWaitMs:
      (parseVariable(env, "COMMON_ROOM_MAX_RATE_WAIT_SECONDS", PositiveInt) ?? 60) * 1000,
    maxOutputBytes:
      parseVariable(
        env,
        "COMMON_ROOM_MAX_OUTPUT_BYTES",
        PositiveInt.min(MIN_OUTPUT_BYTES, `must be at least ${MIN_OUTPUT_BYTES}`),
      ) ?? DEFAULT_MAX_OUTPUT_BYTES,
    pacing: pacingOf(readVariable(env, "COMMON_ROOM_PACING")),
    shutdownTimeoutMs: parseVariable(env, "SHUTDOWN_TIMEOUT_MS", NonNegativeInt) ?? 30_000,
    httpPort:
      parseVariable(env, "WORKER_HTTP_PORT", NonNegativeInt.max(65535, "must be at most 65535")) ??
      9464,
    httpHost: readVariable(env, "WORKER_HTTP_HOST") ?? "0.0.0.0",
    conductorUnreachableMs:
      parseVariable(env, "CONDUCTOR_UNREACHABLE_MS", NonNegativeInt) ?? 30_000,
    logLevel,
    namedVariables: [],
    workerOverrides: Object.fromEntries(
      Object.entries(env).filter(
        ([name, value]) =>
          value !== undefined &&
          (name.startsWith("CONDUCTOR_WORKER_") || name.startsWith("conductor.worker.")),
      ),
    ),
  };
  config.webhooks = loadWebhookSettings(env, config.httpPort);
  config.namedVariables = [
    ...[...integrations.values()].flatMap((i) => (i.tokenEnv ? [i.tokenEnv] : [])),
    ...(config.webhooks?.webhooks ?? []).flatMap((w) => (w.secretEnv ? [w.secretEnv] : [])),
  ];
  return config;
}

/** The webhook listener's settings, when COMMON_ROOM_WEBHOOKS_FILE turns it on. */
function loadWebhookSettings(env: Env, httpPort: number): WebhookSettings | undefined {
  const file = readVariable(env, "COMMON_ROOM_WEBHOOKS_FILE");
  if (!file) return undefined;
  // 0 asks the system for a free port (tests, the sandbox); the log names the one bound.
  const port =
    parseVariable(env, "WEBHOOK_PORT", NonNegativeInt.max(65535, "must be at most 65535")) ?? 9465;
  if (port !== 0 && port === httpPort) {
    throw new ConfigError(
      `WEBHOOK_PORT: must differ from WORKER_HTTP_PORT (both are ${port}); the webhook listener has a port of its own`,
    );
  }
  return {
    file,
    port,
    host: readVariable(env, "WEBHOOK_HOST") ?? "0.0.0.0",
    dedupeSeconds:
      parseVariable(env, "COMMON_ROOM_WEBHOOK_DEDUPE_SECONDS", NonNegativeInt) ?? 86_400,
    webhooks: loadWebhooksFile(env, file),
  };
}

// ---------------------------------------------------------------------------------------
// The webhooks file

export interface Webhook {
  /** The last segment of its URL: POST /webhooks/common-room/<name>. */
  name: string;
  /** What Common Room sends in x-commonroom-webhook-secret. */
  secret: string;
  workflow: { name: string; version?: number };
  active: boolean;
  /** The variable the secret came from, when the entry named one (secretEnv). */
  secretEnv?: string;
}

export interface WebhookSettings {
  file: string;
  port: number;
  host: string;
  /** How long a `<name>:<id>` already started is remembered; 0 remembers only in-flight starts. */
  dedupeSeconds: number;
  webhooks: Webhook[];
}

/** A secret guessable in few tries protects nothing. */
export const MIN_SECRET_LENGTH = 16;

const WebhookSecret = z
  .string()
  .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`);

const WebhookEntry = z
  .object({
    // Unreserved URL characters only, so the name is its own path segment, unencoded.
    name: z
      .string({ required_error: "required" })
      .regex(/^[A-Za-z0-9._~-]+$/, "must be URL-safe: letters, digits, '.', '_', '~', '-'"),
    secret: WebhookSecret.optional(),
    secretFile: z.string().min(1, "must not be empty").optional(),
    secretEnv: z.string().min(1, "must not be empty").optional(),
    workflow: z
      .object({
        name: z.string({ required_error: "required" }).min(1, "must not be empty"),
        version: z.number().int("must be a whole number").positive("must be 1 or more").optional(),
      })
      .strict(),
    active: z.boolean().default(true),
  })
  .strict();

/** The keys each entry of the two files may have, by path in the entry, for near misses. */
const INTEGRATION_KEYS: Record<string, string[]> = { "": Object.keys(IntegrationEntry.shape) };
const WEBHOOK_KEYS: Record<string, string[]> = {
  "": Object.keys(WebhookEntry.shape),
  workflow: Object.keys(WebhookEntry.shape.workflow.shape),
};

/** `<file>: [2] "eu"`: an entry of a file by its place and, when it has one, its name. */
function entryWhere(prefix: string, index: number, item: unknown): string {
  const name =
    typeof item === "object" && item !== null && Object.hasOwn(item, "name")
      ? (item as { name: unknown }).name
      : undefined;
  return `${prefix}: [${index}]${typeof name === "string" ? ` "${name}"` : ""}`;
}

/**
 * The first problem of a file entry, by its path in the entry. An unknown key names the key
 * it resembles (\`apiTokn\`: did you mean apiToken?), read from the schema the entry failed.
 */
function firstIssue(error: z.ZodError, keys: Record<string, string[]> = {}): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const where = issue.path.length ? `${issue.path.join(".")}.` : "";
  if (issue.code === "unrecognized_keys") {
    const known = keys[issue.path.join(".")] ?? [];
    return issue.keys
      .map((key) => {
        const meant = resemblance(key, known);
        return `${where}${key}: unknown key${meant ? `; did you mean ${meant}?` : ""}`;
      })
      .join("; ");
  }
  return `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`;
}

function readSecret(entry: z.infer<typeof WebhookEntry>, env: Env) {
  const given = [entry.secret, entry.secretFile, entry.secretEnv].filter((s) => s !== undefined);
  if (given.length !== 1) {
    return {
      problem: `give exactly one of secret, secretFile, secretEnv (got ${given.length})`,
    };
  }
  if (entry.secret !== undefined) return { secret: entry.secret };
  let raw: string | undefined;
  let from: string;
  if (entry.secretFile !== undefined) {
    from = `secretFile ${entry.secretFile}`;
    try {
      raw = readFileSync(entry.secretFile, "utf8");
    } catch (error) {
      return {
        problem: `secretFile: cannot read ${entry.secretFile}: ${(error as Error).message}`,
      };
    }
  } else {
    from = `the variable ${entry.secretEnv}`;
    raw = env[entry.secretEnv as string];
  }
  const secret = raw?.trim();
  if (!secret) return { problem: `the secret is missing (${from} is empty)` };
  const checked = WebhookSecret.safeParse(secret);
  if (!checked.success) return { problem: `the secret from ${from} ${firstIssue(checked.error)}` };
  return { secret };
}

/**
 * The webhooks file (COMMON_ROOM_WEBHOOKS_FILE): which Common Room webhooks the listener
 * accepts, the secret each must carry, and the workflow each starts. Every problem names
 * the file and the entry, like the integrations file.
 */
function loadWebhooksFile(env: Env, file: string): Webhook[] {
  const prefix = `COMMON_ROOM_WEBHOOKS_FILE (${file})`;
  const read = readJsonFile(file);
  if ("problem" in read) throw new ConfigError(`${prefix}: ${read.problem}`);
  const raw = read.value;
  if (!Array.isArray(raw)) {
    throw new ConfigError(`${prefix}: must be a JSON array of webhooks`);
  }
  const seen = new Set<string>();
  return raw.map((item: unknown, index) => {
    const where = entryWhere(prefix, index, item);
    const parsed = WebhookEntry.safeParse(item);
    if (!parsed.success)
      throw new ConfigError(`${where}: ${firstIssue(parsed.error, WEBHOOK_KEYS)}`);
    const entry = parsed.data;
    if (seen.has(entry.name)) throw new ConfigError(`${where}: the name is used twice`);
    seen.add(entry.name);
    const secret = readSecret(entry, env);
    if (secret.problem !== undefined) throw new ConfigError(`${where}: ${secret.problem}`);
    return {
      name: entry.name,
      secret: secret.secret,
      workflow: {
        name: entry.workflow.name,
        ...(entry.workflow.version !== undefined && { version: entry.workflow.version }),
      },
      active: entry.active,
      ...(entry.secretEnv !== undefined && { secretEnv: entry.secretEnv }),
    };
  });
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
  for (const webhook of config.webhooks?.webhooks ?? []) secrets.push(webhook.secret);
  return secrets.filter((s) => s.length >= 4);
}
