/** All server state: definitions, workflows, tasks, logs and poll data (in memory only). */
import { randomUUID } from "node:crypto";
import type { PollData, Task, TaskDef, TaskExecLog, Workflow, WorkflowDef } from "./types.js";

export class ConductorStore {
  readonly taskDefs = new Map<string, TaskDef>();
  /** name -> version -> def */
  readonly workflowDefs = new Map<string, Map<number, WorkflowDef>>();
  readonly workflows = new Map<string, Workflow>();
  readonly tasks = new Map<string, Task>();
  /** Workflows still RUNNING: the only ones the sweeper has to look at. */
  readonly running = new Set<string>();
  readonly logs = new Map<string, TaskExecLog[]>();
  /** key = taskType|domain|workerId */
  readonly pollData = new Map<string, PollData & { taskType: string }>();
  /** Hand-out times per task def, for rateLimitPerFrequency. */
  readonly handOuts = new Map<string, number[]>();

  newId(): string {
    return randomUUID();
  }

  workflowDef(name: string, version?: number): WorkflowDef | undefined {
    const versions = this.workflowDefs.get(name);
    if (!versions) return undefined;
    if (version !== undefined) return versions.get(version);
    return versions.get(Math.max(...versions.keys()));
  }

  putWorkflowDef(def: WorkflowDef): void {
    let versions = this.workflowDefs.get(def.name);
    if (!versions) {
      versions = new Map();
      this.workflowDefs.set(def.name, versions);
    }
    versions.set(def.version, def);
  }

  addLogs(taskId: string, entries: Array<{ log?: unknown; createdTime?: unknown }>): void {
    if (entries.length === 0) return;
    let list = this.logs.get(taskId);
    if (!list) {
      list = [];
      this.logs.set(taskId, list);
    }
    // The server indexes at most 10 entries per call and overwrites their taskId.
    for (const entry of entries.slice(0, 10)) {
      list.push({
        log: typeof entry.log === "string" ? entry.log : JSON.stringify(entry.log ?? ""),
        taskId,
        createdTime: typeof entry.createdTime === "number" ? entry.createdTime : Date.now(),
      });
    }
  }

  recordPoll(taskType: string, domain: string | undefined, workerId: string | undefined): void {
    const key = `${taskType}|${domain ?? ""}|${workerId ?? ""}`;
    this.pollData.set(key, {
      taskType,
      queueName: taskType,
      domain,
      workerId,
      lastPollTime: Date.now(),
    });
  }

  pollDataOf(taskType: string): PollData[] {
    return [...this.pollData.values()]
      .filter((p) => p.taskType === taskType)
      .map(({ queueName, domain, workerId, lastPollTime }) => ({
        queueName,
        domain,
        workerId,
        lastPollTime,
      }));
  }

  /** A domain counts as active when one of its workers polled recently (getActiveDomain). */
  hasActiveWorker(taskType: string, domain: string, windowMs = 10_000): boolean {
    const now = Date.now();
    for (const p of this.pollData.values()) {
      if (p.taskType === taskType && p.domain === domain && now - p.lastPollTime <= windowMs)
        return true;
    }
    return false;
  }
}

/** The REST JSON of a workflow: a detached copy without undefined fields. */
export function workflowJson(workflow: Workflow, includeTasks = true): Workflow {
  const copy = JSON.parse(JSON.stringify(workflow)) as Workflow;
  if (!includeTasks) copy.tasks = [];
  return copy;
}

export function taskJson(task: Task): Task {
  return JSON.parse(JSON.stringify(task)) as Task;
}
