import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configError } from "../support/config-error.js";
import { loadConfig, secretsOf, type Env } from "../../src/config.js";

/** COMMON_ROOM_WEBHOOKS_FILE and its variables: defaults, and errors that name the entry. */

const dir = mkdtempSync(join(tmpdir(), "crw-webhooks-"));
let files = 0;
function webhooksFile(content: unknown): string {
  const path = join(dir, `webhooks-${++files}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}
const SECRET = "s3cret-webhook-value-0123";
const base: Env = { COMMON_ROOM_API_TOKEN: "tok-123456" };
const entry = (extra: Record<string, unknown> = {}) => ({
  name: "new-contacts",
  secret: SECRET,
  workflow: { name: "onboard_contact" },
  ...extra,
});
function load(content: unknown, env: Env = {}) {
  return loadConfig({ ...base, COMMON_ROOM_WEBHOOKS_FILE: webhooksFile(content), ...env });
}

describe("the webhooks file", () => {
  it("is off without COMMON_ROOM_WEBHOOKS_FILE", () => {
    expect(loadConfig(base).webhooks).toBeUndefined();
  });

  it("reads entries with the documented defaults, and its secrets join the log scrubber", () => {
    const config = load(
      [
        entry({ workflow: { name: "onboard_contact", version: 2 } }),
        { name: "orgs", secretEnv: "ORG_SECRET", workflow: { name: "org_flow" }, active: false },
        { name: "acts", secretFile: webhooksFile(`${SECRET}-file\n`), workflow: { name: "a" } },
      ],
      { ORG_SECRET: `${SECRET}-env` },
    );
    expect(config.webhooks).toMatchObject({
      port: 9465,
      host: "0.0.0.0",
      dedupeSeconds: 86400,
      webhooks: [
        {
          name: "new-contacts",
          secret: SECRET,
          workflow: { name: "onboard_contact", version: 2 },
          active: true,
        },
        { name: "orgs", secret: `${SECRET}-env`, workflow: { name: "org_flow" }, active: false },
        { name: "acts", secret: `${SECRET}-file`, active: true },
      ],
    });
    expect(secretsOf(config)).toEqual(
      expect.arrayContaining([SECRET, `${SECRET}-env`, `${SECRET}-file`]),
    );
  });

  it("takes WEBHOOK_PORT, WEBHOOK_HOST and COMMON_ROOM_WEBHOOK_DEDUPE_SECONDS", () => {
    const config = load([entry()], {
      WEBHOOK_PORT: "8088",
      WEBHOOK_HOST: "127.0.0.1",
      COMMON_ROOM_WEBHOOK_DEDUPE_SECONDS: "60",
    });
    expect(config.webhooks).toMatchObject({ port: 8088, host: "127.0.0.1", dedupeSeconds: 60 });
    expect(configError(() => load([entry()], { WEBHOOK_PORT: "70000" }))).toMatch(
      /^WEBHOOK_PORT: /,
    );
    expect(configError(() => load([entry()], { WEBHOOK_PORT: "9464" }))).toMatch(
      /WEBHOOK_PORT: must differ from WORKER_HTTP_PORT/,
    );
    expect(
      configError(() => load([entry()], { COMMON_ROOM_WEBHOOK_DEDUPE_SECONDS: "-1" })),
    ).toMatch(/^COMMON_ROOM_WEBHOOK_DEDUPE_SECONDS: /);
  });

  it("names the entry of each mistake", () => {
    const cases: [unknown, Env, RegExp][] = [
      [
        [{ name: "a", workflow: { name: "w" } }],
        {},
        /\[0\] "a": give exactly one of secret, secretFile, secretEnv \(got 0\)/,
      ],
      [
        [entry({ secretEnv: "X" })],
        { X: SECRET },
        /\[0\] "new-contacts": give exactly one .* \(got 2\)/,
      ],
      [
        [entry({ secret: undefined, secretEnv: "EMPTY" })],
        {},
        /"new-contacts": the secret is missing \(the variable EMPTY is empty\)/,
      ],
      [[entry({ secret: "short" })], {}, /"new-contacts": secret: must be at least 16 characters/],
      [
        [entry(), entry({ workflow: { name: "w" } })],
        {},
        /\[1\] "new-contacts": the name is used twice/,
      ],
      [
        [entry({ workflow: { name: "w", verison: 1 } })],
        {},
        /"new-contacts": workflow\.verison: unknown key; did you mean version\?/,
      ],
      [
        [entry({ secrets: SECRET })],
        {},
        /\[0\] "new-contacts": secrets: unknown key; did you mean secret\?/,
      ],
      [[entry({ workflow: {} })], {}, /"new-contacts": workflow.name: required/],
      [[entry({ name: "new contacts" })], {}, /\[0\] "new contacts": name: must be URL-safe/],
      [
        [entry({ secret: undefined, secretFile: "/nonexistent/secret" })],
        {},
        /"new-contacts": secretFile: cannot read \/nonexistent\/secret/,
      ],
      [{ name: "x" }, {}, /must be a JSON array of webhooks/],
      ["{not json", {}, /cannot read it as JSON/],
    ];
    for (const [content, env, expected] of cases) {
      const message = configError(() => load(content, env));
      expect(message, JSON.stringify(content)).toMatch(/^COMMON_ROOM_WEBHOOKS_FILE \(/);
      expect(message, JSON.stringify(content)).toMatch(expected);
      expect(message).not.toContain(SECRET);
    }
  });
});
