import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../dev/free-port.js";
import { loadConfig, type Env } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startService, type Service } from "../../src/worker/service.js";
import { until } from "../support/until.js";
import { captureLines } from "../support/log-lines.js";

/**
 * A CONDUCTOR_SERVER_URL that points at the wrong thing: a web server answering 200 with an
 * HTML page, or a port where nothing listens. Neither may pass for "no tasks".
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const warnings: Error[] = [];
process.on("warning", (warning) => warnings.push(warning));

async function startFakeServer(answer: { status: number; type: string; body: string }) {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    res.writeHead(answer.status, { "Content-Type": answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, answer };
}

async function startWorker(serverUrl: string, extra: Env = {}) {
  const env: Env = {
    CONDUCTOR_SERVER_URL: serverUrl,
    COMMON_ROOM_API_TOKEN: "wrong-conductor-token-1",
    CONDUCTOR_UNREACHABLE_MS: "500",
    ...extra,
  };
  const config = loadConfig(env, { requireConductor: true });
  const { lines: logs, destination } = captureLines();
  const logger = createLogger({ level: "info", destination });
  const service: Service = await startService({
    config,
    logger,
    http: { port: 0, host: "127.0.0.1" },
  });
  cleanups.push(() => service.stop(2000));
  const readyz = async () => {
    const response = await fetch(`http://127.0.0.1:${service.httpPort}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const lines = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { service, logs, lines, readyz };
}

describe("a CONDUCTOR_SERVER_URL that is not Conductor", () => {
  it("an HTML page answered with 200 is a failed poll: warned with URL, status and first bytes, backed off, and /readyz turns 503", async () => {
    const page = "<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>";
    const fake = await startFakeServer({ status: 200, type: "text/html", body: page });
    const worker = await startWorker(`${fake.url}/api`);
    await new Promise((r) => setTimeout(r, 2500));

    // Nineteen loops backing off from about a second: a handful of polls each, not the
    // hundreds a loop reading the page as "no tasks" sends.
    expect(fake.requests.length).toBeGreaterThanOrEqual(19);
    expect(fake.requests.length).toBeLessThan(19 * 5);
    const warned = worker.lines().filter((l) => l.msg === "poll failed; backing off");
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned.length).toBeLessThan(19); // the same answer is reported once, not per task type
    expect(warned[0]).toMatchObject({ level: 40, status: 200 });
    expect(String(warned[0]!.url)).toMatch(
      new RegExp(`^${fake.url}/api/tasks/poll/batch/common_room_`),
    );
    expect(String(warned[0]!.received)).toContain("<h1>Welcome to nginx!</h1>");

    // One clear line at start, naming the variable.
    const startup = worker.lines().filter((l) => String(l.msg).includes("cannot be reached"));
    expect(startup).toHaveLength(1);
    expect(startup[0]!.msg).toContain(`CONDUCTOR_SERVER_URL=${fake.url}/api`);
    expect(startup[0]!.msg).toContain("not a JSON array");

    const ready = await worker.readyz();
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ ready: false, state: "polling" });
    expect(String(ready.body.reason)).toContain("Conductor has not answered a poll properly");
    expect((await fetch(`http://127.0.0.1:${worker.service.httpPort}/healthz`)).status).toBe(200);

    // Nineteen loops sleeping on one shared signal is by design, and not a leak.
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);

    // Conductor comes back (the URL is fixed behind a proxy): ready again.
    fake.answer.type = "application/json";
    fake.answer.body = "[]";
    await until(async () => (await worker.readyz()).status === 200, 10_000, "ready again");
    expect(worker.logs.join("")).toContain("Conductor answers polls again");
  }, 20_000);

  it("a 404 with a JSON body is a failed poll too, never an empty one", async () => {
    const fake = await startFakeServer({
      status: 404,
      type: "application/json",
      body: '{"error":"Not Found","path":"/wrong/api/tasks/poll/batch"}',
    });
    const worker = await startWorker(`${fake.url}/wrong/api`);
    await until(
      () => worker.lines().some((l) => String(l.msg).includes("cannot be reached")),
      5000,
      "the start-up line",
    );
    const line = worker.lines().find((l) => String(l.msg).includes("cannot be reached"))!;
    expect(line).toMatchObject({ level: 50, status: 404 });
    expect(String(line.received)).toContain('"error":"Not Found"');
  });

  it("nothing listening: the start-up line names CONDUCTOR_SERVER_URL and the cause, not just 'fetch failed'", async () => {
    const port = await freePort();
    const worker = await startWorker(`http://127.0.0.1:${port}/api`);
    // The SDK itself retries a refused connection three times (about 6 s) before we hear of it.
    await until(
      () => worker.lines().some((l) => String(l.msg).includes("cannot be reached")),
      15_000,
      "the start-up line",
    );
    const line = worker.lines().find((l) => String(l.msg).includes("cannot be reached"))!;
    expect(line.msg).toContain(`CONDUCTOR_SERVER_URL=http://127.0.0.1:${port}/api`);
    expect(line.msg).toContain("ECONNREFUSED");
    expect(String(line.url)).toContain(`http://127.0.0.1:${port}/api/tasks/poll/batch/`);
    const ready = await worker.readyz();
    expect(ready.status).toBe(503);
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  }, 25_000);
});
