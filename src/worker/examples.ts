/**
 * The example workflows in examples/, read for `register --examples`, the sandbox and the
 * tests, with their names and every task name (inside SWITCH cases too) moved to the
 * configured prefix, so that another prefix never rewrites someone else's workflows.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_TASK_PREFIX } from "../config.js";
import { packageRoot } from "../package-root.js";

/** The prefix the example workflows are written with. */
export const EXAMPLE_PREFIX = DEFAULT_TASK_PREFIX;

/** A task of an example workflow; a SWITCH holds more of them in its cases. */
interface ExampleTask {
  name: string;
  taskReferenceName?: string;
  decisionCases?: Record<string, ExampleTask[]>;
  defaultCase?: ExampleTask[];
}

/** When an example runs on its own: `examples/<id>.schedule.json`, for `register --schedules`. */
export interface ExampleSchedule {
  description: string;
  /** Six fields, seconds first, as Conductor's scheduler reads it. */
  cronExpression: string;
  zoneId: string;
  /** Conductor runs every missed time after an outage, so each window is read once. */
  runCatchupScheduleInstances: boolean;
  /** The workflow input of each run, beside the scheduler's `_scheduledTime`. */
  input: Record<string, unknown>;
}

export interface ExampleWorkflow {
  /** File stem, e.g. "product-signup". */
  id: string;
  definition: { name: string; version?: number; tasks: ExampleTask[] } & Record<string, unknown>;
  sampleInput: Record<string, unknown>;
  schedule?: ExampleSchedule;
}

function withPrefix(name: string, prefix: string): string {
  return name.startsWith(EXAMPLE_PREFIX) ? prefix + name.slice(EXAMPLE_PREFIX.length) : name;
}

/** Moves every task's name to `prefix`, SWITCH cases included, at any depth. */
function renameTasks(tasks: ExampleTask[], prefix: string): void {
  for (const task of tasks) {
    task.name = withPrefix(task.name, prefix);
    for (const list of [...Object.values(task.decisionCases ?? {}), task.defaultCase ?? []]) {
      renameTasks(list, prefix);
    }
  }
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * The workflows in examples/, with their names and task names moved to `prefix`: with
 * `trial_`, common_room_product_signup becomes trial_product_signup and runs trial_* tasks.
 */
export function exampleWorkflows(prefix = EXAMPLE_PREFIX): ExampleWorkflow[] {
  const dir = join(packageRoot(), "examples");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".workflow.json"))
    .sort()
    .map((file) => {
      const id = file.replace(/\.workflow\.json$/, "");
      const definition = readJson<ExampleWorkflow["definition"]>(join(dir, file));
      definition.name = withPrefix(definition.name, prefix);
      renameTasks(definition.tasks, prefix);
      const sampleInput = readJson<Record<string, unknown>>(join(dir, `${id}.input.json`));
      const schedulePath = join(dir, `${id}.schedule.json`);
      const schedule = existsSync(schedulePath)
        ? readJson<ExampleSchedule>(schedulePath)
        : undefined;
      return { id, definition, sampleInput, ...(schedule && { schedule }) };
    });
}
