import { loadConfig } from "../config.js";
import { operations } from "../operations/index.js";
import { connectConductor } from "../worker/conductor.js";
import { registerDefinitions } from "../worker/register.js";
import { EXIT, type Command } from "./command.js";
import { untilStopped } from "./interrupted.js";
import { commandLogger } from "./logging.js";

export const registerCommand: Command = {
  name: "register",
  summary: "register the task definitions and example workflows in Conductor",
  usage: `Usage: commonroom-worker register

Registers every task definition (retries, timeouts, COMMON_ROOM_RATE_LIMIT_PER_SECOND when
set) and the example workflows in Conductor. Safe to run again: both are overwritten.

Needs CONDUCTOR_SERVER_URL (and CONDUCTOR_AUTH_KEY / CONDUCTOR_AUTH_SECRET on Orkes); no
Common Room token.`,
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ guard }) {
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
          { prefix: config.taskPrefix, rateLimitPerSecond: config.rateLimitPerSecond },
          logger,
        );
        console.log(
          `Registered ${taskDefs.length} task definitions and ${workflows.length} workflows: ${workflows.join(", ")}`,
        );
        return EXIT.ok;
      } finally {
        (client as { stopBackgroundRefresh?: () => void }).stopBackgroundRefresh?.();
      }
    })();
    return untilStopped(guard, "register", work);
  },
};
