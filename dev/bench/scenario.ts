/** What every scenario gets and gives back. */
import type { Workflow } from "../conductor/index.js";
import type { PacingOptions } from "./pacing-options.js";

export interface Context {
  quick: boolean;
  /** `--tasks`: how many tasks the soak runs (its default otherwise). */
  tasks?: number;
  logDir: string;
  progress(message: string): void;
  /** Options of the pacing figure (--windows, --replicas, ...), already checked. */
  pacing: PacingOptions;
}

export interface Row {
  metric: string;
  ours?: string;
  baseline?: string;
  /** ours / baseline, or whatever the row compares. */
  ratio?: string;
}

export interface Target {
  name: string;
  met: boolean;
  /** The figure against the target, and when missed by how much and why. */
  detail: string;
}

export interface FigureResult {
  id: string;
  title: string;
  /** What the baseline column holds in this figure. */
  baselineLabel?: string;
  rows: Row[];
  /** Tables of their own columns, written after the rows (e.g. one per window kind). */
  tables?: Table[];
  targets: Target[];
  notes: string[];
}

export interface Table {
  title: string;
  columns: string[];
  /** One cell per column. */
  rows: string[][];
}

export const FAILED_TASK = new Set([
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "TIMED_OUT",
  "CANCELED",
]);

/** Completion facts of a set of one-task workflows. */
export function summarizeRun(workflows: readonly (Workflow | undefined)[], startedAt: number) {
  const present = workflows.filter((w): w is Workflow => w !== undefined);
  const completed = present.filter((w) => w.status === "COMPLETED");
  const tasks = present.flatMap((w) => w.tasks);
  const failedTasks = tasks.filter((t) => FAILED_TASK.has(t.status)).length;
  const lastEnd = Math.max(startedAt, ...completed.map((w) => w.endTime));
  const seconds = Math.max(0.001, (lastEnd - startedAt) / 1000);
  return {
    total: workflows.length,
    completed: completed.length,
    unfinished: workflows.length - present.filter((w) => w.status !== "RUNNING").length,
    failedWorkflows: present.filter((w) => w.status !== "COMPLETED" && w.status !== "RUNNING")
      .length,
    failedTasks,
    /** Tasks handed back or retried: polled more than once, or a retry attempt. */
    handBacks: tasks.filter((t) => t.pollCount > 1).length,
    seconds,
    perSecond: completed.length / seconds,
  };
}

export const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : "n/a";
