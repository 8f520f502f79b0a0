/**
 * Response shapes the SDK parses by Content-Type: JSON, text/plain ids, and bodiless answers.
 * A 204 never carries a Content-Type (the SDK would parse it as `{}`), and JSON routes never
 * answer 200 with an empty body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export type Reply =
  | { status: number; json: unknown }
  | { status: number; text: string }
  | { status: number; empty: true };

export const json = (value: unknown, status = 200): Reply => ({ status, json: value });
export const text = (value: string, status = 200): Reply => ({ status, text: value });
export const empty = (status = 200): Reply => ({ status, empty: true });

export function send(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  if ("json" in reply) {
    const body = JSON.stringify(reply.json);
    res.writeHead(reply.status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  } else if ("text" in reply) {
    res.writeHead(reply.status, {
      "Content-Type": "text/plain;charset=UTF-8",
      "Content-Length": Buffer.byteLength(reply.text),
    });
    res.end(reply.text);
  } else {
    res.writeHead(reply.status, reply.status === 204 ? {} : { "Content-Length": 0 });
    res.end();
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
