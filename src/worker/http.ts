import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { RuntimeState } from "./runtime.js";

export interface HealthServer {
  port: number;
  /**
   * Resolves once /metrics has been answered again, or after `timeoutMs`; at once when it
   * was never scraped (nobody is watching), so only a scraped process waits.
   */
  nextScrape(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * /healthz: alive (200 until the runtime has stopped). /readyz: 200 only while polling and
 * nothing else says otherwise, so a starting, draining or cut-off replica gets no traffic it
 * cannot serve. /metrics: Prometheus text.
 */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  state: () => RuntimeState | "starting";
  /** Each returns why the replica is not ready while polling, or undefined when it is. */
  notReady?: readonly (() => string | undefined)[];
  registry: Registry;
}): Promise<HealthServer> {
  let scraped = false;
  const scrapeWaiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const state = options.state();
    if (path === "/healthz") {
      const alive = state !== "stopped";
      res.writeHead(alive ? 200 : 503, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ status: alive ? "ok" : "stopped", state }));
    } else if (path === "/readyz") {
      const reason =
        state === "polling"
          ? options.notReady?.map((check) => check()).find((r) => r !== undefined)
          : undefined;
      const ready = state === "polling" && reason === undefined;
      res.writeHead(ready ? 200 : 503, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ready, state, ...(reason !== undefined && { reason }) }));
    } else if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "Content-Type": options.registry.contentType }).end(text, () => {
            scraped = true;
            for (const wake of scrapeWaiters) wake();
          });
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else {
      res.writeHead(404, { "Content-Type": "application/json" }).end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    nextScrape: (timeoutMs) =>
      scraped
        ? new Promise<void>((resolve) => {
            const wake = () => {
              clearTimeout(timer);
              scrapeWaiters.delete(wake);
              resolve();
            };
            const timer = setTimeout(wake, timeoutMs);
            scrapeWaiters.add(wake);
          })
        : Promise.resolve(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
