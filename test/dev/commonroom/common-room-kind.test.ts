import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../../dev/commonroom/index.js";
import { commonRoomKind } from "../../../dev/common-room-kind.js";
import { freePort } from "../../../dev/free-port.js";

/** The sandbox tells a simulator from the real Common Room by what it answers. */
describe("commonRoomKind", () => {
  it("the simulator says so in every answer, even one refusing the token", async () => {
    const sim = createCommonRoomSimulator({ tokens: ["kind-token"] });
    const server = await startCommonRoomServer(sim, { port: 0 });
    try {
      expect(await commonRoomKind(server.url, "kind-token")).toBe("simulator");
      expect(await commonRoomKind(server.url, "someone-elses-token")).toBe("simulator");
    } finally {
      await server.close();
    }
  });

  it("another server is not a simulator; nothing listening is no answer", async () => {
    const other = createServer((_req, res) => res.writeHead(401).end('{"reason":"no"}'));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/community/v1`;
      expect(await commonRoomKind(url, "t")).toBe("not-a-simulator");
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
    expect(await commonRoomKind(`http://127.0.0.1:${await freePort()}/community/v1`, "t")).toBe(
      "no-answer",
    );
  });
});
