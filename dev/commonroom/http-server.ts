/** A loopback node:http server in front of the simulator, for runs where the worker is another process. */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface RunningServer {
  /** The base URL to give the client, including the base path, e.g. http://127.0.0.1:8765/community/v1. */
  url: string;
  /** The v2 base URL on the same server, e.g. http://127.0.0.1:8765/community/v2. */
  v2Url: string;
  close(): Promise<void>;
}

interface Handles {
  baseUrl: string;
  v2BaseUrl?: string;
  handle(request: Request): Promise<Response>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? "GET";
  const body =
    method === "GET" || method === "HEAD" || chunks.length === 0
      ? undefined
      : Buffer.concat(chunks);
  return new Request(`${origin}${req.url ?? "/"}`, { method, headers, body });
}

export function startCommonRoomServer(
  sim: Handles,
  opts: { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const base = new URL(sim.baseUrl);
  const v2Base = new URL(sim.v2BaseUrl ?? `${sim.baseUrl.replace(/\/+$/, "")}/v2`);
  const v2Path = v2Base.pathname.replace(/\/+$/, "");
  // Requests keep their path; the origin is the one of the base they fall under.
  const originFor = (url: string | undefined) =>
    url !== undefined &&
    (url === v2Path || url.startsWith(`${v2Path}/`) || url.startsWith(`${v2Path}?`))
      ? v2Base.origin
      : base.origin;
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const response = await sim.handle(await toRequest(req, originFor(req.url)));
        if (response.type === "error") {
          req.socket.destroy();
          return;
        }
        const payload = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(payload);
      } catch {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
        res.end("simulator http server error");
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}${base.pathname.replace(/\/+$/, "")}`,
        v2Url: `http://${host}:${port}${v2Path}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
