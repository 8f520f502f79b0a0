import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_TASK_PREFIX } from "../config.js";
import type { Operation } from "../operations/define.js";
import { taskTypeOf } from "../operations/index.js";
import { packageRoot } from "../package-root.js";

/** The prefix the example workflows are written with. */
export const EXAMPLE_PREFIX = DEFAULT_TASK_PREFIX;

export interface TaskDefOptions {
  prefix: string;
  /** Common Room requests per second shared by every replica, enforced by Conductor at poll. */
  rateLimitPerSecond?: number;
  ownerEmail?: string;
}

/**
 * The TaskDefs `register` sends. Every operation is safe to repeat (upserts, create returns
 * the existing tag, delete treats a retry's 404 as done), so failures are retried freely.
 */
export function taskDefinitions(operations: readonly Operation[], options: TaskDefOptions) {
  return operations.map((operation) => ({
    name: taskTypeOf(operation, options.prefix),
    description: `Common Room: ${operation.name}. ${operation.description}`,
    ownerEmail: options.ownerEmail ?? "commonroom-worker@example.com",
    inputKeys: [...Object.keys(operation.input.shape), "integrationName"],
    // 5xx and network failures were already retried inside the attempt; these retries
    // cover longer outages: 5 s, 10 s, 20 s, 40 s, 80 s apart.
    retryCount: 5,
    retryLogic: "EXPONENTIAL_BACKOFF",
    retryDelaySeconds: 5,
    maxRetryDelaySeconds: 120,
    // One attempt spends at most its budget (30 s unless the operation says more) on Common
    // Room. A rate-limit hand-back restarts the response clock, so only a silent worker
    // (crashed, killed) hits this: its task comes back after a minute or so instead of
    // Conductor's default hour.
    responseTimeoutSeconds: responseTimeoutFor(operation),
    // Covers the rate-limit hand-backs of one attempt; past it, the attempt is retried.
    timeoutSeconds: 900,
    timeoutPolicy: "RETRY",
    ...(options.rateLimitPerSecond !== undefined && {
      rateLimitPerFrequency: options.rateLimitPerSecond,
      rateLimitFrequencyInSeconds: 1,
    }),
  }));
}

/** 60 s, or enough that the operation's budget is at most 80% of it. */
export function responseTimeoutFor(operation: Operation): number {
  return Math.max(60, Math.ceil((operation.budgetMs ?? 0) / 1000 / 0.8));
}

export type TaskDefinition = ReturnType<typeof taskDefinitions>[number];

/** A task of an example workflow; a SWITCH holds more of them in its cases. */
interface ExampleTask {
  name: string;
  taskReferenceName?: string;
  decisionCases?: Record<string, ExampleTask[]>;
  defaultCase?: ExampleTask[];
}

/** Moves the names of the tasks inside SWITCH cases to `prefix`, at any depth. */
function renameCaseTasks(tasks: ExampleTask[], prefix: string): void {
  for (const task of tasks) {
    for (const list of [...Object.values(task.decisionCases ?? {}), task.defaultCase ?? []]) {
      for (const inner of list) {
        if (inner.name.startsWith(EXAMPLE_PREFIX))
          inner.name = prefix + inner.name.slice(EXAMPLE_PREFIX.length);
      }
      renameCaseTasks(list, prefix);
    }
  }
}

export interface ExampleWorkflow {
  /** File stem, e.g. "product-signup". */
  id: string;
  definition: { name: string; version?: number; tasks: ExampleTask[] } & Record<string, unknown>;
  sampleInput: Record<string, unknown>;
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
      const definition = JSON.parse(
        readFileSync(join(dir, file), "utf8"),
      ) as ExampleWorkflow["definition"];
      renameCaseTasks(definition.tasks, prefix);
      const sampleInput = JSON.parse(readFileSync(join(dir, `${id}.input.json`), "utf8")) as Record<
        string,
        unknown
      >;
      definition.name = withPrefix(definition.name, prefix);
      for (const task of definition.tasks) task.name = withPrefix(task.name, prefix);
      return { id, definition, sampleInput };
    });
}

function withPrefix(name: string, prefix: string): string {
  return name.startsWith(EXAMPLE_PREFIX) ? prefix + name.slice(EXAMPLE_PREFIX.length) : name;
}
