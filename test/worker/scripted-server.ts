/**
 * A loopback HTTP server whose every answer the test scripts: a status and body, or a
 * connection reset (the answer lost on the way back). It records what it was sent. As a
 * thin proxy in front of dev/conductor it can lose an answer after the server acted on it.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  body: string;
}

export type ScriptedAnswer =
  | { status: number; body?: string; contentType?: string }
  /** The socket is destroyed instead of answering. */
  | "reset";

export interface ScriptedServer {
  url: string;
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(
  answer: (request: ScriptedRequest) => ScriptedAnswer | Promise<ScriptedAnswer>,
): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const request: ScriptedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      void Promise.resolve(answer(request)).then(
        (scripted) => {
          if (scripted === "reset") return void req.socket.destroy();
          res.writeHead(
            scripted.status,
            scripted.body === undefined
              ? {}
              : { "Content-Type": scripted.contentType ?? "application/json" },
          );
          res.end(scripted.body);
        },
        (error: unknown) => {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Forwards a request as it came to `upstream` and returns the upstream's answer. */
export async function forward(upstream: string, request: ScriptedRequest): Promise<ScriptedAnswer> {
  const query = new URLSearchParams(request.query).toString();
  const headers: Record<string, string> = {};
  for (const name of ["content-type", "x-authorization"]) {
    const value = request.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const response = await fetch(`${upstream}${request.path}${query ? `?${query}` : ""}`, {
    method: request.method,
    headers,
    body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
  });
  const body = await response.text();
  return {
    status: response.status,
    body: body === "" ? undefined : body,
    contentType: response.headers.get("content-type") ?? undefined,
  };
}
