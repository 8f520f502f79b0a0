import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConductorServer, type ConductorServer } from "../../dev/conductor/index.js";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../dev/commonroom/index.js";
import { freePort } from "../../dev/free-port.js";
import { operations } from "../../src/operations/index.js";
import { runCli } from "./worker-process.js";

/** register, call and check as a script would use them: output and exit codes. */

const TOKEN = "commands-test-token-42";
let conductor: ConductorServer;
let commonRoomUrl: string;
let closeSim: () => Promise<void>;
beforeAll(async () => {
  conductor = await startConductorServer();
  const sim = createCommonRoomSimulator({ tokens: [TOKEN] });
  const server = await startCommonRoomServer(sim, { port: 0 });
  commonRoomUrl = server.url;
  closeSim = server.close;
});
afterAll(async () => {
  await closeSim?.();
  await conductor?.close();
});

async function run(args: string[], env: Record<string, string>) {
  const cli = runCli(args, env);
  const code = await cli.exited;
  return { code, out: cli.output.join("") };
}

describe("commonroom-worker register", () => {
  it("registers every TaskDef and, with --examples, the example workflows, and is safe to run twice", async () => {
    const env = {
      CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
      COMMON_ROOM_RATE_LIMIT_PER_SECOND: "7",
    };
    const plain = await run(["register"], env);
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toContain(`Registered ${operations.length} task definitions`);
    expect(await (await fetch(`${conductor.url}/api/metadata/workflow`)).json()).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const { code, out } = await run(["register", "--examples"], env);
      expect(code, out).toBe(0);
      expect(out).toContain("Registered 27 task definitions and 6 workflows");
    }
    expect(conductor.taskDefs.size).toBe(27);
    const def = conductor.taskDefs.get("common_room_delete_tag")!;
    expect(def).toMatchObject({
      retryCount: 5,
      retryLogic: "EXPONENTIAL_BACKOFF",
      retryDelaySeconds: 5,
      responseTimeoutSeconds: 60,
      timeoutSeconds: 900,
      rateLimitPerFrequency: 7,
      rateLimitFrequencyInSeconds: 1,
    });
    const workflows = (await (await fetch(`${conductor.url}/api/metadata/workflow`)).json()) as {
      name: string;
    }[];
    expect(workflows.map((w) => w.name).sort()).toEqual([
      "common_room_new_activity_digest",
      "common_room_new_contact_onboarding",
      "common_room_product_signup",
      "common_room_segment_report",
      "common_room_tag_housekeeping",
      "common_room_website_visit_to_account",
    ]);
  });

  it("with another prefix, names and wires the examples with it and leaves the others alone", async () => {
    const env = { CONDUCTOR_SERVER_URL: `${conductor.url}/api` };
    expect((await run(["register", "--examples"], env)).code).toBe(0);
    const trial = await run(["register", "--examples"], {
      ...env,
      COMMON_ROOM_TASK_PREFIX: "trial_",
    });
    expect(trial.code, trial.out).toBe(0);
    const workflows = (await (await fetch(`${conductor.url}/api/metadata/workflow`)).json()) as {
      name: string;
      tasks: { name: string }[];
    }[];
    const byName = new Map(workflows.map((w) => [w.name, w]));
    const signup = byName.get("common_room_product_signup")!;
    expect(signup.tasks.every((t) => t.name.startsWith("common_room_"))).toBe(true);
    const trialSignup = byName.get("trial_product_signup")!;
    expect(trialSignup.tasks.map((t) => t.name)).toEqual(
      signup.tasks.map((t) => t.name.replace(/^common_room_/, "trial_")),
    );
  });

  it("--schedules saves the digest's schedule paused, keeps its state on a rerun, and 'active' runs it", async () => {
    const env = { CONDUCTOR_SERVER_URL: `${conductor.url}/api` };
    const name = "common_room_new_activity_digest";
    const stored = async () =>
      (await (await fetch(`${conductor.url}/api/scheduler/schedules/${name}`)).json()) as {
        paused: boolean;
        cronExpression: string;
        runCatchupScheduleInstances: boolean;
        startWorkflowRequest: { name: string; input: Record<string, unknown> };
      };
    const first = await run(["register", "--examples", "--schedules"], env);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain(`Schedule ${name} (0 */5 * * * *) created: paused`);
    expect(await stored()).toMatchObject({
      paused: true,
      cronExpression: "0 */5 * * * *",
      runCatchupScheduleInstances: true,
      startWorkflowRequest: { name, input: { lookbackSeconds: 300 } },
    });
    const active = await run(["register", "--schedules", "active"], env);
    expect(active.code, active.out).toBe(0);
    expect(active.out).toContain(`Schedule ${name} (0 */5 * * * *) updated: active`);
    expect((await stored()).paused).toBe(false);
    // A later plain --schedules (a deployment's rerun) leaves a resumed trigger running.
    const again = await run(["register", "--examples", "--schedules"], env);
    expect(again.out).toContain(`Schedule ${name} (0 */5 * * * *) updated: active`);
    expect((await stored()).paused).toBe(false);
    const listed = (await (
      await fetch(`${conductor.url}/api/scheduler/schedules?workflowName=${name}`)
    ).json()) as unknown[];
    expect(listed).toHaveLength(1);
    await fetch(`${conductor.url}/api/scheduler/schedules/${name}`, { method: "DELETE" });
  });

  it("a Conductor without a scheduler (before 3.30) is said, and registration goes on", async () => {
    const old = await startConductorServer({ scheduler: "absent" });
    try {
      const { code, out } = await run(["register", "--examples", "--schedules"], {
        CONDUCTOR_SERVER_URL: `${old.url}/api`,
      });
      expect(code, out).toBe(0);
      expect(out).toContain("Registered 27 task definitions and 6 workflows");
      expect(out).toMatch(
        /Schedule common_room_new_activity_digest: not created, this Conductor has no workflow scheduler/,
      );
    } finally {
      await old.close();
    }
  });

  it("--schedules takes 'active' or nothing: anything else is a usage error", async () => {
    const env = { CONDUCTOR_SERVER_URL: `${conductor.url}/api` };
    const bad = await run(["register", "--schedules", "now"], env);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--schedules takes "active" or nothing, not "now"');
    expect((await run(["register", "active"], env)).code).toBe(2);
  });

  it("fails with exit code 2 and the variable's name without CONDUCTOR_SERVER_URL", async () => {
    const { code, out } = await run(["register"], {});
    expect(code).toBe(2);
    expect(out).toContain("CONDUCTOR_SERVER_URL");
  });
});

