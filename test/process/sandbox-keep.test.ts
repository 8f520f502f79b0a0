import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { until } from "../support/until.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { CHECKOUT, startInCheckout } from "./in-checkout.js";
import { runCli } from "./worker-process.js";

/**
 * `npm run sandbox -- --keep` as a user runs it: two at once on free ports, the printed
 * environment block is enough for `call`, and SIGTERM to npm drains the worker and stops it.
 */

const cleanup = cleanupAfterEach();

const start = (command: string, args: string[]) => startInCheckout(cleanup, command, args);

/** The `export NAME=value` lines the sandbox prints, as an environment. */
function pastedEnv(output: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of output.split("\n").filter((l) => l.startsWith("export "))) {
    for (const assignment of line.slice("export ".length).split(" ")) {
      const [name, ...value] = assignment.split("=");
      env[name!] = value.join("=");
    }
  }
  return env;
}

describe("npm run sandbox -- --keep", () => {
  it("two run side by side on free ports; the printed block serves call; SIGTERM to npm drains and stops", async () => {
    const first = start("npm", ["run", "--silent", "sandbox:run", "--", "--keep"]);
    const second = start(process.execPath, [join(CHECKOUT, "dist", "dev", "sandbox.js"), "--keep"]);
    for (const sandbox of [first, second]) {
      await until(
        () =>
          sandbox.output().includes("SIGTERM or Ctrl-C stops the worker") ||
          sandbox.child.exitCode !== null,
        60_000,
        "the sandbox to settle",
      );
      expect(sandbox.child.exitCode, sandbox.output()).toBeNull();
    }
    const env = pastedEnv(first.output());
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        "CONDUCTOR_SERVER_URL",
        "COMMON_ROOM_API_URL",
        "COMMON_ROOM_API_TOKEN",
        "COMMON_ROOM_DESTINATION_SOURCE_ID",
        "WORKER_HTTP_PORT",
      ]),
    );
    expect(env.CONDUCTOR_SERVER_URL).not.toBe(pastedEnv(second.output()).CONDUCTOR_SERVER_URL);
    expect(env.CONDUCTOR_SERVER_URL).not.toContain(":8080/");

    const call = runCli(["call", "get_segment_statuses", "--input", '{"segmentId": 201}'], env);
    expect(await call.exited, call.output.join("")).toBe(0);
    expect(JSON.parse(call.output.join(""))).toMatchObject({ segmentId: 201 });

    first.child.kill("SIGTERM");
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toContain("Worker stopped (exit 0) after draining.");
    await fetch(env.CONDUCTOR_SERVER_URL + "/metadata/taskdefs").then(
      () => expect.fail("the Conductor-compatible server is still up"),
      () => undefined,
    );
    // The second is unaffected until it is stopped too.
    expect(second.child.exitCode).toBeNull();
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  }, 120_000);

  it("--port that is taken says so plainly", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    cleanup(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as { port: number }).port;
    const sandbox = start(process.execPath, [
      join(CHECKOUT, "dist", "dev", "sandbox.js"),
      "--keep",
      "--port",
      String(port),
    ]);
    expect(await sandbox.exited).toBe(1);
    expect(sandbox.output()).toContain(`--port ${port} is in use`);
  });
});
