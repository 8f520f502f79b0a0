/** Metadata endpoints, error shapes, injected faults, auth and request recording. */
import { createConnection } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../../dev/conductor/index.js";
import { api, pollBatch } from "./harness.js";

let server: ConductorServer;
beforeEach(async () => {
  server = await startConductorServer();
});
afterEach(async () => {
  await server.close();
});

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("metadata", () => {
  it("upserts task defs with the server defaults and validates name/timeoutSeconds", async () => {
    expect(
      (
        await api(server, "POST", "/api/metadata/taskdefs", [
          { name: "a", timeoutSeconds: 10, responseTimeoutSeconds: 5 },
        ])
      ).status,
    ).toBe(200);
    const def = await api(server, "GET", "/api/metadata/taskdefs/a");
    expect(def.json).toMatchObject({
      name: "a",
      timeoutSeconds: 10,
      responseTimeoutSeconds: 5,
      retryCount: 3,
      retryDelaySeconds: 60,
      retryLogic: "FIXED",
      timeoutPolicy: "TIME_OUT_WF",
      backoffScaleFactor: 1,
      totalTimeoutSeconds: 0,
    });
    await api(server, "POST", "/api/metadata/taskdefs", [
      { name: "a", timeoutSeconds: 0, retryCount: 1 },
    ]);
    expect((await api(server, "GET", "/api/metadata/taskdefs/a")).json).toMatchObject({
      retryCount: 1,
      responseTimeoutSeconds: 3600,
    });
    const invalid = await api(server, "POST", "/api/metadata/taskdefs", [{ retryCount: 1 }]);
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({
      status: 400,
      message: "Validation failed, check below errors for detail.",
    });
    expect((invalid.json as { validationErrors: unknown[] }).validationErrors).toHaveLength(2);
    expect((await api(server, "GET", "/api/metadata/taskdefs")).json).toHaveLength(1);
    expect((await api(server, "GET", "/api/metadata/taskdefs/none")).status).toBe(404);
  });

  it("PUT taskdefs answers 404 for a new def and updates an existing one", async () => {
    const fresh = await api(server, "PUT", "/api/metadata/taskdefs", {
      name: "new_one",
      timeoutSeconds: 0,
    });
    expect(fresh.status).toBe(404);
    expect(fresh.json).toMatchObject({ status: 404, message: "No such task by name new_one" });
    await api(server, "POST", "/api/metadata/taskdefs", [{ name: "new_one", timeoutSeconds: 0 }]);
    expect(
      (
        await api(server, "PUT", "/api/metadata/taskdefs", {
          name: "new_one",
          timeoutSeconds: 0,
          retryCount: 9,
        })
      ).status,
    ).toBe(200);
    expect(server.taskDefs.get("new_one")?.retryCount).toBe(9);
  });

  it("POST workflow answers 409 on an existing version unless overwrite=true; PUT upserts; GET by version", async () => {
    const def = {
      name: "wf",
      version: 1,
      tasks: [{ name: "t", taskReferenceName: "t_ref", type: "SIMPLE" }],
    };
    expect((await api(server, "POST", "/api/metadata/workflow?overwrite=false", def)).status).toBe(
      200,
    );
    const again = await api(server, "POST", "/api/metadata/workflow?overwrite=false", def);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ status: 409 });
    expect((await api(server, "POST", "/api/metadata/workflow?overwrite=true", def)).status).toBe(
      200,
    );
    const bulk = await api(server, "PUT", "/api/metadata/workflow", [{ ...def, version: 2 }]);
    expect(bulk.json).toEqual({ bulkErrorResults: {}, bulkSuccessfulResults: ["wf"] });
    expect((await api(server, "GET", "/api/metadata/workflow/wf")).json).toMatchObject({
      version: 2,
      schemaVersion: 2,
      timeoutPolicy: "ALERT_ONLY",
    });
    expect((await api(server, "GET", "/api/metadata/workflow/wf?version=1")).json).toMatchObject({
      version: 1,
    });
  });

  it("rejects non-SIMPLE tasks and duplicate references at registration, saying why", async () => {
    const fork = await api(server, "POST", "/api/metadata/workflow", {
      name: "f",
      tasks: [{ name: "x", taskReferenceName: "x", type: "FORK_JOIN" }],
    });
    expect(fork.status).toBe(400);
    expect(JSON.stringify(fork.json)).toContain("only SIMPLE");
    const dup = await api(server, "POST", "/api/metadata/workflow", {
      name: "d",
      tasks: [
        { name: "x", taskReferenceName: "r" },
        { name: "y", taskReferenceName: "r" },
      ],
    });
    expect(dup.status).toBe(400);
  });
});

