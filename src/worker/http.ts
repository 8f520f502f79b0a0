import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { RuntimeState } from "./runtime.js";

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * /healthz: alive (200 until the runtime has stopped). /readyz: 200 only while polling, so a
 * starting or draining replica gets no traffic it cannot serve. /metrics: Prometheus text.
 */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  state: () => RuntimeState | "starting";
  /** Why a part beside the pollers cannot serve (the webhook listener); any makes /readyz 503. */
  problems?: () => string[];
  registry: Registry;
}): Promise<HealthServer> {
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
      const problems = options.problems?.() ?? [];
      const ready = state === "polling" && problems.length === 0;
      res.writeHead(ready ? 200 : 503, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ready, state, ...(problems.length > 0 && { reasons: problems }) }));
    } else if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { "Content-Type": options.registry.contentType }).end(text),
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
