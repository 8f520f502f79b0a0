import type { CallTrace } from "../commonroom/client.js";
import type { TaskResultBody } from "./results.js";

/** Conductor keeps 10 log entries per update and shows them in its UI's Logs tab. */
export const TASK_LOG_LIMIT = 10;
/** Each line is short: what happened, not bodies. */
const LINE_LIMIT = 200;

export interface TaskLogEntry {
  log: string;
  createdTime: number;
}

/** `jane.doe@example.com` → `j***@example.com`, wherever an email appears in a line. */
export function maskEmails(text: string): string {
  return text.replace(
    /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g,
    "$1***@$2",
  );
}

/**
 * The short lines one task attempt sends to Conductor in TaskResult.logs: each Common Room
 * request (method, path, status, ms), each rate-limit wait and retry with its cause, then
 * the outcome. Emails are masked; no token reaches it (the trace never sees headers) and no
 * body is written. Past the limit, the first lines are kept and the rest are counted.
 */
export class TaskLog implements CallTrace {
  private readonly entries: TaskLogEntry[] = [];
  private dropped = 0;

  constructor(private readonly now: () => number = Date.now) {}

  onRequest(e: Parameters<NonNullable<CallTrace["onRequest"]>>[0]): void {
    const status = e.httpStatus === "network" ? "no answer" : String(e.httpStatus);
    this.add(`${e.method} /${e.api}${e.path} → ${status} in ${Math.round(e.durationMs)} ms`);
  }

  onRateLimitWait(e: Parameters<NonNullable<CallTrace["onRateLimitWait"]>>[0]): void {
    this.add(`rate limited: waiting ${Math.round(e.waitMs)} ms (${e.reason})`);
  }

  onRetry(e: Parameters<NonNullable<CallTrace["onRetry"]>>[0]): void {
    this.add(`retry ${e.attempt} of ${e.operation} in ${Math.round(e.delayMs)} ms (${e.reason})`);
  }

  /** The lines for this result: what was recorded, then the outcome; at most TASK_LOG_LIMIT. */
  finish(result: TaskResultBody, durationMs: number): TaskLogEntry[] {
    const total = this.entries.length + this.dropped;
    const lines =
      total <= TASK_LOG_LIMIT - 1
        ? [...this.entries]
        : [
            ...this.entries.slice(0, TASK_LOG_LIMIT - 2),
            this.entry(
              `… and ${total - (TASK_LOG_LIMIT - 2)} more (Conductor keeps ${TASK_LOG_LIMIT} lines)`,
            ),
          ];
    lines.push(this.entry(outcomeLine(result, durationMs)));
    return lines;
  }

  private add(text: string): void {
    // Keep memory flat for a bulk task's thousand requests: only what can be shown is kept.
    if (this.entries.length >= TASK_LOG_LIMIT) this.dropped++;
    else this.entries.push(this.entry(text));
  }

  private entry(text: string): TaskLogEntry {
    const line = maskEmails(text);
    return {
      log: line.length > LINE_LIMIT ? `${line.slice(0, LINE_LIMIT - 1)}…` : line,
      createdTime: this.now(),
    };
  }
}

function outcomeLine(result: TaskResultBody, durationMs: number): string {
  const took = `after ${Math.round(durationMs)} ms`;
  switch (result.status) {
    case "COMPLETED":
      return `COMPLETED ${took}`;
    case "IN_PROGRESS":
      return `IN_PROGRESS ${took}: handed back to Conductor for ${result.callbackAfterSeconds ?? 0} s (rate limited)`;
    default:
      return `${result.status} ${took}: ${result.reasonForIncompletion ?? ""}`;
  }
}