describe("errors, health and recording", () => {
  it("serves health, 404 for unknown routes and /api/token in OSS mode, 405 for a wrong method", async () => {
    for (const path of ["/health", "/api/health"]) {
      expect((await api(server, "GET", path)).json).toEqual({
        healthResults: [],
        suppressedHealthResults: [],
        healthy: true,
      });
    }
    const token = await api(server, "POST", "/api/token", { keyId: "k", keySecret: "s" });
    expect(token.status).toBe(404);
    expect(token.json).toMatchObject({ status: 404 });
    expect((await api(server, "GET", "/api/nothing/here")).status).toBe(404);
    expect((await api(server, "PATCH", "/api/metadata/taskdefs")).status).toBe(405);
    const recorded = server.requests.find((r) => r.path === "/api/nothing/here");
    expect(recorded).toMatchObject({ method: "GET", status: 404, query: {} });
    await pollBatch(server, "x", "count=2&timeout=0&workerid=rec");
    expect(server.requests.at(-1)).toMatchObject({
      path: "/api/tasks/poll/batch/x",
      query: { count: "2", timeout: "0", workerid: "rec" },
      status: 200,
    });
  });
});

describe("faults", () => {
  it("answers an injected status on the selected routes only", async () => {
    server.setFault({ routes: "polls", status: 503 });
    const poll = await pollBatch(server, "x");
    expect(poll.status).toBe(503);
    expect(poll.json).toMatchObject({ status: 503, retryable: true });
    expect((await api(server, "GET", "/health")).status).toBe(200);
    server.setFault({ routes: "updates", status: 500 });
    expect((await pollBatch(server, "x")).status).toBe(200);
    expect(
      (
        await api(server, "POST", "/api/tasks", {
          taskId: "t",
          workflowInstanceId: "w",
          status: "COMPLETED",
        })
      ).status,
    ).toBe(500);
    server.setFault({ routes: "all", status: 502 });
    expect((await api(server, "GET", "/health")).status).toBe(502);
    server.setFault(null);
    expect((await api(server, "GET", "/health")).status).toBe(200);
  });

  it("refuses connections while the refuse fault is set and recovers on the same port", async () => {
    const port = new URL(server.url).port;
    const pending = pollBatch(server, "x", "count=1&timeout=3000&workerid=w").then(
      (r) => r.status,
      () => "dropped",
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.setFault({ routes: "all", refuse: true });
    await server.listening();
    expect(await pending).toBe("dropped"); // the open long poll was cut
    expect(await connects(Number(port))).toBe(false);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    server.setFault(null);
    await server.listening();
    expect(new URL(server.url).port).toBe(port);
    expect((await api(server, "GET", "/health")).status).toBe(200);
  });
});

describe("auth (Orkes mode)", () => {
  it("issues tokens for the right key and requires X-Authorization elsewhere", async () => {
    const secured = await startConductorServer({ auth: { keyId: "key", keySecret: "secret" } });
    try {
      expect(
        (await api(secured, "POST", "/api/token", { keyId: "key", keySecret: "wrong" })).status,
      ).toBe(401);
      const issued = await api(secured, "POST", "/api/token", {
        keyId: "key",
        keySecret: "secret",
      });
      const token = (issued.json as { token: string }).token;
      expect(token).toEqual(expect.any(String));
      const anonymous = await api(secured, "GET", "/api/metadata/taskdefs");
      expect(anonymous.status).toBe(401);
      expect(anonymous.json).toMatchObject({ status: 401, error: "INVALID_TOKEN" });
      expect(
        (
          await api(secured, "GET", "/api/metadata/taskdefs", undefined, {
            "X-Authorization": token,
          })
        ).status,
      ).toBe(200);
      secured.expireTokens();
      const expired = await api(secured, "GET", "/api/metadata/taskdefs", undefined, {
        "X-Authorization": token,
      });
      expect(expired.json).toMatchObject({ status: 401, error: "EXPIRED_TOKEN" });
    } finally {
      await secured.close();
    }
  });
});
