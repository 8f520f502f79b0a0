import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startConductorServer } from "../../dev/conductor/index.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { until } from "../support/until.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { startWorkflow } from "../support/conductor-rest.js";
import { startInCheckout } from "./in-checkout.js";
import { callsUnderWay, startStage, type Stage } from "./stage.js";
import { runCli, type WorkerProcess } from "./worker-process.js";

/**
 * Signals as operators send them: to `npm start` (npm sits between the signal and the
 * worker), at the very first moment of a command, in the middle of one-shot commands, twice
 * from one Ctrl-C, and a crash inside a running worker.
 */

const TOKEN = "signals-test-token-31";
const cleanup = cleanupAfterEach();

const setup = (latencyMs: number) =>
  startStage(cleanup, { token: TOKEN, latencyMs, register: true });

async function oneTaskInFlight({ conductor, sim }: Stage): Promise<string> {
  const id = await startWorkflow(conductor.url, "common_room_segment_report", { segmentId: 201 });
  await callsUnderWay(sim, 1);
  return id;
}

async function firstTaskStatus({ conductor }: Stage, id: string) {
  return (await conductor.getWorkflow(id))?.tasks[0]?.status;
}

/** The worker's pid, from its log lines (npm start runs it as a child of npm). */
function workerPid(output: string): number {
  const line = output.split("\n").find((l) => l.includes('"msg":"polling Conductor"'));
  return (JSON.parse(line!) as { pid: number }).pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("SIGTERM to npm start", () => {
  it("drains exactly like SIGTERM to the worker: the task in flight completes, npm exits 0, no orphan", async () => {
    const stage = await setup(1500);
    const { env } = stage;
    const run = startInCheckout(cleanup, "npm", ["start"], env);
    await until(() => run.output().includes('"msg":"polling Conductor"'), 20_000, "polling");
    const pid = workerPid(run.output());
    expect(pid).not.toBe(run.child.pid);

    const id = await oneTaskInFlight(stage);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("draining");
    expect(run.output()).toContain("drained: every task taken was finished and delivered");
    expect(await firstTaskStatus(stage, id)).toBe("COMPLETED");
    expect(alive(pid)).toBe(false);
  }, 40_000);

  it("one Ctrl-C, delivered by the terminal and forwarded by npm, is one stop request, not two", async () => {
    const stage = await setup(1500);
    const { env } = stage;
    const run = startInCheckout(cleanup, "npm", ["start"], env);
    await until(() => run.output().includes('"msg":"polling Conductor"'), 20_000, "polling");
    const pid = workerPid(run.output());
    const id = await oneTaskInFlight(stage);
    // A terminal sends SIGINT to its whole foreground group: npm and the worker both.
    process.kill(pid, "SIGINT");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(run.output()).not.toContain("second signal");
    expect(await firstTaskStatus(stage, id)).toBe("COMPLETED");
  }, 40_000);
});

/**
 * A preload that reports the moment the CLI's first SIGTERM handler is in place, then holds
 * the process for a second, as a slow disk or a cold start would: the test's signal then
 * arrives while the worker is still loading on any machine (on Node 24 the rest of the
 * loading is fast enough to reach the first poll before the signal otherwise).
 */
const REPORT_HANDLER = `data:text/javascript,${encodeURIComponent(`
const on = process.on.bind(process);
let reported = false;
process.on = (event, listener) => {
  const result = on(event, listener);
  if (event === "SIGTERM" && !reported) {
    reported = true;
    process.stderr.write("SIGTERM handler installed\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
  return result;
};`)}`;

describe("every command handles SIGTERM from its first moment", () => {
  it("start: a SIGTERM while the worker is still loading stops it cleanly before any poll", async () => {
    const conductor = await startConductorServer();
    cleanup(() => conductor.close());
    const worker = runCli(
      ["start"],
      {
        CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
        COMMON_ROOM_API_TOKEN: TOKEN,
        WORKER_HTTP_PORT: "0",
      },
      { nodeArgs: ["--import", REPORT_HANDLER] },
    );
    await worker.waitForOutput("SIGTERM handler installed");
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.output.join("")).toContain("stopped before polling began");
    expect(conductor.requests.filter((r) => r.path.includes("/poll/"))).toEqual([]);
  });

  it("call: SIGTERM while Common Room is answering ends it at once with 143 and says so", async () => {
    const sim = createCommonRoomSimulator({ tokens: [TOKEN], latencyMs: 10_000 });
    const simServer = await startCommonRoomServer(sim, { port: 0 });
    cleanup(() => simServer.close());
    const call = runCli(["call", "get_segments"], {
      COMMON_ROOM_API_URL: simServer.url,
      COMMON_ROOM_API_TOKEN: TOKEN,
    });
    // Give the CLI time to start and send the request (Common Room takes 10 s to answer it).
    await new Promise((r) => setTimeout(r, 1500));
    const stoppedAt = Date.now();
    call.child.kill("SIGTERM");
    expect(await call.exited).toBe(143);
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    expect(call.output.join("")).toContain("call get_segments stopped by SIGTERM");
    // It never waited for the answer: a request under way was dropped unanswered.
    for (const request of sim.requests) expect(request.status).toBe(0);
  });

  it("register: SIGINT while Conductor does not answer ends it with 130", async () => {
    const silent: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanup(
      () =>
        new Promise<void>((resolve) => {
          silent.closeAllConnections();
          silent.close(() => resolve());
        }),
    );
    const register = runCli(["register"], {
      CONDUCTOR_SERVER_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api`,
    });
    await new Promise((r) => setTimeout(r, 2000));
    register.child.kill("SIGINT");
    expect(await register.exited).toBe(130);
    expect(register.output.join("")).toContain("register stopped by SIGINT");
  });
});

describe("a crash inside a running worker", () => {
  /** A preload that turns SIGUSR2 into an unhandled rejection, as a bug would. */
  const CRASH_ON_SIGUSR2 = `data:text/javascript,${encodeURIComponent(
    `process.on("SIGUSR2", () => { Promise.reject(new Error("boom from the test")); });`,
  )}`;

  it("is logged with its stack, drains the task in flight, and exits 1", async () => {
    const stage = await setup(1500);
    const { env } = stage;
    const worker: WorkerProcess = runCli(["start"], env, {
      nodeArgs: ["--import", CRASH_ON_SIGUSR2],
    });
    cleanup(async () => {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    });
    await worker.waitForOutput('"msg":"polling Conductor"');
    const id = await oneTaskInFlight(stage);
    worker.child.kill("SIGUSR2");
    expect(await worker.exited).toBe(1);
    const lines = worker.output
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const crash = lines.find((l) => l.kind === "unhandled rejection");
    expect(crash).toMatchObject({ level: 50 });
    expect(String(crash!.stack)).toMatch(/Error: boom from the test\n\s+at /);
    expect(
      lines.some((l) => l.msg === "drained: every task taken was finished and delivered"),
    ).toBe(true);
    expect(await firstTaskStatus(stage, id)).toBe("COMPLETED");
  }, 30_000);
});
