import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configError } from "../support/config-error.js";
import { DEFAULT_API_URL, deriveV2Url, loadConfig, secretsOf } from "../../src/config.js";

const dir = mkdtempSync(join(tmpdir(), "crw-config-"));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("configuration from the environment", () => {
  it("builds the default integration from COMMON_ROOM_API_TOKEN with the documented defaults", () => {
    const config = loadConfig({
      COMMON_ROOM_API_TOKEN: "tok-123456",
      COMMON_ROOM_DESTINATION_SOURCE_ID: "42",
    });
    const integration = config.integrations.get("default");
    expect(integration).toMatchObject({
      apiToken: "tok-123456",
      apiUrl: DEFAULT_API_URL,
      apiV2Url: "https://api.commonroom.io/community/v2",
      destinationSourceId: 42,
      active: true,
    });
    expect(config).toMatchObject({
      defaultIntegration: "default",
      taskPrefix: "common_room_",
      requestTimeoutMs: 10_000,
      catalogTtlSeconds: 600,
      shutdownTimeoutMs: 30_000,
      httpPort: 9464,
      httpHost: "0.0.0.0",
      conductorUnreachableMs: 30_000,
      logLevel: "info",
    });
    expect(config.rateLimitPerSecond).toBeUndefined();
  });

  it("takes LOG_LEVEL in any case, WORKER_HTTP_HOST and CONDUCTOR_UNREACHABLE_MS", () => {
    const config = loadConfig({
      COMMON_ROOM_API_TOKEN: "t",
      LOG_LEVEL: "INFO",
      WORKER_HTTP_HOST: "127.0.0.1",
      CONDUCTOR_UNREACHABLE_MS: "5000",
    });
    expect(config).toMatchObject({
      logLevel: "info",
      httpHost: "127.0.0.1",
      conductorUnreachableMs: 5000,
    });
    expect(loadConfig({ COMMON_ROOM_API_TOKEN: "t", LOG_LEVEL: "Debug" }).logLevel).toBe("debug");
  });

  it("says what a Destination Source ID must be, not just that it is invalid", () => {
    for (const value of ["abc", "0", "-3", "4.5"]) {
      const message = configError(() =>
        loadConfig({ COMMON_ROOM_API_TOKEN: "t", COMMON_ROOM_DESTINATION_SOURCE_ID: value }),
      );
      expect(message).toContain("COMMON_ROOM_DESTINATION_SOURCE_ID");
      expect(message).toContain("must be a positive integer");
      expect(message).toContain(`got "${value}"`);
      expect(message).not.toContain("Invalid input");
    }
  });

  it("reads a *_FILE variant and refuses both forms at once", () => {
    const tokenFile = file("token", "from-file-token\n");
    expect(
      loadConfig({ COMMON_ROOM_API_TOKEN_FILE: tokenFile }).integrations.get("default")?.apiToken,
    ).toBe("from-file-token");
    expect(
      configError(() =>
        loadConfig({ COMMON_ROOM_API_TOKEN: "x", COMMON_ROOM_API_TOKEN_FILE: tokenFile }),
      ),
    ).toContain("COMMON_ROOM_API_TOKEN and COMMON_ROOM_API_TOKEN_FILE");
    expect(
      configError(() => loadConfig({ COMMON_ROOM_API_TOKEN_FILE: join(dir, "missing") })),
    ).toContain("COMMON_ROOM_API_TOKEN_FILE");
  });

  it("names the variable in every error", () => {
    expect(configError(() => loadConfig({}))).toContain("COMMON_ROOM_API_TOKEN");
    expect(
      configError(() => loadConfig({ COMMON_ROOM_API_TOKEN: "t" }, { requireConductor: true })),
    ).toContain("CONDUCTOR_SERVER_URL");
    const base = { COMMON_ROOM_API_TOKEN: "t" };
    for (const [name, value] of [
      ["COMMON_ROOM_TIMEOUT_MS", "soon"],
      ["SHUTDOWN_TIMEOUT_MS", "-1"],
      ["WORKER_HTTP_PORT", "70000"],
      ["COMMON_ROOM_RATE_LIMIT_PER_SECOND", "0"],
      ["COMMON_ROOM_API_URL", "ftp://x"],
      ["COMMON_ROOM_DESTINATION_SOURCE_ID", "abc"],
      ["LOG_LEVEL", "loud"],
      ["CONDUCTOR_UNREACHABLE_MS", "later"],
      ["COMMON_ROOM_TASK_PREFIX", "bad prefix"],
      ["CONDUCTOR_SERVER_URL", "not a url"],
    ]) {
      expect(configError(() => loadConfig({ ...base, [name!]: value }))).toContain(name);
    }
    expect(configError(() => loadConfig({ ...base, CONDUCTOR_AUTH_KEY: "k" }))).toContain(
      "CONDUCTOR_AUTH_SECRET",
    );
  });

  it("loads named integrations from COMMON_ROOM_INTEGRATIONS_FILE with all three token sources", () => {
    const tokenFile = file("marketing-token", "marketing-secret\n");
    const path = file(
      "integrations.json",
      JSON.stringify([
        {
          name: "community",
          description: "Main room",
          apiToken: "community-secret",
          destinationSourceId: "7",
        },
        { name: "marketing", description: "Marketing", apiTokenFile: tokenFile, active: false },
        {
          name: "eu",
          description: "EU room",
          apiTokenEnv: "EU_TOKEN",
          apiUrl: "http://127.0.0.1:9/community/v1",
        },
      ]),
    );
    const config = loadConfig({ COMMON_ROOM_INTEGRATIONS_FILE: path, EU_TOKEN: "eu-secret" });
    expect([...config.integrations.keys()]).toEqual(["community", "marketing", "eu"]);
    expect(config.defaultIntegration).toBe("community");
    expect(config.integrations.get("community")).toMatchObject({
      destinationSourceId: 7,
      active: true,
    });
    expect(config.integrations.get("marketing")).toMatchObject({
      apiToken: "marketing-secret",
      active: false,
    });
    expect(config.integrations.get("eu")).toMatchObject({
      apiToken: "eu-secret",
      apiUrl: "http://127.0.0.1:9/community/v1",
      apiV2Url: "http://127.0.0.1:9/community/v2",
    });
    expect(secretsOf(config)).toEqual(["community-secret", "marketing-secret", "eu-secret"]);
  });

  it("keeps the COMMON_ROOM_API_TOKEN integration as the default beside a file", () => {
    const path = file(
      "one.json",
      JSON.stringify([{ name: "other", description: "", apiToken: "other-token" }]),
    );
    const config = loadConfig({
      COMMON_ROOM_API_TOKEN: "main-token",
      COMMON_ROOM_INTEGRATIONS_FILE: path,
    });
    expect(config.defaultIntegration).toBe("default");
    expect(config.integrations.size).toBe(2);
  });

  it("rejects a bad integrations file naming the entry and field", () => {
    const cases: [unknown, string][] = [
      [[{ name: "a", description: "" }], '"a": give exactly one of apiToken'],
      [[{ name: "a", description: "", apiToken: "x", apiTokenEnv: "Y" }], "exactly one of"],
      [[{ name: "a", description: "", apiTokenEnv: "NOT_SET" }], "NOT_SET"],
      [
        [{ name: "a", description: "", apiToken: "x", destinationSourceId: -3 }],
        '[0] "a": destinationSourceId: Number must be greater than 0',
      ],
      [[{ name: "a", description: "", apiToken: "x", colour: "red" }], '"a": colour: unknown key'],
      [
        [
          { name: "a", apiToken: "x" },
          { name: "b", apiTokn: "y" },
        ],
        '[1] "b": apiTokn: unknown key; did you mean apiToken?',
      ],
      [
        [
          { name: "a", description: "", apiToken: "x" },
          { name: "a", description: "", apiToken: "y" },
        ],
        "used twice",
      ],
      [{ name: "a" }, "(top level)"],
    ];
    for (const [content, expected] of cases) {
      const path = file("bad.json", JSON.stringify(content));
      const message = configError(() => loadConfig({ COMMON_ROOM_INTEGRATIONS_FILE: path }));
      expect(message).toContain("COMMON_ROOM_INTEGRATIONS_FILE");
      expect(message).toContain(expected);
    }
    const notJson = file("broken.json", "[{");
    expect(configError(() => loadConfig({ COMMON_ROOM_INTEGRATIONS_FILE: notJson }))).toContain(
      "as JSON",
    );
    // A syntax error is placed by line and column, as an editor shows them.
    const typo = file("typo.json", '[\n  { "name": "a",\n    "apiToken": "x",,\n  }\n]');
    expect(configError(() => loadConfig({ COMMON_ROOM_INTEGRATIONS_FILE: typo }))).toMatch(
      /^COMMON_ROOM_INTEGRATIONS_FILE \(.*typo\.json\): cannot read it as JSON: line 3, column 21: /,
    );
    const cut = file("cut.json", '[\n  { "name": "a"');
    expect(configError(() => loadConfig({ COMMON_ROOM_INTEGRATIONS_FILE: cut }))).toMatch(
      /cannot read it as JSON: line 2, column 1\d: /,
    );
  });

  it("derives the v2 base from the v1 base", () => {
    expect(deriveV2Url("https://api.commonroom.io/community/v1")).toBe(
      "https://api.commonroom.io/community/v2",
    );
    expect(deriveV2Url("http://127.0.0.1:8765/community/v1/")).toBe(
      "http://127.0.0.1:8765/community/v2",
    );
    expect(
      loadConfig({
        COMMON_ROOM_API_TOKEN: "t",
        COMMON_ROOM_API_V2_URL: "http://v2.example/x",
      }).integrations.get("default")?.apiV2Url,
    ).toBe("http://v2.example/x");
  });
});
