/**
 * `register --schedules`: the schedules of the example workflows that run on their own (a
 * trigger for Common Room plans without webhooks), created through Conductor's workflow
 * scheduler (`/api/scheduler/schedules`, Conductor OSS 3.30+ and Orkes). A server without
 * it answers 404: that is said, and registration goes on.
 */
import type { Logger } from "../logger.js";
import type { ConductorClient } from "./conductor.js";
import type { ExampleWorkflow } from "./examples.js";

const SECURITY = [{ name: "X-Authorization", type: "apiKey" }] as const;

export type ScheduleOutcome =
  | { kind: "saved"; name: string; cronExpression: string; paused: boolean; existed: boolean }
  /** The server has no workflow scheduler. */
  | { kind: "no_scheduler"; name: string };

export class ScheduleFailed extends Error {
  override readonly name = "ScheduleFailed";
}

interface StoredSchedule {
  name: string;
  paused?: boolean;
}

/** The schedule Conductor stores for an example: named like its workflow. */
export function scheduleOf(example: ExampleWorkflow, paused: boolean) {
  const { schedule, definition } = example;
  if (!schedule) return undefined;
  return {
    name: definition.name,
    description: schedule.description,
    cronExpression: schedule.cronExpression,
    zoneId: schedule.zoneId,
    runCatchupScheduleInstances: schedule.runCatchupScheduleInstances,
    paused,
    startWorkflowRequest: {
      name: definition.name,
      version: definition.version ?? 1,
      input: schedule.input,
    },
  };
}

/**
 * Saves the schedule of each example that has one. A new schedule is paused unless
 * `active`; one that exists keeps its paused state unless `active` (so running `register`
 * again in a deployment never pauses a trigger someone resumed).
 */
export async function registerSchedules(
  client: ConductorClient,
  examples: readonly ExampleWorkflow[],
  options: { active: boolean },
  logger: Logger,
): Promise<ScheduleOutcome[]> {
  const scheduled = examples.filter((example) => example.schedule);
  if (scheduled.length === 0) return [];
  const existing = await storedSchedules(client);
  if (existing === undefined) {
    logger.warn(
      "this Conductor has no workflow scheduler (/api/scheduler answered 404): no schedule created",
    );
    return scheduled.map((example) => ({ kind: "no_scheduler", name: example.definition.name }));
  }
  const outcomes: ScheduleOutcome[] = [];
  for (const example of scheduled) {
    const before = existing.find((s) => s.name === example.definition.name);
    const paused = options.active ? false : (before?.paused ?? true);
    const body = scheduleOf(example, paused)!;
    const { response, error } = await client.post<unknown, unknown, false>({
      security: [...SECURITY],
      url: "/api/scheduler/schedules",
      body,
      headers: { "Content-Type": "application/json" },
      throwOnError: false,
    });
    if (!response?.ok)
      throw new ScheduleFailed(
        `Conductor refused the schedule ${body.name}: ${response?.status ?? "no answer"} ${describe(error)}`,
      );
    logger.info({ schedule: body.name, paused, existed: before !== undefined }, "schedule saved");
    outcomes.push({
      kind: "saved",
      name: body.name,
      cronExpression: body.cronExpression,
      paused,
      existed: before !== undefined,
    });
  }
  return outcomes;
}

/** Every stored schedule; undefined when the server has no scheduler (404). */
async function storedSchedules(client: ConductorClient): Promise<StoredSchedule[] | undefined> {
  const { data, error, response } = await client.get<StoredSchedule[], unknown, false>({
    security: [...SECURITY],
    url: "/api/scheduler/schedules",
    throwOnError: false,
  });
  if (response?.status === 404) return undefined;
  if (!response?.ok || !Array.isArray(data))
    throw new ScheduleFailed(
      `Conductor answered ${response?.status ?? "nothing"} to GET /api/scheduler/schedules: ${describe(error ?? data)}`,
    );
  return data;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.slice(0, 200);
  if (typeof value === "object" && "message" in value) return String(value.message).slice(0, 200);
  return JSON.stringify(value).slice(0, 200);
}
