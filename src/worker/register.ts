import { MetadataClient } from "@io-orkes/conductor-javascript";
import type { Logger } from "../logger.js";
import type { Operation } from "../operations/define.js";
import type { ConductorClient } from "./conductor.js";
import { taskDefinitions, type TaskDefOptions } from "./task-defs.js";
import { exampleWorkflows } from "./examples.js";
import { registerSchedules, type ScheduleOutcome } from "./schedules.js";

/**
 * Registers the TaskDefs and, only when asked (`register --examples`), the example workflows,
 * named and wired with the configured prefix so that another prefix never rewrites someone
 * else's workflows. Both calls overwrite, so running it twice is safe: POST
 * /api/metadata/taskdefs upserts (and, unlike PUT, creates on Conductor OSS), and the
 * workflows go with overwrite=true.
 */
export async function registerDefinitions(
  client: ConductorClient,
  operations: readonly Operation[],
  options: TaskDefOptions & {
    workflows?: boolean;
    /** Also the examples' schedules (only with `workflows`); paused unless active. */
    schedules?: { active: boolean };
  },
  logger: Logger,
): Promise<{ taskDefs: string[]; workflows: string[]; schedules: ScheduleOutcome[] }> {
  const metadata = new MetadataClient(client);
  const defs = taskDefinitions(operations, options);
  await metadata.registerTasks(defs as Parameters<MetadataClient["registerTasks"]>[0]);
  logger.info(
    { count: defs.length, rateLimitPerSecond: options.rateLimitPerSecond },
    "task definitions registered",
  );
  const workflows: string[] = [];
  let schedules: ScheduleOutcome[] = [];
  if (options.workflows === true) {
    const examples = exampleWorkflows(options.prefix);
    for (const example of examples) {
      await metadata.registerWorkflowDef(
        example.definition as unknown as Parameters<MetadataClient["registerWorkflowDef"]>[0],
        true,
      );
      workflows.push(example.definition.name);
    }
    logger.info({ workflows }, "example workflows registered");
    if (options.schedules)
      schedules = await registerSchedules(client, examples, options.schedules, logger);
  }
  return { taskDefs: defs.map((d) => d.name), workflows, schedules };
}
