import { randomUUID } from "node:crypto";
import type { JsonMap, Task, TaskStatus } from "./types.js";

/**
 * The real server's task-output size rules (conductor.app.taskOutputPayloadSizeThreshold and
 * maxTaskOutputPayloadSizeThreshold, 3072 KB and 10240 KB by default), measured on the JSON
 * of outputData. Above the first the output goes to external storage, which the standalone
 * server keeps where no worker can fetch it: the task (and the tasks reading it) see `{}`
 * and a storage path. Above the second the task fails terminally, although the update
 * itself was answered 200.
 */
export const EXTERNAL_STORAGE_BYTES = 3072 * 1024;
export const MAX_OUTPUT_BYTES = 10240 * 1024;

export function applyOutputLimits(
  task: Task,
  status: TaskStatus,
  outputData: JsonMap,
): { status: TaskStatus; outputData: JsonMap } {
  const size = Buffer.byteLength(JSON.stringify(outputData));
  if (size > MAX_OUTPUT_BYTES) {
    task.reasonForIncompletion = `The payload size: ${size} of task: ${task.taskId} in workflow: ${task.workflowInstanceId}  is greater than the permissible limit: ${MAX_OUTPUT_BYTES} bytes`;
    return { status: "FAILED_WITH_TERMINAL_ERROR", outputData: {} };
  }
  if (size > EXTERNAL_STORAGE_BYTES) {
    task.externalOutputPayloadStoragePath = `${randomUUID()}.json`;
    return { status, outputData: {} };
  }
  return { status, outputData };
}
