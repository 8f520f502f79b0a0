/**
 * A pre-3.21.12 server (405 on update-v2): the SDK must fall back to POST /api/tasks.
 * Own file because the SDK remembers the probe result per process.
 */
import { afterEach, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../../dev/conductor/index.js";
import { until } from "../../support/until.js";
import { sdkSession, type SdkSession } from "./sdk-harness.js";

let server: ConductorServer;
let session: SdkSession;
afterEach(async () => {
  await session.stop();
  await server.close();
});

it("falls back to POST /api/tasks after a 405 and still completes workflows (204 empty polls)", async () => {
  server = await startConductorServer({ updateV2: "method-not-allowed", emptyPoll: "no-content" });
  session = await sdkSession(server);
  await session.metadata.registerWorkflowDef({
    name: "legacy",
    version: 1,
    tasks: [
      {
        name: "old_a",
        taskReferenceName: "a",
        type: "SIMPLE",
        inputParameters: { x: "${workflow.input.x}" },
      },
      {
        name: "old_a",
        taskReferenceName: "b",
        type: "SIMPLE",
        inputParameters: { x: "${a.output.x}" },
      },
    ],
    timeoutSeconds: 0,
  } as never);
  await session.run([
    {
      taskDefName: "old_a",
      execute: async (task) => ({
        status: "COMPLETED",
        outputData: { x: Number(task.inputData?.x) * 2 },
      }),
    },
  ]);
  const workflowId = await session.executor.startWorkflow({
    name: "legacy",
    version: 1,
    input: { x: 3 },
  });
  const workflow = await server.waitForWorkflow(workflowId);
  expect(workflow).toMatchObject({ status: "COMPLETED", output: { x: 12 } });
  const updates = server.requests.filter(
    (r) => r.method === "POST" && r.path.startsWith("/api/tasks"),
  );
  expect(updates[0]).toMatchObject({ path: "/api/tasks/update-v2", status: 405 });
  expect(updates.slice(1).map((r) => [r.path, r.status])).toEqual([
    ["/api/tasks", 200],
    ["/api/tasks", 200],
  ]);
  // Empty polls are bare 204s, which the SDK tolerates: it keeps polling with count=1.
  await until(
    () => server.requests.some((r) => r.path === "/api/tasks/poll/batch/old_a" && r.status === 204),
    5000,
    "a 204 poll",
  );
  expect(
    server.requests
      .filter((r) => r.path === "/api/tasks/poll/batch/old_a")
      .every((r) => r.query.count === "1"),
  ).toBe(true);
});
