import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../dev/free-port.js";

/** The image's entrypoint and HEALTHCHECK, run as the image runs them (compiled, own process). */

const DIST = join(import.meta.dirname, "..", "..", "dist", "src", "container");

function node(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(DIST, script), ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, cwd: "/", timeout: 15_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, out: stdout + stderr });
      },
    );
  });
}

describe("the image's entrypoint", () => {
  it("refuses start with WORKER_HTTP_PORT=0, naming the variable, before any poll", async () => {
    // A Conductor URL that nothing answers: had the worker started, it would log poll failures.
    const port = await freePort();
    const { code, out } = await node("entry.js", ["start"], {
      WORKER_HTTP_PORT: "0",
      CONDUCTOR_SERVER_URL: `http://127.0.0.1:${port}/api`,
      COMMON_ROOM_API_TOKEN: "t",
    });
    expect(code).toBe(2);
    expect(out).toContain("Configuration error: WORKER_HTTP_PORT=0");
    expect(out).not.toMatch(/poll/i);
  });

  it("reads the port from WORKER_HTTP_PORT_FILE as the worker does", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "entry-")), "port");
    writeFileSync(file, "0\n");
    const { code, out } = await node("entry.js", ["start"], { WORKER_HTTP_PORT_FILE: file });
    expect(code).toBe(2);
    expect(out).toContain("WORKER_HTTP_PORT=0");
  });

  it("hands every other command to the CLI unchanged", async () => {
    const { code, out } = await node("entry.js", ["operations"], { WORKER_HTTP_PORT: "0" });
    expect(code).toBe(0);
    expect(out).toContain("common_room_get_tag");
    const help = await node("entry.js", ["--help"], {});
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: commonroom-worker");
  });
});

describe("the image's HEALTHCHECK", () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  async function healthz(status: number, host = "127.0.0.1"): Promise<number> {
    server = createServer((req, res) => {
      res.statusCode = req.url === "/healthz" ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, host, resolve));
    return (server.address() as AddressInfo).port;
  }

  it("is healthy while /healthz answers 200", async () => {
    const port = await healthz(200);
    const { code, out } = await node("healthcheck.js", [], { WORKER_HTTP_PORT: String(port) });
    expect(code, out).toBe(0);
    expect(out).toContain(`http://127.0.0.1:${port}/healthz: 200`);
  });

  it("is unhealthy when /healthz answers otherwise, and says so", async () => {
    const port = await healthz(503);
    const { code, out } = await node("healthcheck.js", [], { WORKER_HTTP_PORT: String(port) });
    expect(code).toBe(1);
    expect(out).toContain("/healthz: 503");
  });

  it("is unhealthy when nothing listens, naming the cause", async () => {
    const port = await freePort();
    const { code, out } = await node("healthcheck.js", [], { WORKER_HTTP_PORT: String(port) });
    expect(code).toBe(1);
    expect(out).toContain("ECONNREFUSED");
  });

  it("asks the address WORKER_HTTP_HOST binds, when it names one", async () => {
    const port = await healthz(200, "127.0.0.2");
    const env = { WORKER_HTTP_PORT: String(port), WORKER_HTTP_HOST: "127.0.0.2" };
    const { code, out } = await node("healthcheck.js", [], env);
    expect(code, out).toBe(0);
  });

  it("has nothing to ask with WORKER_HTTP_PORT=0", async () => {
    const { code, out } = await node("healthcheck.js", [], { WORKER_HTTP_PORT: "0" });
    expect(code).toBe(1);
    expect(out).toContain("no health endpoint to ask");
  });
});
