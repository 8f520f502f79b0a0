import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, type Env } from "../../src/config.js";
import { checkWorkerConfig } from "../../src/worker/config-check.js";
import { configError } from "../support/config-error.js";

/** The checks `start` and `check` make beyond loadConfig: overrides, and unknown variables. */

const BASE: Env = { COMMON_ROOM_API_TOKEN: "config-check-token" };
const check = (env: Env) => checkWorkerConfig(loadConfig({ ...BASE, ...env }), { ...BASE, ...env });

describe("unknown variables with one of our prefixes", () => {
  it("a misspelt one is a warning naming the closest known one", () => {
    expect(check({ COMMON_ROOM_API_TOKN: "x" }).warnings).toEqual([
      "COMMON_ROOM_API_TOKN: unknown; did you mean COMMON_ROOM_API_TOKEN?",
    ]);
    expect(check({ WORKER_HTTP_POTR: "1" }).warnings).toEqual([
      "WORKER_HTTP_POTR: unknown; did you mean WORKER_HTTP_PORT?",
    ]);
    expect(check({ WEBHOOK_PORTS: "1" }).warnings).toEqual([
      "WEBHOOK_PORTS: unknown; did you mean WEBHOOK_PORT?",
    ]);
    expect(check({ CONDUCTOR_SERVR_URL: "http://x" }).warnings).toEqual([
      "CONDUCTOR_SERVR_URL: unknown; did you mean CONDUCTOR_SERVER_URL?",
    ]);
  });

  it("even a far one names the closest known one", () => {
    const [warning] = check({ COMMON_ROOM_SOMETHING_ELSE_ENTIRELY: "x" }).warnings;
    expect(warning).toMatch(
      /^COMMON_ROOM_SOMETHING_ELSE_ENTIRELY: unknown; did you mean COMMON_ROOM_[A-Z0-9_]+\?$/,
    );
  });

  it("every variable of the contract's table, its *_FILE form, and the SDK's own are known", () => {
    const known: Env = {
      COMMON_ROOM_API_URL: "http://127.0.0.1:1/v1",
      COMMON_ROOM_MAX_RATE_WAIT_SECONDS: "60",
      COMMON_ROOM_CATALOG_TTL_SECONDS: "600",
      WORKER_REDIS_URL: "redis://127.0.0.1:6379",
      WORKER_REDIS_URL_FILE: "",
      WORKER_REDIS_PREFIX: "x:",
      COMMON_ROOM_API_TOKEN_FILE: "",
      WORKER_HTTP_HOST: "127.0.0.1",
      WEBHOOK_HOST: "127.0.0.1",
      CONDUCTOR_UNREACHABLE_MS: "1000",
      CONDUCTOR_TLS_INSECURE: "false",
      CONDUCTOR_WORKER_ALL_CONCURRENCY: "3",
      CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_PAUSED: "true",
      CONDUCTOR_WORKER_COMMON_ROOM_LIST_CONTACTS_DOMAIN: "blue",
      // Kubernetes service links for a service named "conductor".
      CONDUCTOR_SERVICE_HOST: "10.0.0.1",
      CONDUCTOR_PORT_8080_TCP_ADDR: "10.0.0.1",
    };
    expect(check(known).warnings).toEqual([]);
  });

  it("a variable the integrations file names as a token source is known", () => {
    const dir = mkdtempSync(join(tmpdir(), "config-check-"));
    const file = join(dir, "integrations.json");
    writeFileSync(file, JSON.stringify([{ name: "acme", apiTokenEnv: "COMMON_ROOM_TOKEN_ACME" }]));
    const env = { COMMON_ROOM_INTEGRATIONS_FILE: file, COMMON_ROOM_TOKEN_ACME: "acme-token-1" };
    expect(check(env).warnings).toEqual([]);
  });

  it("a worker override for a task type that does not exist suggests the one meant", () => {
    expect(check({ CONDUCTOR_WORKER_COMMON_ROOM_GET_TAGS_PAUSED: "true" }).warnings).toEqual([
      "CONDUCTOR_WORKER_COMMON_ROOM_GET_TAGS_PAUSED: unknown; did you mean CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_PAUSED?",
    ]);
    expect(check({ CONDUCTOR_WORKER_ALL_CONCURENCY: "2" }).warnings).toEqual([
      "CONDUCTOR_WORKER_ALL_CONCURENCY: unknown; did you mean CONDUCTOR_WORKER_ALL_CONCURRENCY?",
    ]);
  });

  it("the overrides' task types follow the prefix", () => {
    const env = {
      COMMON_ROOM_TASK_PREFIX: "acme_",
      CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_PAUSED: "true",
    };
    expect(check(env).warnings).toEqual([
      "CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_PAUSED: unknown; did you mean CONDUCTOR_WORKER_ACME_GET_TAG_PAUSED?",
    ]);
  });

  it("variables without one of our prefixes are not ours to judge", () => {
    expect(check({ HOME: "/root", NODE_OPTIONS: "", COMMONROOM_X: "1" }).warnings).toEqual([]);
  });
});

describe("the SDK's worker overrides, checked before anything starts", () => {
  it("a bad value is a configuration error naming the variable", () => {
    expect(configError(() => check({ CONDUCTOR_WORKER_ALL_CONCURRENCY: "many" }))).toBe(
      'CONDUCTOR_WORKER_ALL_CONCURRENCY: must be a whole number of at least 1 (got "many")',
    );
    expect(
      configError(() => check({ CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_POLL_TIMEOUT: "9000" })),
    ).toContain(
      "CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_POLL_TIMEOUT: Conductor accepts at most 5000",
    );
  });
});
