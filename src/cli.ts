#!/usr/bin/env node
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import {
  ConfigError,
  DEFAULT_TASK_PREFIX,
  loadConfig,
  readVariable,
  secretsOf,
  type Config,
} from "./config.js";
import { createLogger, scrubSecrets, type Logger } from "./logger.js";
import { findOperation, operations } from "./operations/index.js";
import { executeOperation } from "./worker/execute.js";
import { Integrations } from "./worker/integrations.js";
import { toTaskResult } from "./worker/results.js";
import { connectConductor } from "./worker/conductor.js";
import { registerDefinitions } from "./worker/register.js";
import { startService } from "./worker/service.js";

/** Exit codes a script can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const USAGE = `Usage: commonroom-worker <command>

Commands:
  start                               poll Conductor and run the Common Room tasks
  register [--examples]               register the task definitions in Conductor (and the example workflows)
  call <operation> --input '<json>'   run one operation against Common Room, print its output
  check                               validate the configuration and every active integration's token
  operations                          list the operations and their task types

Configuration comes from the environment (and a .env file); see .env.example.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  loadDotenv({ quiet: true });
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return start();
    case "register":
      return register(rest);
    case "call":
      return call(rest);
    case "check":
      return check();
    case "operations":
      return listOperations();
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function loggerFor(config: Config): Logger {
  return createLogger({ level: config.logLevel, secrets: secretsOf(config) });
}

async function start(): Promise<number> {
  const config = loadConfig(process.env, { requireConductor: true });
  const logger = loggerFor(config);
  const service = await startService({ config, logger, env: process.env });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn(
          { signal },
          "second signal: stopping now; unfinished tasks return through Conductor's responseTimeout",
        );
        service.runtime.abandonDeliveries();
        resolve(EXIT.failed);
        return;
      }
      stopping = true;
      logger.info(
        { signal, inFlight: service.runtime.inFlight, timeoutMs: config.shutdownTimeoutMs },
        "draining: polling stopped, finishing tasks in flight",
      );
      void service.stop().then(({ unfinished }) => {
        if (unfinished > 0)
          logger.warn({ unfinished }, "shutdown timeout: some tasks were not finished");
        else logger.info("drained: every task taken was finished and delivered");
        resolve(unfinished > 0 ? EXIT.failed : EXIT.ok);
      });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

async function register(args: string[]): Promise<number> {
  let examples: boolean;
  try {
    const { values } = parseArgs({ args, options: { examples: { type: "boolean" } } });
    examples = values.examples === true;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // Registration talks to Conductor only: no Common Room token is needed.
  const config = loadConfig(process.env, { requireConductor: true, requireIntegration: false });
  const logger = loggerFor(config);
  const client = await connectConductor({
    serverUrl: config.conductor.serverUrl!,
    authKey: config.conductor.authKey,
    authSecret: config.conductor.authSecret,
    maxConnections: 4,
    logger,
  });
  try {
    const { taskDefs, workflows } = await registerDefinitions(
      client,
      operations,
      {
        prefix: config.taskPrefix,
        rateLimitPerSecond: config.rateLimitPerSecond,
        workflows: examples,
      },
      logger,
    );
    console.log(
      examples
        ? `Registered ${taskDefs.length} task definitions and ${workflows.length} workflows: ${workflows.join(", ")}`
        : `Registered ${taskDefs.length} task definitions (the example workflows too with --examples)`,
    );
    return EXIT.ok;
  } finally {
    (client as { stopBackgroundRefresh?: () => void }).stopBackgroundRefresh?.();
  }
}

async function call(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { input: { type: "string", default: "{}" } },
  });
  const [name] = positionals;
  if (!name)
    throw new UsageError('call needs an operation, e.g. call get_tag --input \'{"tagId":"1"}\'');
  const config = loadConfig(process.env);
  const operation = findOperation(name, config.taskPrefix);
  if (!operation) {
    throw new UsageError(`unknown operation "${name}"; see: commonroom-worker operations`);
  }
  let input: unknown;
  try {
    input = JSON.parse(values.input ?? "{}");
  } catch (error) {
    throw new UsageError(`--input is not JSON: ${(error as Error).message}`);
  }
  const logger = createLogger({
    level: config.logLevel === "info" ? "warn" : config.logLevel,
    secrets: secretsOf(config),
    destination: process.stderr,
  });
  const outcome = await executeOperation(operation, input, {
    integrations: new Integrations(config, { logger }),
    logger,
    maxOutputBytes: config.maxOutputBytes,
  });
  const { result } = toTaskResult(outcome);
  const printed =
    result.status === "COMPLETED"
      ? result.outputData
      : { status: result.status, ...result.outputData };
  console.log(scrubSecrets(JSON.stringify(printed, null, 2), secretsOf(config)));
  return result.status === "COMPLETED" ? EXIT.ok : EXIT.failed;
}

async function check(): Promise<number> {
  const config = loadConfig(process.env);
  const logger = createLogger({
    level: "warn",
    secrets: secretsOf(config),
    destination: process.stderr,
  });
  const integrations = new Integrations(config, { logger });
  const checkToken = findOperation("check_api_token_status");
  if (!checkToken) throw new Error("the Check API Token Status operation is missing");
  let failures = 0;
  console.log(
    `Configuration OK: ${config.integrations.size} integration(s), default "${config.defaultIntegration}", task prefix "${config.taskPrefix}"`,
  );
  for (const integration of config.integrations.values()) {
    if (!integration.active) {
      console.log(`- ${integration.name}: switched off (active: false), not checked`);
      continue;
    }
    const outcome = await executeOperation(
      checkToken,
      { integrationName: integration.name },
      { integrations, logger },
    );
    if (outcome.ok) {
      console.log(
        `- ${integration.name}: token OK, community "${String(outcome.output.communityName)}" (${String(outcome.output.communityId)})`,
      );
    } else {
      failures++;
      const { error } = toTaskResult(outcome);
      console.log(
        `- ${integration.name}: FAILED ${error?.code}: ${scrubSecrets(error?.message ?? "", secretsOf(config))}`,
      );
    }
  }
  return failures === 0 ? EXIT.ok : EXIT.failed;
}

function listOperations(): number {
  // Listing needs no token, so only the prefix is read (with its *_FILE form).
  const prefix = readVariable(process.env, "COMMON_ROOM_TASK_PREFIX") ?? DEFAULT_TASK_PREFIX;
  for (const op of operations) console.log(`${(prefix + op.task).padEnd(44)} ${op.name}`);
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Pending handles (SDK timers, sockets) must not keep a finished command alive.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(EXIT.usage);
    }
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(EXIT.usage);
    }
    console.error("Fatal:", error instanceof Error ? error.message : error);
    process.exit(EXIT.failed);
  },
);
