import type { z } from "zod";
import type { CallOptions, CommonRoomClient } from "../commonroom/client.js";
import type { Integration } from "../config.js";
import type { Logger } from "../logger.js";
import type { Catalog } from "./catalog.js";

/** What an operation may use while it runs one task. */
export interface OperationContext {
  client: CommonRoomClient;
  integration: Integration;
  /** Options for every Common Room call of this attempt: its deadline, cancel signal, trace. */
  callOptions: CallOptions;
  /** 0 on the first attempt; Conductor's retryCount on later ones. */
  attempt: number;
  logger: Logger;
  /** The integration's activity types and custom fields, for validateAgainstCatalog. */
  catalog: Catalog;
  /** The ceiling on this task's output as JSON (COMMON_ROOM_MAX_OUTPUT_BYTES). */
  maxOutputBytes: number;
  /**
   * The output this task was last handed back with (IN_PROGRESS), as Conductor gives it
   * again: where a long operation resumes (resume.ts). Undefined on a fresh task.
   */
  previous?: unknown;
}

export type TaskOutput = Record<string, unknown>;

/**
 * One Common Room operation as data: its names, its input schema and one call. The runtime,
 * the CLI, the registered TaskDefs, the README table and the tests are all driven from the
 * list in index.ts.
 */
export interface Operation<Input extends z.AnyZodObject = z.AnyZodObject> {
  /** The Orkes connected-app name, e.g. "Get Tag". */
  name: string;
  /** The task type without its prefix, e.g. "get_tag". */
  task: string;
  /** One line for the TaskDef and the README. */
  description: string;
  /** Top-level unknown fields are stripped, as workflow authors add their own. */
  input: Input;
  /**
   * How long one attempt may take, when longer than the default 30 s (bulk writes, paging).
   * The registered TaskDef's responseTimeoutSeconds is sized to fit it.
   */
  budgetMs?: number;
  run(ctx: OperationContext, input: z.infer<Input>): Promise<TaskOutput>;
}

export function defineOperation<Input extends z.AnyZodObject>(
  op: Operation<Input>,
): Operation<Input> {
  return op;
}
