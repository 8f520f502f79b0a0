import { loadConfig, secretsOf } from "../config.js";
import { createLogger } from "../logger.js";
import { scrubSecrets } from "../secrets.js";
import { findOperation, operations, taskTypeOf } from "../operations/index.js";
import { checkConductor } from "../worker/conductor-check.js";
import { checkWorkerConfig } from "../worker/config-check.js";
import { executeOperation } from "../worker/execute.js";
import { Integrations } from "../worker/integrations.js";
import { toTaskResult } from "../worker/results.js";
import { EXIT, type Command } from "./command.js";
import { untilStopped } from "./interrupted.js";

export const checkCommand: Command = {
  name: "check",
  summary: "validate the configuration and every active integration's token",
  usage: `Usage: commonroom-worker check

Validates the configuration, then calls Check API Token Status for every active integration
and prints its community's name, then (when CONDUCTOR_SERVER_URL is set) asks Conductor for
its task definitions: reachable, key and secret taken, which of ours are registered.

Exit codes: 0 every token works and Conductor answers, 1 a token or Conductor failed,
2 configuration error.`,
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ guard }) {
    const config = loadConfig(process.env);
    const { warnings } = checkWorkerConfig(config, process.env);
    const logger = createLogger({
      level: "warn",
      secrets: secretsOf(config),
      destination: process.stderr,
    });
    guard.useLogger(logger);
    const integrations = new Integrations(config, { logger });
    const checkToken = findOperation("check_api_token_status");
    if (!checkToken) throw new Error("the Check API Token Status operation is missing");
    for (const warning of warnings) console.log(`warning: ${warning}`);
    console.log(
      `Configuration OK: ${config.integrations.size} integration(s), default "${config.defaultIntegration}", task prefix "${config.taskPrefix}"`,
    );
    const work = (async () => {
      let failures = 0;
      for (const integration of config.integrations.values()) {
        if (!integration.active) {
          console.log(`- ${integration.name}: switched off (active: false), not checked`);
          continue;
        }
        const outcome = await executeOperation(
          checkToken,
          { integrationName: integration.name },
          { integrations, logger, signal: guard.stop },
        );
        if (guard.stop.aborted) return EXIT.failed;
        if (outcome.ok) {
          console.log(
            `- ${integration.name}: token OK, community "${String(outcome.output.communityName)}" (${String(outcome.output.communityId)})`,
          );
        } else {
          failures++;
          const { error } = toTaskResult(outcome);
          console.log(
            `- ${integration.name}: FAILED ${error?.code}: ${scrubSecrets(error?.message ?? "", secretsOf(config))} (${integration.apiUrl})`,
          );
        }
      }
      const conductor = await checkConductor(
        config,
        operations.map((op) => taskTypeOf(op, config.taskPrefix)),
      );
      for (const line of conductor.lines) console.log(scrubSecrets(line, secretsOf(config)));
      if (!conductor.ok) failures++;
      return failures === 0 ? EXIT.ok : EXIT.failed;
    })();
    return untilStopped(guard, "check", work);
  },
};