describe("commonroom-worker call", () => {
  const env = () => ({
    COMMON_ROOM_API_URL: commonRoomUrl,
    COMMON_ROOM_API_TOKEN: TOKEN,
    COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
  });

  it("prints the task output as JSON and exits 0", async () => {
    const { code, out } = await run(
      ["call", "get_segment_statuses", "--input", '{"segmentId":"201"}'],
      env(),
    );
    expect(code, out).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      segmentId: 201,
      statuses: [{ id: 1, name: "Nominated" }, { id: 2 }, { id: 3 }],
    });
  });

  it("accepts the operation's name as well", async () => {
    const { code, out } = await run(["call", "Get Tag", "--input", '{"tagId":"tag_1"}'], env());
    expect(code, out).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ id: "tag_1", name: "Champion" });
  });

  it("prints the error as JSON and exits 1 when the operation fails", async () => {
    const { code, out } = await run(["call", "get_tag", "--input", '{"tagId":"missing"}'], env());
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      status: "FAILED_WITH_TERMINAL_ERROR",
      error: { code: "NOT_FOUND" },
    });
  });

  it("exits 2 on an unknown operation or input that is not JSON", async () => {
    expect((await run(["call", "no_such_op"], env())).code).toBe(2);
    const bad = await run(["call", "get_tag", "--input", "{oops"], env());
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("--input is not JSON");
  });
});

