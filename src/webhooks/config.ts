import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * The webhooks file (COMMON_ROOM_WEBHOOKS_FILE): which Common Room webhooks the listener
 * accepts, the secret each must carry, and the workflow each starts. Every problem is a
 * WebhooksFileError naming the file and the entry (config.ts reports it as a ConfigError),
 * so a bad deployment stops before any poll.
 */

export class WebhooksFileError extends Error {
  override readonly name = "WebhooksFileError";
}

export interface Webhook {
  /** The last segment of its URL: POST /webhooks/common-room/<name>. */
  name: string;
  /** What Common Room sends in x-commonroom-webhook-secret. */
  secret: string;
  workflow: { name: string; version?: number };
  active: boolean;
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

const Secret = z
  .string()
  .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`);
const NonEmpty = z.string().min(1, "must not be empty");

const Entry = z
  .object({
    // Unreserved URL characters only, so the name is its own path segment, unencoded.
    name: z
      .string({ required_error: "required" })
      .regex(/^[A-Za-z0-9._~-]+$/, "must be URL-safe: letters, digits, '.', '_', '~', '-'"),
    secret: Secret.optional(),
    secretFile: NonEmpty.optional(),
    secretEnv: NonEmpty.optional(),
    workflow: z
      .object({
        name: z.string({ required_error: "required" }).min(1, "must not be empty"),
        version: z.number().int("must be a whole number").positive("must be 1 or more").optional(),
      })
      .strict(),
    active: z.boolean().default(true),
  })
  .strict();

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue?.message ?? "invalid"}`;
}

function readSecret(entry: z.infer<typeof Entry>, env: Record<string, string | undefined>) {
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
  const checked = Secret.safeParse(secret);
  if (!checked.success) return { problem: `the secret from ${from} ${issueText(checked.error)}` };
  return { secret };
}

export function loadWebhooksFile(env: Record<string, string | undefined>, file: string): Webhook[] {
  const prefix = `COMMON_ROOM_WEBHOOKS_FILE (${file})`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new WebhooksFileError(`${prefix}: cannot read it as JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(raw)) {
    throw new WebhooksFileError(`${prefix}: must be a JSON array of webhooks`);
  }
  const seen = new Set<string>();
  return raw.map((item, index) => {
    const name = (item as { name?: unknown } | null)?.name;
    const where = `${prefix}: [${index}]${typeof name === "string" ? ` "${name}"` : ""}`;
    const parsed = Entry.safeParse(item);
    if (!parsed.success) throw new WebhooksFileError(`${where}: ${issueText(parsed.error)}`);
    const entry = parsed.data;
    if (seen.has(entry.name)) throw new WebhooksFileError(`${where}: the name is used twice`);
    seen.add(entry.name);
    const secret = readSecret(entry, env);
    if (secret.problem !== undefined) throw new WebhooksFileError(`${where}: ${secret.problem}`);
    return {
      name: entry.name,
      secret: secret.secret,
      workflow: {
        name: entry.workflow.name,
        ...(entry.workflow.version !== undefined && { version: entry.workflow.version }),
      },
      active: entry.active,
    };
  });
}
