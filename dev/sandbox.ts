/**
 * `npm run sandbox`: the whole thing on one machine with no accounts. Starts the
 * Conductor-compatible server and the Common Room simulator on loopback, the worker exactly
 * as `npm start` runs it, registers the task definitions and example workflows, runs every
 * example and prints each execution. `--keep` leaves it all running and prints the
 * environment that `call` and `start` need to use it; SIGTERM or Ctrl-C then drains the
 * worker and stops everything. `--conductor oss` runs it on the genuine Conductor OSS jar
 * instead (`oss-redis`: with the local Redis as its store).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../src/package-root.js";
import { exampleWorkflows } from "../src/worker/examples.js";
import {
  isConductorChoice,
  startChosenConductor,
  type ConductorChoice,
} from "./conductor-choice.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "./commonroom/index.js";
import { freePort } from "./free-port.js";
import { deliverSandboxEnvelope, prepareSandboxWebhook } from "./sandbox-webhook.js";
import { commonRoomKind } from "./common-room-kind.js";

const SIM_TOKEN = "sandbox-token";
const SIM_SOURCE_ID = "1001";

const USAGE = `Usage: npm run sandbox [-- [--conductor dev|oss|oss-redis] [--webhook] [--keep [--port <n>]]]

  --conductor   dev (default): the embedded Conductor-compatible server; oss: the genuine
                Conductor OSS jar with its SQLite store; oss-redis: the jar on the local Redis

  --webhook     also turn the webhook listener on and send it a Common Room new-contact event,
                which starts the new-contact onboarding workflow
  --keep        leave the servers and the worker running, and print the environment that
                \`call\` and \`start\` need to use them; SIGTERM or Ctrl-C stops them
  --port <n>    the Conductor-compatible server's port (default: a free one)`;

// Signals are handled from the first moment: a stop request ends the run, drains the worker
// and closes the servers, wherever it comes.
let stopRequested: NodeJS.Signals | undefined;
const stop = new Promise<NodeJS.Signals>((resolve) => {
  const onSignal = (signal: NodeJS.Signals) => {
    stopRequested ??= signal;
    resolve(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
});

function parseCommandLine(): {
  keep: boolean;
  port: number;
  conductor: ConductorChoice;
  webhook: boolean;
} {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        keep: { type: "boolean", default: false },
        port: { type: "string" },
        conductor: { type: "string", default: "dev" },
        webhook: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number (got "${values.port}")\n\n${USAGE}`);
    process.exit(2);
  }
  if (!isConductorChoice(values.conductor)) {
    console.error(`--conductor takes dev, oss, oss-sqlite or oss-redis\n\n${USAGE}`);
    process.exit(2);
  }
  return { keep: values.keep, port, conductor: values.conductor, webhook: values.webhook };
}

/** `--webhook`: turn the webhook listener on and send it a new-contact event (sandbox-webhook.ts). */
const {
  keep,
  port: conductorPort,
  conductor: conductorChoice,
  webhook: withWebhook,
} = parseCommandLine();
const realToken = process.env.COMMON_ROOM_API_TOKEN;
const root = packageRoot();
const cli = join(root, "dist", "src", "cli.js");

function line(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** Every process the sandbox started, to stop if it fails. */
const children = new Set<ChildProcess>();

function runCli(args: string[], env: NodeJS.ProcessEnv, log: NodeJS.WritableStream): ChildProcess {
  // A process group of its own: a Ctrl-C in the terminal reaches only the sandbox, which
  // then stops the worker with one SIGTERM (two signals would cut the worker's drain short).
  const child = spawn(process.execPath, [cli, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.add(child);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  return child;
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code ?? 1));
  });
}

async function waitUntilReady(
  url: string,
  worker: ChildProcess,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (worker.exitCode !== null) throw new Error(`the worker exited with code ${worker.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the worker was not ready within ${timeoutMs} ms (${url})`);
}

