/**
 * A recording proxy in front of the genuine Conductor server. It lets the same tests and
 * benchmark figures that read `dev/conductor`'s request log run against the real server:
 * every request is forwarded as is and recorded (method, path, query, status, time), faults
 * are injected here (an error status, or refused connections), and the workflows started
 * through it are remembered so a test can terminate what it left running on a shared server.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { faultApplies } from "../conductor/faults.js";
import { listenRefusably } from "../conductor/refusable-listener.js";
import { readBody } from "../conductor/http.js";
import type { ConductorFault, RecordedRequest } from "../conductor/types.js";
import { recordBounded } from "../request-log.js";

export interface RecordingProxy {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Ids of the workflows started through this proxy. */
  startedWorkflows: string[];
  setFault(fault: ConductorFault | null): void;
  /** Resolves once the proxy listens again (after a refuse fault is lifted). */
  listening(): Promise<void>;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
/** Hop-by-hop headers are the proxy's own business, not the upstream's. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host"]);

function forward(
  target: URL,
  req: IncomingMessage,
  body: string,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && typeof value === "string") headers[name] = value;
    }
    headers["content-length"] = String(Buffer.byteLength(body));
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (!HOP_BY_HOP.has(name) && typeof value === "string") out[name] = value;
          }
          resolve({
            status: response.statusCode ?? 502,
            headers: out,
            body: Buffer.concat(chunks),
          });
        });
        response.on("error", reject);
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

export async function startRecordingProxy(targetUrl: string, port = 0): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const requests: RecordedRequest[] = [];
  const startedWorkflows: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    const method = req.method ?? "GET";
    res.on("finish", () =>
      recordBounded(requests, {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: res.statusCode,
        at,
      }),
    );
    const body = await readBody(req);
    const fault = listener.fault();
    if (fault && "status" in fault && faultApplies(fault, method, url.pathname)) {
      const error = JSON.stringify({
        status: fault.status,
        message: `Injected fault: HTTP ${fault.status}`,
        retryable: fault.status >= 500,
      });
      res.writeHead(fault.status, { "Content-Type": "application/json" });
      res.end(error);
      return;
    }
    try {
      const answer = await forward(target, req, body);
      if (
        method === "POST" &&
        /^\/api\/workflow(\/[^/]+)?$/.test(url.pathname) &&
        answer.status === 200
      ) {
        startedWorkflows.push(answer.body.toString("utf8"));
      }
      if (!res.destroyed) {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      }
    } catch (error) {
      // The upstream went away mid-request (a restart): the client sees a reset, as it would.
      res.destroy(error instanceof Error ? error : undefined);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const listener = await listenRefusably(server, port);
  let closed = false;
  return {
    url: `http://${HOST}:${listener.port}`,
    port: listener.port,
    requests,
    startedWorkflows,
    setFault: (next) => listener.setFault(next),
    listening: () => listener.listening(),
    async close() {
      if (closed) return;
      closed = true;
      await listener.close();
    },
  };
}
