import type { PolledTask } from "./conductor.js";

/**
 * Until when Conductor would still take a result for `task` (epoch ms, this machine's clock):
 * the first of its response timeout (counted from when it was handed to us) and its own
 * timeout (counted from its first start), plus `graceMs` because Conductor applies both
 * only when its sweeper next looks at the workflow. After that the attempt is TIMED_OUT and
 * Conductor ignores a late result, so retrying it further is pointless; before it, a result
 * is never given up. A task that states neither (or a timeout policy of ALERT_ONLY, which
 * never times a task out) gets `fallbackMs` from when it was handed to us.
 */
export function acceptanceDeadline(
  task: PolledTask,
  handedAt: number,
  { graceMs, fallbackMs }: { graceMs: number; fallbackMs: number },
): number {
  const limits: number[] = [];
  const response = task.responseTimeoutSeconds;
  if (typeof response === "number" && response > 0) limits.push(handedAt + response * 1000);
  const def = task.workflowTask?.taskDefinition ?? task.taskDefinition;
  const timeout = def?.timeoutSeconds;
  const startedAt = task.startTime;
  if (
    typeof timeout === "number" &&
    timeout > 0 &&
    def?.timeoutPolicy !== "ALERT_ONLY" &&
    typeof startedAt === "number" &&
    startedAt > 0
  ) {
    limits.push(startedAt + timeout * 1000);
  }
  return limits.length > 0 ? Math.min(...limits) + graceMs : handedAt + fallbackMs;
}
