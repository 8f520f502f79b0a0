import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { conductorKind } from "../support/conductor.js";
import { TOKEN, lastTask, startHarness, type Harness, type WorkflowRun } from "./harness.js";

/**
 * TaskResult.logs, read back the way Conductor's UI reads them: GET /api/tasks/{id}/log.
 * Each Common Room request with its status and time, each wait and retry with its cause,
 * then the outcome; emails masked, no token, no bodies, at most 10 lines.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.sim.reset());

interface LogEntry {
  log: string;
  taskId: string;
  createdTime: number;
}

async function taskLogs(run: WorkflowRun): Promise<string[]> {
  const task = lastTask(run);
  const response = await fetch(`${h.conductor.url}/api/tasks/${task.taskId}/log`);
  expect(response.status).toBe(200);
  const entries = (await response.json()) as LogEntry[];
  for (const entry of entries) {
    expect(entry.taskId).toBe(task.taskId);
    expect(typeof entry.createdTime).toBe("number");
    expect(entry.log).not.toContain(TOKEN);
  }
  return entries.map((e) => e.log);
}

// Conductor OSS keeps task logs in its index. The Redis flavour here runs without one (no
// Elasticsearch on these machines), so it answers 204 for every task: the logs are shown on
// the real server by the `oss-sqlite` project, whose store indexes them.
describe.skipIf(conductorKind === "oss-redis")("task logs in Conductor", () => {
  it("a completed task: its request with method, path, status and time, then the outcome", async () => {
    const run = await h.runTask("common_room_get_segment_statuses", { segmentId: 201 });
    expect(run.status).toBe("COMPLETED");
    const logs = await taskLogs(run);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/^GET \/v1\/segments\/201\/status → 200 in \d+ ms$/);
    expect(logs[1]).toMatch(/^COMPLETED after \d+ ms$/);
  });

  it("a retry after a 5xx and a rate-limit wait are shown with their cause", async () => {
    h.sim.inject({ status: 503 });
    h.sim.inject({ status: 429, waitMs: 300 });
    const run = await h.runTask("common_room_get_segments", {});
    expect(run.status).toBe("COMPLETED");
    const logs = await taskLogs(run);
    expect(logs[0]).toMatch(/^GET \/v1\/segments → 503 in \d+ ms$/);
    expect(logs[1]).toMatch(/^retry 1 of getSegments in \d+ ms \(Common Room answered 503/);
    expect(logs[2]).toMatch(/^GET \/v1\/segments → 429 in \d+ ms$/);
    expect(logs[3]).toMatch(/^rate limited: waiting \d+ ms \(.*asked to wait 300 ms\)$/);
    expect(logs[4]).toMatch(/^GET \/v1\/segments → 200 in \d+ ms$/);
    expect(logs[5]).toMatch(/^COMPLETED after \d+ ms$/);
    expect(logs).toHaveLength(6);
  });

  it("a failure ends with the status and the reason", async () => {
    const run = await h.runTask("common_room_get_tag", { tagId: "missing" });
    const logs = await taskLogs(run);
    expect(logs[0]).toMatch(/^GET \/v1\/tags\/missing → 404 in \d+ ms$/);
    expect(logs.at(-1)).toMatch(/^FAILED_WITH_TERMINAL_ERROR after \d+ ms: NOT_FOUND: /);
  });

  it("Anonymize Contact shows the path's template: no trace of the email, masked or not", async () => {
    const run = await h.runTask("common_room_anonymize_contact", {
      email: "forget.me+now@example.com",
    });
    expect(run.status).toBe("COMPLETED");
    const logs = await taskLogs(run);
    expect(logs[0]).toMatch(/^DELETE \/v1\/user\/\{email\} → 20\d in \d+ ms$/);
    expect(logs.join("\n")).not.toMatch(/forget|now@|example\.com|\*\*\*/);
  });

  it("a bulk task's many requests fit in ten lines: the first ones, a count, the outcome", async () => {
    const users = Array.from({ length: 30 }, (_, i) => ({ id: `task-log-user-${i}` }));
    const run = await h.runTask("common_room_bulk_add_or_edit_users", { users });
    expect(run.status).toBe("COMPLETED");
    const logs = await taskLogs(run);
    expect(logs).toHaveLength(10);
    for (const line of logs.slice(0, 8))
      expect(line).toMatch(/^POST \/v1\/source\/1001\/user → 202/);
    expect(logs[8]).toBe("… and 22 more (Conductor keeps 10 lines)");
    expect(logs[9]).toMatch(/^COMPLETED after \d+ ms$/);
    // No request body (user ids) in any line.
    expect(logs.join("\n")).not.toContain("task-log-user-");
  });

  it("a task without logs answers 204", async () => {
    const response = await fetch(`${h.conductor.url}/api/tasks/no-such-task-id/log`);
    expect(response.status).toBe(204);
  });
});