/** The variables `call` and `start` need to use this sandbox, ready to paste into a shell. */
function envBlock(conductorUrl: string, simUrl: string | undefined, spareHttpPort: number) {
  return [
    `export CONDUCTOR_SERVER_URL=${conductorUrl}/api`,
    "export CONDUCTOR_AUTH_KEY= CONDUCTOR_AUTH_SECRET=",
    ...(simUrl
      ? [
          `export COMMON_ROOM_API_URL=${simUrl}`,
          `export COMMON_ROOM_API_TOKEN=${SIM_TOKEN}`,
          `export COMMON_ROOM_DESTINATION_SOURCE_ID=${SIM_SOURCE_ID}`,
          "export COMMON_ROOM_INTEGRATIONS_FILE=",
        ]
      : ["# COMMON_ROOM_API_TOKEN: your own, as set for the sandbox (the real Common Room)"]),
    `export WORKER_HTTP_PORT=${spareHttpPort}`,
  ];
}

function summarize(value: unknown, limit = 160): string {
  const text = JSON.stringify(value) ?? "";
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Waits for a workflow and prints it task by task; true when it COMPLETED. */
async function showRun(
  conductor: { waitForWorkflow(id: string, options: { timeoutMs: number }): Promise<unknown> },
  title: string,
  workflowId: string,
): Promise<boolean> {
  const run = (await conductor.waitForWorkflow(workflowId, {
    timeoutMs: 60_000,
  })) as unknown as {
    status: string;
    output?: unknown;
    reasonForIncompletion?: string;
    startTime?: number;
    endTime?: number;
    tasks: {
      referenceTaskName: string;
      taskType: string;
      status: string;
      startTime?: number;
      endTime?: number;
      outputData?: unknown;
      retryCount?: number;
    }[];
  };
  const took = run.endTime && run.startTime ? `${run.endTime - run.startTime} ms` : "";
  line(`▶ ${title}  ${run.status}  ${took}  (${workflowId})`);
  for (const task of run.tasks) {
    const ms = task.endTime && task.startTime ? `${task.endTime - task.startTime} ms` : "";
    const attempt = task.retryCount ? ` attempt ${task.retryCount + 1}` : "";
    line(
      `  ${task.status.padEnd(26)} ${task.referenceTaskName.padEnd(22)} ${ms.padStart(7)}${attempt}`,
    );
    line(`    ${task.taskType} → ${summarize(task.outputData)}`);
  }
  if (run.reasonForIncompletion) line(`  reason: ${run.reasonForIncompletion}`);
  line(`  workflow output → ${summarize(run.output, 300)}`);
  line();
  return run.status === "COMPLETED";
}

async function main(): Promise<number> {
  const givenUrl = process.env.COMMON_ROOM_API_URL ?? "https://api.commonroom.io/community/v1";
  const kind = realToken ? await commonRoomKind(givenUrl, realToken) : undefined;
  if (kind === "simulator") {
    line(
      `COMMON_ROOM_API_URL=${givenUrl} answers as a Common Room simulator (an earlier sandbox's?): the examples run against it`,
    );
  } else if (realToken) {
    line("!".repeat(78));
    line("!! COMMON_ROOM_API_TOKEN is set: the worker will talk to the REAL Common Room at");
    line(`!! ${givenUrl}${kind === "no-answer" ? " (which does not answer right now)" : ""}`);
    line(
      "!! The example workflows WRITE to it: a user, an activity and tags. Ctrl-C within 5 s to stop.",
    );
    line("!".repeat(78));
    await new Promise((r) => setTimeout(r, 5000));
  }

  const conductor = await startChosenConductor(conductorChoice, {
    port: conductorPort,
    log: (text) => line(text),
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    throw new Error(
      code === "EADDRINUSE"
        ? `--port ${conductorPort} is in use; pick another, or leave --port out for a free one`
        : `the Conductor server did not start: ${(error as Error).message}`,
    );
  });
  const sim = realToken ? undefined : createCommonRoomSimulator({ tokens: [SIM_TOKEN] });
  const simServer = sim ? await startCommonRoomServer(sim, { port: 0 }) : undefined;
  const httpPort = await freePort();
  const webhook = withWebhook ? await prepareSandboxWebhook() : undefined;
  const logPath = join(tmpdir(), `commonroom-sandbox-worker-${process.pid}.log`);
  const log = createWriteStream(logPath);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
    CONDUCTOR_AUTH_KEY: "",
    CONDUCTOR_AUTH_SECRET: "",
    WORKER_HTTP_PORT: String(httpPort),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
    ...(simServer && {
      COMMON_ROOM_API_URL: simServer.url,
      COMMON_ROOM_API_TOKEN: SIM_TOKEN,
      COMMON_ROOM_DESTINATION_SOURCE_ID: SIM_SOURCE_ID,
      COMMON_ROOM_INTEGRATIONS_FILE: "",
    }),
    ...webhook?.env,
  };

  line(`Conductor                    ${conductor.url} (${conductor.label})`);
  line(
    `Common Room                  ${simServer ? `${simServer.url} (simulator)` : kind === "simulator" ? `${givenUrl} (a simulator already running)` : "the real API"}`,
  );
  line(`Worker log                   ${logPath}`);
  if (webhook) line(`Webhook listener             ${webhook.url}`);

  // With the digest's schedule (paused): the server's scheduler holds it, ready to resume.
  const registration = runCli(["register", "--examples", "--schedules"], env, log);
  if ((await exited(registration)) !== 0) throw new Error(`register failed; see ${logPath}`);
  const worker = runCli(["start"], env, log);
  await waitUntilReady(`http://127.0.0.1:${httpPort}/readyz`, worker);
  line(
    `Worker                       polling (pid ${worker.pid}), metrics http://127.0.0.1:${httpPort}/metrics`,
  );
  line();

  let failures = 0;
  let skipped = 0;
  for (const example of exampleWorkflows()) {
    if (example.schedule) {
      const at = new Date(Number(example.sampleInput._scheduledTime)).toISOString();
      line(
        `${example.definition.name} runs on a schedule (${example.schedule.cronExpression}, saved paused); once here, as a run scheduled for ${at}:`,
      );
    }
    if (stopRequested) {
      skipped++;
      continue;
    }
    const started = await fetch(`${conductor.url}/api/workflow`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name: example.definition.name,
        version: 1,
        input: example.sampleInput,
      }),
    });
    if (!started.ok)
      throw new Error(`could not start ${example.definition.name}: ${started.status}`);
    const workflowId = await started.text();
    if (!(await showRun(conductor, example.definition.name, workflowId))) failures++;
  }

  if (webhook) {
    line("Common Room webhook: a new contact");
    line(`  POST ${webhook.url}`);
    line("  x-commonroom-webhook-secret: (the webhook's secret, from the webhooks file)");
    line(`  ${summarize(webhook.envelope, 300)}`);
    const workflowId = await deliverSandboxEnvelope(webhook);
    line(`  → 202, started workflow ${workflowId}`);
    line();
    const title = "common_room_new_contact_onboarding, started by the webhook";
    if (!(await showRun(conductor, title, workflowId))) failures++;
  }

  if (keep && !stopRequested) {
    line("Everything keeps running. To use it from another terminal, paste:");
    line();
    for (const text of envBlock(conductor.url, simServer?.url, await freePort())) line(text);
    line();
    line("Then, for example:");
    line("  npm run cli -- call get_segment_statuses --input '{\"segmentId\": 201}'");
    line("  npm start                      # a second worker beside the sandbox's");
    line(
      `  curl -s -X POST $CONDUCTOR_SERVER_URL/workflow/common_room_segment_report -H 'Content-Type: application/json' -d '{"segmentId": 201}'`,
    );
    line(`  curl -s http://127.0.0.1:${httpPort}/metrics | grep commonroom_worker_tasks_total`);
    line(
      "  curl -s -X PUT $CONDUCTOR_SERVER_URL/scheduler/schedules/common_room_new_activity_digest/resume   # the digest every 5 minutes",
    );
    line("SIGTERM or Ctrl-C stops the worker (it drains first) and the servers.");
    await stop;
  }

  worker.kill("SIGTERM");
  const code = await exited(worker);
  line(`Worker stopped (exit ${code}) after draining.`);
  await simServer?.close();
  await conductor.close();
  log.end();
  if (skipped > 0) {
    line(`Stopped by ${stopRequested} before ${skipped} example workflow(s) ran.`);
    return 1;
  }
  line(
    failures === 0
      ? "All example workflows COMPLETED."
      : `${failures} example workflow(s) did not complete; see ${logPath}`,
  );
  return failures === 0 && code === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("Sandbox failed:", error instanceof Error ? error.message : error);
    // The worker runs in its own process group: it must not outlive the sandbox.
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    process.exit(1);
  },
);
