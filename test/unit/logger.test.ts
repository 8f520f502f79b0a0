import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { scrubSecrets } from "../../src/secrets.js";
import { captureLines } from "../support/log-lines.js";

describe("logger", () => {
  it("never writes a configured secret, whatever shape carries it", () => {
    const secret = "cr-secret-token-abcdef";
    const { lines, destination } = captureLines();
    const logger = createLogger({ secrets: [secret], destination });
    logger.info({ headers: { Authorization: `Bearer ${secret}` } }, "request");
    logger.info({ nested: { deep: { value: `x${secret}y` } } }, `message with ${secret}`);
    logger.error({ err: new Error(`failed with ${secret}`) }, "boom");
    logger.info({ config: { headers: { Authorization: secret } }, apiToken: secret }, "axios-like");
    const out = lines.join("");
    expect(lines).toHaveLength(4);
    expect(out).not.toContain(secret);
    expect(out).toContain("[REDACTED]");
  });

  it("puts the pid and hostname on every line", () => {
    const { lines, destination } = captureLines();
    createLogger({ destination }).info("hello");
    expect(JSON.parse(lines[0]!)).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
      service: "commonroom-conductor-worker",
    });
  });

  it("scrubs every occurrence", () => {
    expect(scrubSecrets("a S b S", ["S"])).toBe("a [REDACTED] b [REDACTED]");
  });
});
