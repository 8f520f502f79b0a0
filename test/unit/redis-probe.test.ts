/** The Redis probe that decides whether `oss-redis` runs or is reported skipped. */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { redisAnswers } from "../suite-skips.js";

const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r)))));

/** A loopback listener that answers every connection's first bytes with `reply`. */
async function answering(reply: string): Promise<number> {
  const server = createServer((socket) => socket.once("data", () => socket.end(reply)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("redisAnswers", () => {
  it("is true for a server that answers PING with +PONG", async () => {
    expect(await redisAnswers("127.0.0.1", await answering("+PONG\r\n"))).toBe(true);
  });

  it("is false for something else on the port (an HTTP server, say)", async () => {
    const port = await answering("HTTP/1.1 400 Bad Request\r\n\r\n");
    expect(await redisAnswers("127.0.0.1", port)).toBe(false);
  });

  it("is false when nothing listens", async () => {
    const port = await answering("");
    await new Promise((r) => servers.pop()!.close(r));
    expect(await redisAnswers("127.0.0.1", port)).toBe(false);
  });
});
