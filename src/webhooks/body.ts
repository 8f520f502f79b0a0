import type { IncomingMessage } from "node:http";

/** Common Room's envelopes are small; anything this large is not one of them. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyRead = { kind: "ok"; text: string } | { kind: "too_large" };

/**
 * Reads a request body up to `limit` bytes. Past the limit (or when Content-Length says it
 * will be), reading stops: the rest is discarded unread so the 413 still reaches the
 * sender, and the connection is cut if the sender keeps going far beyond the limit.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    let size = 0;
    const chunks: Buffer[] = [];
    const tooLarge = () => {
      req.removeListener("data", onData);
      let discarded = 0;
      req.on("data", (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > limit * 8) req.destroy();
      });
      req.resume();
      resolve({ kind: "too_large" });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge();
      else chunks.push(chunk);
    };
    if (Number.isFinite(declared) && declared > limit) {
      tooLarge();
      return;
    }
    req.on("data", onData);
    req.once("end", () => {
      if (size <= limit) resolve({ kind: "ok", text: Buffer.concat(chunks).toString("utf8") });
    });
    req.once("error", reject);
  });
}
