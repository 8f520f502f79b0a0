import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../dev/conductor/index.js";
import { freePort } from "../../dev/free-port.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startService } from "../../src/worker/service.js";

/**
 * A start that fails part way (here: an SDK worker override that only the runtime reads,
 * after the health endpoints are up and Conductor is connected) closes what it opened.
 */

let conductor: ConductorServer | undefined;
afterEach(async () => {
  await conductor?.close();
  conductor = undefined;
});

/** Whether anything accepts a connection on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("a failed start", () => {
  it("leaves no health port open and no poller running", async () => {
    conductor = await startConductorServer();
    const port = await freePort();
    const config = loadConfig({
      CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
      COMMON_ROOM_API_TOKEN: "failed-start-token",
      CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_CONCURRENCY: "lots",
    });
    const started = startService({
      config,
      logger: createLogger({ level: "silent" }),
      http: { port, host: "127.0.0.1" },
    });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow("CONDUCTOR_WORKER_COMMON_ROOM_GET_TAG_CONCURRENCY");
    expect(await listening(port)).toBe(false);
    const polls = conductor.requests.filter((r) => r.path.startsWith("/api/tasks/poll")).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(conductor.requests.filter((r) => r.path.startsWith("/api/tasks/poll"))).toHaveLength(
      polls,
    );
  });
});
