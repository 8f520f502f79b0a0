/**
 * The workflow scheduler of conductor-oss 3.32 (SchedulerService, SchedulerResource), as the
 * running 3.32.3 jar behaves:
 * - a save answers the stored schedule (defaults filled in) and is accepted even when the
 *   cron does not parse: such a schedule never fires. Crons have six fields, seconds first
 *   (Spring's CronExpression); a five-field one is such a schedule;
 * - each run starts the workflow of `startWorkflowRequest` with its input plus
 *   `_startedByScheduler`, `_scheduledTime` (the cron time, epoch ms), `_executedTime`,
 *   `_executionId` and `_schedulerCron` ("<cron> <zone>");
 * - the next run is the cron's next time after the later of now and the last run's time,
 *   or, with `runCatchupScheduleInstances`, after the last run's time, so none is skipped;
 * - the queue holds a schedule at least one whole second between runs and fires it when it
 *   is due within a second (so a run may start up to half a second before its time, and a
 *   per-second cron without catch-up skips every other second);
 * - pause takes it off the queue (again is harmless); resume, only of a paused one,
 *   saves it anew: the next run is counted from now, the paused time is not caught up.
 */
import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import { badRequest, ConductorError, notFound } from "./errors.js";
import type { JsonMap, StartWorkflowRequest } from "./types.js";

export interface WorkflowSchedule {
  name: string;
  cronExpression?: string;
  runCatchupScheduleInstances: boolean;
  paused: boolean;
  pausedReason?: string;
  startWorkflowRequest?: StartWorkflowRequest & { input: JsonMap; priority: number };
  zoneId: string;
  cronSchedules: unknown[];
  scheduleStartTime?: number;
  scheduleEndTime?: number;
  createTime: number;
  updatedTime: number;
  createdBy: string;
  updatedBy: string;
  description?: string;
}

/** Starts a workflow as POST /api/workflow does; throws when it cannot. */
export type StartWorkflow = (request: StartWorkflowRequest) => string;

/** Spring's CronExpression: six fields, seconds first; undefined when it does not parse. */
function parseCron(expression: string | undefined, zoneId: string): Cron | undefined {
  if (!expression) return undefined;
  try {
    return new Cron(expression, {
      mode: "6-part",
      domAndDow: true,
      timezone: zoneId,
      paused: true,
    });
  } catch {
    return undefined;
  }
}

/** Duration.between in whole seconds, the millisecond rest rounded half up (getOffsetSeconds). */
function offsetSeconds(now: number, at: number): number {
  return Math.round((at - now) / 1000);
}

