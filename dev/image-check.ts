/**
 * `npm run image:check`: builds the project's Dockerfile with podman (scripts/image/build.sh,
 * on a local stand-in of the official Node base image) and runs the image as an operator
 * would: as a non-root user, `--help`, `operations`, the refusal of WORKER_HTTP_PORT=0, then
 * `register` and `start` against the Conductor-compatible server and the Common Room simulator
 * running here on the host, the HEALTHCHECK, a task run, and SIGTERM while a task is in
 * flight: the worker drains, delivers it and exits 0. Prints each check and the figures
 * (build time, image size); exits 1 at the first failed check.
 *
 * Containers get a network namespace of their own (slirp4netns), never the host's network;
 * with allow_host_loopback, 10.0.2.2 inside the container is the host's 127.0.0.1, where the
 * servers listen.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/package-root.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "./commonroom/index.js";
import { startConductorServer } from "./conductor/index.js";

const root = packageRoot();
const PODMAN = join(root, "scripts", "image", "podman");
const BUILD = join(root, "scripts", "image", "build.sh");
const TAG = "commonroom-worker";
/** The Node release of the stand-in base; the Dockerfile's FROM names its major. */
const NODE_VERSION = readFileSync(join(root, "scripts", "image", "node-version"), "utf8").trim();
const BASE = `docker.io/library/node:${NODE_VERSION.split(".")[0]}-bookworm-slim`;
const NETWORK = "slirp4netns:allow_host_loopback=true";
const HOST_FROM_CONTAINER = "10.0.2.2";
const TOKEN = "image-check-token";
/** Long enough that a task is surely in flight when SIGTERM comes. */
const SIM_LATENCY_MS = 3000;
const CONTAINER = `commonroom-worker-check-${process.pid}`;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop: the servers here must keep answering. */
function run(command: string, args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const podman = (...args: string[]) => run(PODMAN, args);
/** A one-off command in the image (no health checks: podman runs their timers via systemd). */
const once = (...args: string[]) => podman("run", "--rm", "--no-healthcheck", ...args);

let passed = 0;
function check(name: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${name}: ${detail}`);
  passed++;
  console.log(`image check: ok   ${name}${detail ? ` (${detail})` : ""}`);
}

function expectRan(what: string, ran: Ran, code = 0): void {
  check(
    what,
    ran.code === code,
    `exit ${ran.code}${ran.code === code ? "" : `\n${ran.stdout}${ran.stderr}`}`,
  );
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

async function imageFacts(): Promise<void> {
  const [image] = JSON.parse((await podman("image", "inspect", TAG)).stdout) as {
    Size: number;
    Config: { User?: string };
    Healthcheck?: { Test?: string[] };
  }[];
  if (!image) throw new Error(`no image ${TAG}`);
  const user = image.Config.User ?? "";
  check(
    "runs as a non-root user",
    !["", "root", "0", "0:0"].includes(user),
    `USER ${user || "(none)"}`,
  );
  const uid = await once("--entrypoint", "id", TAG, "-u");
  check("its processes are not root", uid.stdout.trim() !== "0", `uid ${uid.stdout.trim()}`);
  const test = image.Healthcheck?.Test ?? [];
  check("HEALTHCHECK kept (Docker format)", test.length > 0, test.join(" "));
  const node = await once("--entrypoint", "node", TAG, "--version");
  check(`Node ${NODE_VERSION}`, node.stdout.trim() === `v${NODE_VERSION}`, node.stdout.trim());
  const shipped = await once(
    "--entrypoint",
    "sh",
    TAG,
    "-c",
    "ls dist; ls -d src test dev 2>/dev/null || true",
  );
  check(
    "only dist/src is shipped",
    shipped.stdout.trim() === "src",
    shipped.stdout.trim().replace(/\n/g, " "),
  );
  const base = JSON.parse((await podman("image", "inspect", BASE)).stdout) as { Size: number }[];
  console.log(
    `image check: size ${megabytes(image.Size)} (${image.Size} bytes); the stand-in base ${megabytes(base[0]?.Size ?? 0)}`,
  );
}

async function commands(): Promise<void> {
  const help = await once(TAG, "--help");
  expectRan("--help exits 0", help);
  check("--help prints the usage", help.stdout.includes("Usage: commonroom-worker"), "");
  const listed = await once(TAG, "operations");
  expectRan("operations exits 0", listed);
  const here = await run(process.execPath, [join(root, "dist", "src", "cli.js"), "operations"]);
  check(
    "operations lists what this checkout lists",
    listed.stdout === here.stdout,
    `${listed.stdout.split("\n").filter(Boolean).length} lines`,
  );
  const refused = await once("-e", "WORKER_HTTP_PORT=0", TAG, "start");
  expectRan("start with WORKER_HTTP_PORT=0 is refused", refused, 2);
  check(
    "the refusal names the variable",
    refused.stderr.includes("WORKER_HTTP_PORT"),
    refused.stderr.trim(),
  );
}

interface Workflow {
  status: string;
  tasks: { status: string }[];
}

async function againstServers(): Promise<void> {
  const conductor = await startConductorServer({ port: 0 });
  const sim = createCommonRoomSimulator({ tokens: [TOKEN], latencyMs: SIM_LATENCY_MS });
  const simServer = await startCommonRoomServer(sim, { port: 0 });
  const fromContainer = (url: string) => {
    const u = new URL(url);
    u.hostname = HOST_FROM_CONTAINER;
    return u.toString().replace(/\/$/, "");
  };
  const env = [
    `CONDUCTOR_SERVER_URL=${fromContainer(conductor.url)}/api`,
    `COMMON_ROOM_API_URL=${fromContainer(simServer.url)}`,
    `COMMON_ROOM_API_TOKEN=${TOKEN}`,
  ].flatMap((e) => ["-e", e]);
  const api = `${conductor.url}/api`;
  const workflow = async (id: string) =>
    (await (await fetch(`${api}/workflow/${id}`)).json()) as Workflow;
  const startWorkflow = async () => {
    const response = await fetch(`${api}/workflow/image_check`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    if (!response.ok) throw new Error(`starting a workflow: ${response.status}`);
    return response.text();
  };
  try {
    expectRan(
      "register, from the container",
      await once("--network", NETWORK, ...env, TAG, "register"),
    );
    const definition = {
      name: "image_check",
      version: 1,
      schemaVersion: 2,
      ownerEmail: "image-check@example.com",
      tasks: [
        {
          name: "common_room_list_tags",
          taskReferenceName: "tags",
          type: "SIMPLE",
          inputParameters: {},
        },
      ],
    };
    await fetch(`${api}/metadata/workflow`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(definition),
    });

    const started = await podman(
      "run",
      "-d",
      "--name",
      CONTAINER,
      "--network",
      NETWORK,
      ...env,
      TAG,
    );
    expectRan("start, detached", started);
    const mode = await podman("inspect", "--format", "{{.HostConfig.NetworkMode}}", CONTAINER);
    check(
      "a network namespace of its own",
      mode.stdout.trim() === "slirp4netns",
      mode.stdout.trim(),
    );
    const top = await podman("top", CONTAINER, "user", "args");
    check(
      "the worker runs as node",
      /^node\s+node dist\/src\/container\/entry\.js start/m.test(top.stdout),
      top.stdout.split("\n")[1]?.trim() ?? "",
    );
    const healthy = await until(
      "podman healthcheck run",
      async () => ((await podman("healthcheck", "run", CONTAINER)).code === 0 ? true : undefined),
      30_000,
    );
    check("podman healthcheck run: healthy", healthy, "");

    const first = await startWorkflow();
    const done = await until(
      "the first workflow",
      async () => {
        const w = await workflow(first);
        return w.status === "RUNNING" ? undefined : w;
      },
      30_000,
    );
    check(
      "a task runs through Conductor and Common Room",
      done.status === "COMPLETED",
      `workflow ${done.status}`,
    );

    const second = await startWorkflow();
    await until(
      "the second task in flight",
      async () => ((await workflow(second)).tasks[0]?.status === "IN_PROGRESS" ? true : undefined),
      15_000,
    );
    const stopAt = Date.now();
    await podman("stop", "--time", "30", CONTAINER);
    const stopMs = Date.now() - stopAt;
    const exit = await podman("inspect", "--format", "{{.State.ExitCode}}", CONTAINER);
    check(
      "SIGTERM: exit 0",
      exit.stdout.trim() === "0",
      `exit ${exit.stdout.trim()} after ${stopMs} ms`,
    );
    const drained = await workflow(second);
    check(
      "SIGTERM: the task in flight was finished and delivered",
      drained.status === "COMPLETED",
      `workflow ${drained.status}`,
    );
    // The worker logs JSON lines; the one for the signal counts the tasks still in flight.
    const logs = await podman("logs", CONTAINER);
    const draining = (logs.stdout + logs.stderr)
      .split("\n")
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { signal?: string; inFlight?: number }];
        } catch {
          return [];
        }
      })
      .find((entry) => entry.signal === "SIGTERM");
    check(
      "SIGTERM came while the task was in flight",
      (draining?.inFlight ?? 0) > 0,
      `inFlight ${draining?.inFlight ?? "not logged"}`,
    );
  } finally {
    await podman("rm", "--force", "--time", "0", CONTAINER);
    await simServer.close();
    await conductor.close();
  }
}

async function main(): Promise<void> {
  const began = Date.now();
  const built = await run(BUILD, []);
  process.stderr.write(built.stderr);
  expectRan("the Dockerfile builds with podman", built);
  await imageFacts();
  await commands();
  await againstServers();
  console.log(
    `image check: all ${passed} checks passed in ${((Date.now() - began) / 1000).toFixed(0)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(`image check: FAILED ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