describe("commonroom-worker check", () => {
  it("prints each community and exits 0 when every token works", async () => {
    const { code, out } = await run(["check"], {
      COMMON_ROOM_API_URL: commonRoomUrl,
      COMMON_ROOM_API_TOKEN: TOKEN,
    });
    expect(code, out).toBe(0);
    expect(out).toContain('default: token OK, community "Uncommon"');
  });

  it("exits 1 when a token is refused, without printing the token", async () => {
    const { code, out } = await run(["check"], {
      COMMON_ROOM_API_URL: commonRoomUrl,
      COMMON_ROOM_API_TOKEN: "wrong-token-123456",
    });
    expect(code).toBe(1);
    expect(out).toContain("UNAUTHORIZED");
    expect(out).not.toContain("wrong-token-123456");
  });

  it("exits 2 on a configuration error naming the variable", async () => {
    const { code, out } = await run(["check"], {
      COMMON_ROOM_API_TOKEN: TOKEN,
      COMMON_ROOM_TIMEOUT_MS: "soon",
    });
    expect(code).toBe(2);
    expect(out).toContain("COMMON_ROOM_TIMEOUT_MS");
  });

  it("checks Conductor too: reachable, and which task definitions are registered", async () => {
    const { code, out } = await run(["check"], {
      CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
      COMMON_ROOM_API_URL: commonRoomUrl,
      COMMON_ROOM_API_TOKEN: TOKEN,
      COMMON_ROOM_TASK_PREFIX: "check_prefix_",
    });
    expect(code, out).toBe(0);
    expect(out).toContain(
      `Conductor at ${conductor.url}/api: reachable, 0 of ${operations.length} task definitions registered; missing: check_prefix_check_api_token_status,`,
    );
    expect(out).toContain("(run: commonroom-worker register)");
  });

  it("an unreachable Conductor or Common Room is named by URL and cause, and exits 1", async () => {
    const closed = await freePort();
    const { code, out } = await run(["check"], {
      CONDUCTOR_SERVER_URL: `http://127.0.0.1:${closed}/api`,
      COMMON_ROOM_API_URL: `http://127.0.0.1:${closed}/community/v1`,
      COMMON_ROOM_API_TOKEN: TOKEN,
    });
    expect(code, out).toBe(1);
    expect(out).toContain(`(http://127.0.0.1:${closed}/community/v1)`);
    expect(out).toContain(
      `Conductor: GET http://127.0.0.1:${closed}/api/metadata/taskdefs failed: fetch failed: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
  });

  it("warns of a misspelt variable, naming the one meant", async () => {
    const { code, out } = await run(["check"], {
      COMMON_ROOM_API_URL: commonRoomUrl,
      COMMON_ROOM_API_TOKEN: TOKEN,
      COMMON_ROOM_TIMEOUT_MSS: "5000",
    });
    expect(code, out).toBe(0);
    expect(out).toContain(
      "warning: COMMON_ROOM_TIMEOUT_MSS: unknown; did you mean COMMON_ROOM_TIMEOUT_MS?",
    );
  });

  it("sees a bad SDK worker override, as start would", async () => {
    const { code, out } = await run(["check"], {
      COMMON_ROOM_API_URL: commonRoomUrl,
      COMMON_ROOM_API_TOKEN: TOKEN,
      CONDUCTOR_WORKER_ALL_POLL_INTERVAL: "-5",
    });
    expect(code).toBe(2);
    expect(out).toContain("CONDUCTOR_WORKER_ALL_POLL_INTERVAL: must be a whole number");
  });
});

describe("commonroom-worker register, Conductor unreachable", () => {
  it("names the server and the cause", async () => {
    const closed = await freePort();
    const url = `http://127.0.0.1:${closed}/api`;
    const { code, out } = await run(["register"], { CONDUCTOR_SERVER_URL: url });
    expect(code).toBe(1);
    expect(out).toContain(`registering at CONDUCTOR_SERVER_URL=${url}: `);
    expect(out).toContain(`connect ECONNREFUSED 127.0.0.1:${closed}`);
  });
});

describe("commonroom-worker start", () => {
  it("warns of a misspelt variable at start, naming the one meant", async () => {
    const worker = runCli(["start"], {
      CONDUCTOR_SERVER_URL: `${conductor.url}/api`,
      COMMON_ROOM_API_URL: commonRoomUrl,
      COMMON_ROOM_API_TOKEN: TOKEN,
      COMMON_ROOM_API_TOKN: TOKEN,
      WORKER_HTTP_PORT: "0",
    });
    try {
      await worker.waitForOutput(
        "COMMON_ROOM_API_TOKN: unknown; did you mean COMMON_ROOM_API_TOKEN?",
      );
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    expect(worker.output.join("")).not.toContain(`"${TOKEN}`);
  });
});

describe("commonroom-worker operations", () => {
  it("exits 2 on a task prefix start would refuse, naming the variable", async () => {
    const { code, out } = await run(["operations"], { COMMON_ROOM_TASK_PREFIX: "common room " });
    expect(code).toBe(2);
    expect(out).toContain("COMMON_ROOM_TASK_PREFIX");
  });
});