export class Scheduler {
  private readonly schedules = new Map<string, WorkflowSchedule>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The cron time each schedule runs next (the DAO's next_run_time). */
  private readonly nextRun = new Map<string, number>();
  private closed = false;

  constructor(private readonly start: StartWorkflow) {}

  save(body: unknown): WorkflowSchedule {
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw badRequest("WorkflowSchedule expected");
    const given = body as Partial<WorkflowSchedule> & Record<string, unknown>;
    if (typeof given.name !== "string" || given.name === "")
      throw badRequest("Schedule name cannot be empty");
    const existing = this.schedules.get(given.name);
    const now = Date.now();
    const swr = given.startWorkflowRequest;
    const schedule: WorkflowSchedule = {
      name: given.name,
      ...(given.cronExpression !== undefined && { cronExpression: given.cronExpression }),
      runCatchupScheduleInstances: given.runCatchupScheduleInstances === true,
      paused: given.paused === true,
      ...(given.pausedReason != null && { pausedReason: given.pausedReason }),
      ...(swr && {
        startWorkflowRequest: {
          ...swr,
          input: swr.input ?? {},
          taskToDomain: swr.taskToDomain ?? {},
          priority: swr.priority ?? 0,
        },
      }),
      zoneId: given.zoneId ?? "UTC",
      cronSchedules: [],
      ...(given.scheduleStartTime != null && { scheduleStartTime: given.scheduleStartTime }),
      ...(given.scheduleEndTime != null && { scheduleEndTime: given.scheduleEndTime }),
      ...(given.description != null && { description: given.description }),
      createTime: existing?.createTime ?? now,
      updatedTime: now,
      createdBy: existing?.createdBy ?? "",
      updatedBy: "",
    };
    this.unqueue(schedule.name);
    this.schedules.set(schedule.name, schedule);
    this.planNext(schedule, now, now);
    return structuredClone(schedule);
  }

  get(name: string): WorkflowSchedule {
    const schedule = this.schedules.get(name);
    if (!schedule) throw notFound(`Schedule '${name}' not found`);
    return structuredClone(schedule);
  }

  list(workflowName?: string): WorkflowSchedule[] {
    return [...this.schedules.values()]
      .filter((s) => !workflowName || s.startWorkflowRequest?.name === workflowName)
      .map((s) => structuredClone(s));
  }

  delete(name: string): void {
    this.unqueue(name);
    this.schedules.delete(name);
    this.nextRun.delete(name);
  }

  pause(name: string, reason?: string): void {
    const schedule = this.schedules.get(name);
    if (!schedule) throw notFound(`Schedule '${name}' not found`);
    schedule.paused = true;
    schedule.updatedTime = Date.now();
    if (reason !== undefined) schedule.pausedReason = reason;
    else delete schedule.pausedReason;
    this.unqueue(name);
  }

  resume(name: string): void {
    const schedule = this.schedules.get(name);
    if (!schedule || !schedule.paused) throw notFound(`Schedule '${name}' not found`);
    const { pausedReason: _dropped, ...rest } = schedule;
    this.save({ ...rest, paused: false });
  }

  /** The next `limit` (at most 5) cron times from now, as GET /nextFewSchedules. */
  nextFew(cronExpression: string, limit: number, start?: number, end?: number): number[] {
    const cron = parseCron(cronExpression, "UTC");
    if (!cron) throw new ConductorError(500, "Invalid cron expression");
    const times: number[] = [];
    let from = Date.now();
    if (start !== undefined && from < start - 500) from = start - 500;
    for (let i = 0; i < Math.min(5, limit); i++) {
      const next = cron.nextRun(new Date(from))?.getTime();
      if (next === undefined || (end !== undefined && next > end)) break;
      times.push(next);
      from = next;
    }
    return times;
  }

  close(): void {
    this.closed = true;
    for (const name of [...this.timers.keys()]) this.unqueue(name);
  }

  // ---------------------------------------------------------------- running

  /** computeAndSaveNextSchedule: the next cron time, queued unless paused. */
  private planNext(schedule: WorkflowSchedule, now: number, last: number): void {
    const cron = parseCron(schedule.cronExpression, schedule.zoneId);
    if (!cron) return; // saved, but never fires (as the real server logs and drops it)
    let from = schedule.runCatchupScheduleInstances ? last : Math.max(now, last);
    if (
      !schedule.runCatchupScheduleInstances &&
      schedule.scheduleStartTime !== undefined &&
      now < schedule.scheduleStartTime - 500
    )
      from = schedule.scheduleStartTime - 500;
    const next = cron.nextRun(new Date(from))?.getTime();
    if (next === undefined) return;
    if (schedule.scheduleEndTime !== undefined && next > schedule.scheduleEndTime) return;
    this.nextRun.set(schedule.name, next);
    if (!schedule.paused) this.queue(schedule.name, Math.max(offsetSeconds(now, next), 1));
  }

  private queue(name: string, seconds: number): void {
    this.unqueue(name);
    if (this.closed) return;
    const timer = setTimeout(() => this.due(name), seconds * 1000);
    timer.unref();
    this.timers.set(name, timer);
  }

  private unqueue(name: string): void {
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  /** handleSchedules for one message popped from the scheduler queue. */
  private due(name: string): void {
    this.timers.delete(name);
    const schedule = this.schedules.get(name);
    const scheduledTime = this.nextRun.get(name);
    if (!schedule || schedule.paused || scheduledTime === undefined) return;
    const now = Date.now();
    const offset = offsetSeconds(now, scheduledTime);
    if (offset > 1) {
      this.queue(name, offset);
      return;
    }
    const swr = schedule.startWorkflowRequest;
    // Without a request to start the real server throws here and never queues it again.
    if (!swr) return;
    try {
      this.start({
        ...swr,
        input: {
          ...swr.input,
          _startedByScheduler: schedule.name,
          _scheduledTime: scheduledTime,
          _executedTime: now,
          _executionId: randomUUID(),
          _schedulerCron: `${schedule.cronExpression ?? ""} ${schedule.zoneId}`,
        },
      });
    } catch {
      // The execution is recorded as FAILED; the schedule goes on.
    }
    this.planNext(schedule, now, scheduledTime);
  }
}
