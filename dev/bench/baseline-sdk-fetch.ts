/**
 * Baseline (b): what a user would write instead of this worker. The SDK's TaskHandler with
 * the same concurrency as ours (10 per type); each task makes the Common Room request with
 * global fetch and returns its JSON. No validation, no retries, no rate-limit handling.
 */
import type { ConductorWorker, Task } from "@io-orkes/conductor-javascript";
import { runTaskHandler, taskTypesFromEnv } from "./baseline-shared.js";

const apiUrl = process.env.COMMON_ROOM_API_URL ?? "https://api.commonroom.io/community/v1";
const token = process.env.COMMON_ROOM_API_TOKEN ?? "";
const prefix = process.env.COMMON_ROOM_TASK_PREFIX || "common_room_";
const sourceId = process.env.COMMON_ROOM_DESTINATION_SOURCE_ID ?? "";
const CONCURRENCY = 10;

type Input = Record<string, unknown>;
const str = (value: unknown) => encodeURIComponent(String(value ?? ""));

/** Method, path and body of the request each operation makes. */
const requests: Record<string, (input: Input) => { method: string; path: string; body?: unknown }> =
  {
    check_api_token_status: () => ({ method: "GET", path: "/api-token-status" }),
    get_activity_types: () => ({ method: "GET", path: "/activityTypes" }),
    get_custom_fields: () => ({ method: "GET", path: "/members/customFields" }),
    get_segments: () => ({ method: "GET", path: "/segments" }),
    get_segment_statuses: (i) => ({ method: "GET", path: `/segments/${str(i.segmentId)}/status` }),
    list_tags: () => ({ method: "GET", path: "/tags" }),
    get_tag: (i) => ({ method: "GET", path: `/tags/${str(i.tagId)}` }),
    create_tag: (i) => ({ method: "POST", path: "/tags", body: i }),
    update_tag: (i) => ({ method: "POST", path: `/tags/${str(i.tagId)}`, body: i }),
    delete_tag: (i) => ({ method: "DELETE", path: `/tags/${str(i.tagId)}` }),
    add_or_edit_user: (i) => ({
      method: "POST",
      path: `/source/${str(i.destinationSourceId ?? sourceId)}/user`,
      body: i.user,
    }),
    add_or_edit_activity: (i) => ({
      method: "POST",
      path: `/source/${str(i.destinationSourceId ?? sourceId)}/activity`,
      body: i.activity,
    }),
  };

function workerFor(taskDefName: string): ConductorWorker {
  const build = requests[taskDefName.slice(prefix.length)];
  return {
    taskDefName,
    concurrency: CONCURRENCY,
    execute: async (task: Task) => {
      if (!build) return { status: "FAILED", outputData: {}, reasonForIncompletion: "unsupported" };
      const { method, path, body } = build((task.inputData ?? {}) as Input);
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body !== undefined && { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let data: unknown = text;
      try {
        data = text ? JSON.parse(text) : {};
      } catch {
        // not JSON: keep the text
      }
      if (!response.ok) {
        return {
          status: "FAILED",
          outputData: { httpStatus: response.status, body: data },
          reasonForIncompletion: `Common Room answered ${response.status}`,
        };
      }
      const outputData = Array.isArray(data) ? { items: data } : (data as Record<string, unknown>);
      return { status: "COMPLETED", outputData };
    },
  };
}

await runTaskHandler(taskTypesFromEnv().map(workerFor));
