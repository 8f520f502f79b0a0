import { loadConfig, secretsOf } from "../config.js";
import { scrubSecrets } from "../secrets.js";
import { resemblance } from "../near-miss.js";
import { findOperation, operations, taskTypeOf } from "../operations/index.js";
import { executeOperation } from "../worker/execute.js";
import { Integrations } from "../worker/integrations.js";
import { toTaskResult } from "../worker/results.js";
import { EXIT, UsageError, type Command } from "./command.js";
import { readInput } from "./input.js";
import { untilStopped } from "./interrupted.js";
import { commandLogger } from "./logging.js";

export const callCommand: Command = {
  name: "call",
  summary: "run one operation against Common Room and print its output as JSON",
  usage: `Usage: commonroom-worker call <operation> [--input <json> | --input @file.json | --input -]

Runs one operation against Common Room directly (no Conductor) and prints the task output,
or the error, as JSON. <operation> is a task (get_tag), a task type (common_room_get_tag) or
a name ("Get Tag"); see: commonroom-worker operations.

Options:
  -i, --input <json>    the task input as JSON (default {})
  -i, --input @<file>   read the input from a file
  -i, --input -         read the input from standard input

Exit codes: 0 completed, 1 the operation failed, 2 usage or configuration error.
Needs COMMON_ROOM_API_TOKEN (or COMMON_ROOM_INTEGRATIONS_FILE); not CONDUCTOR_SERVER_URL.`,
  options: { input: { type: "string", short: "i" } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, guard }) {
    const name = positionals[0]!;
    const config = loadConfig(process.env);
    const operation = findOperation(name, config.taskPrefix);
    if (!operation) {
      const meant = resemblance(name.trim(), [
        ...operations.map((op) => op.task),
        ...operations.map((op) => taskTypeOf(op, config.taskPrefix)),
      ]);
      throw new UsageError(
        `unknown operation "${name}"${meant ? `; did you mean ${meant}?` : ""}; see: commonroom-worker operations`,
      );
    }
    const input = await readInput(values.input as string | undefined);
    const logger = commandLogger(config);
    guard.useLogger(logger);
    const work = (async () => {
      const outcome = await executeOperation(operation, input, {
        integrations: new Integrations(config, { logger }),
        logger,
        signal: guard.stop,
        maxOutputBytes: config.maxOutputBytes,
      });
      const { result } = toTaskResult(outcome);
      if (guard.stop.aborted) return EXIT.failed; // untilStopped has answered already
      const printed =
        result.status === "COMPLETED"
          ? result.outputData
          : { status: result.status, ...result.outputData };
      console.log(scrubSecrets(JSON.stringify(printed, null, 2), secretsOf(config)));
      return result.status === "COMPLETED" ? EXIT.ok : EXIT.failed;
    })();
    return untilStopped(guard, `call ${operation.task}`, work);
  },
};
