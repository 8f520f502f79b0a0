import { loadConfig } from "../config.js";
import { operations } from "../operations/index.js";
import { connectConductor } from "../worker/conductor.js";
import { networkCause } from "../worker/network-error.js";
import { registerDefinitions } from "../worker/register.js";
import { EXIT, type Command } from "./command.js";
import { untilStopped } from "./interrupted.js";
import { commandLogger } from "./logging.js";

export const registerCommand: Command = {
  name: "register",
  summary: "register the task definitions (and with --examples the example workflows)",
  usage: `Usage: commonroom-worker register [--examples]

Registers every task definition (retries, timeouts, COMMON_ROOM_RATE_LIMIT_PER_SECOND when
set) in Conductor. Safe to run again: they are overwritten.

  --examples   also register the example workflows, named and wired with the configured
               COMMON_ROOM_TASK_PREFIX, so another prefix never rewrites someone's workflows

Needs CONDUCTOR_SERVER_URL (and CONDUCTOR_AUTH_KEY / CONDUCTOR_AUTH_SECRET on Orkes); no
Common Room token.`,
  options: { examples: { type: "boolean" } },
  positionals: { min: 0, max: 0 },
  async run({ guard, values }) {
    const examples = values.examples === true;
    // Registration talks to Conductor only: no Common Room token is needed.
    const config = loadConfig(process.env, { requireConductor: true, requireIntegration: false });
    const logger = commandLogger(config);
    guard.useLogger(logger);
    const work = (async () => {
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
        ).catch((error: unknown) => {
          // The SDK says only "fetch failed": name the server and the cause.
          throw new Error(
            `registering at CONDUCTOR_SERVER_URL=${config.conductor.serverUrl}: ${networkCause(error)}`,
          );
        });
        console.log(
          examples
            ? `Registered ${taskDefs.length} task definitions and ${workflows.length} workflows: ${workflows.join(", ")}`
            : `Registered ${taskDefs.length} task definitions (the example workflows too with --examples)`,
        );
        return EXIT.ok;
      } finally {
        client.stopBackgroundRefresh();
      }
    })();
    return untilStopped(guard, "register", work);
  },
};
