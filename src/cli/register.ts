import { loadConfig } from "../config.js";
import { operations } from "../operations/index.js";
import { connectConductor } from "../worker/conductor.js";
import { networkCause } from "../worker/network-error.js";
import { registerDefinitions } from "../worker/register.js";
import type { ScheduleOutcome } from "../worker/schedules.js";
import { EXIT, UsageError, type Command } from "./command.js";
import { untilStopped } from "./interrupted.js";
import { commandLogger } from "./logging.js";

export const registerCommand: Command = {
  name: "register",
  summary: "register the task definitions (and with --examples the example workflows)",
  usage: `Usage: commonroom-worker register [--examples] [--schedules [active]]

Registers every task definition (retries, timeouts, COMMON_ROOM_RATE_LIMIT_PER_SECOND when
set) in Conductor. Safe to run again: they are overwritten.

  --examples   also register the example workflows, named and wired with the configured
               COMMON_ROOM_TASK_PREFIX, so another prefix never rewrites someone's workflows
  --schedules  also (with the examples) the schedules of the examples that run on their own
               (the new-activity digest, every 5 minutes) in Conductor's workflow scheduler:
               a new schedule is paused, an existing one keeps its state; "--schedules
               active" makes them run. A Conductor without a scheduler (404) is reported,
               and registration goes on

Needs CONDUCTOR_SERVER_URL (and CONDUCTOR_AUTH_KEY / CONDUCTOR_AUTH_SECRET on Orkes); no
Common Room token.`,
  options: { examples: { type: "boolean" }, schedules: { type: "boolean" } },
  positionals: { min: 0, max: 1 },
  async run({ guard, values, positionals }) {
    const schedules = values.schedules === true;
    const mode = positionals[0];
    if (mode !== undefined && !(schedules && mode === "active"))
      throw new UsageError(
        schedules
          ? `register: --schedules takes "active" or nothing, not "${mode}"`
          : `register: unexpected argument "${mode}"`,
      );
    // A schedule starts an example workflow, so --schedules registers the examples too.
    const examples = values.examples === true || schedules;
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
        const {
          taskDefs,
          workflows,
          schedules: saved,
        } = await registerDefinitions(
          client,
          operations,
          {
            prefix: config.taskPrefix,
            rateLimitPerSecond: config.rateLimitPerSecond,
            workflows: examples,
            ...(schedules && { schedules: { active: mode === "active" } }),
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
        for (const outcome of saved) console.log(scheduleLine(outcome));
        return EXIT.ok;
      } finally {
        client.stopBackgroundRefresh();
      }
    })();
    return untilStopped(guard, "register", work);
  },
};

function scheduleLine(outcome: ScheduleOutcome): string {
  if (outcome.kind === "no_scheduler")
    return `Schedule ${outcome.name}: not created, this Conductor has no workflow scheduler (/api/scheduler answered 404); start the workflow another way`;
  const state = outcome.paused
    ? `paused (resume: PUT /api/scheduler/schedules/${outcome.name}/resume, or register --schedules active)`
    : "active";
  return `Schedule ${outcome.name} (${outcome.cronExpression}) ${outcome.existed ? "updated" : "created"}: ${state}`;
}
