import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { operations, taskTypeOf } from "../../src/operations/index.js";
import { packageRoot } from "../../src/package-root.js";
import { cleanupAfterAll } from "../support/cleanups.js";
import { startStage, type Stage } from "./stage.js";
import { runCli } from "./worker-process.js";

/** What every command answers before it does any work: --help, --version, usage errors. */

const cleanup = cleanupAfterAll();
let stack: Stage;
beforeAll(async () => {
  stack = await startStage(cleanup, { token: "cli-basics-token-77" });
});

async function run(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const cli = runCli(args, env, { stdin });
  const code = await cli.exited;
  return { code, out: cli.output.join("") };
}

const workerEnv = () => ({ ...stack.env, WORKER_HTTP_PORT: "0" });

describe("--help and --version", () => {
  it("every command answers --help with its usage and exit 0, and does nothing else", async () => {
    for (const command of ["start", "register", "call", "check", "operations"]) {
      for (const flag of ["--help", "-h"]) {
        const { code, out } = await run([command, flag], workerEnv());
        expect(code, out).toBe(0);
        expect(out).toContain(`Usage: commonroom-worker ${command}`);
      }
    }
    // Neither polled nor registered anything.
    expect(stack.conductor.requests).toEqual([]);
    expect(await stack.conductor.getTaskDef("common_room_get_tag")).toBeUndefined();
  });

  it("--help alone lists the commands; no command at all is a usage error", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["start", "register", "call", "check", "operations"])
      expect(help.out).toMatch(new RegExp(`^  ${command} `, "m"));
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.out).toContain("Usage: commonroom-worker <command>");
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
      version: string;
    };
    for (const args of [["--version"], ["-V"], ["call", "--version"]]) {
      const { code, out } = await run(args);
      expect(code).toBe(0);
      expect(out.trim()).toBe(version);
    }
  });
});

describe("usage errors exit 2 with the usage", () => {
  it.each([
    [["frobnicate"], 'unknown command "frobnicate"', "Usage: commonroom-worker <command>"],
    [["call"], "call: missing an argument", "Usage: commonroom-worker call"],
    [["call", "get_tag", "--bogus"], "Unknown option '--bogus'", "Usage: commonroom-worker call"],
    [["call", "get_tag", "--input"], "argument missing", "Usage: commonroom-worker call"],
    [["start", "now"], 'unexpected argument "now"', "Usage: commonroom-worker start"],
    [["operations", "--jsn"], "Unknown option '--jsn'", "Usage: commonroom-worker operations"],
    // A near miss names what was meant.
    [["cal"], 'unknown command "cal"; did you mean call?', "Usage: commonroom-worker <command>"],
    [
      ["call", "get_tag", "--inptu", "{}"],
      "Unknown option '--inptu'; did you mean --input?",
      "Usage: commonroom-worker call",
    ],
    [
      ["operations", "--jsno"],
      "Unknown option '--jsno'; did you mean --json?",
      "Usage: commonroom-worker operations",
    ],
    [
      ["call", "get_tags"],
      'unknown operation "get_tags"; did you mean get_tag?',
      "Usage: commonroom-worker call",
    ],
  ])("%j", async (args, message, usage) => {
    const { code, out } = await run(args, workerEnv());
    expect(code, out).toBe(2);
    expect(out).toContain(message);
    expect(out).toContain(usage);
  });
});

describe("configuration errors exit 2 naming the variable", () => {
  it("a Destination Source ID that is not a number says what is expected", async () => {
    const { code, out } = await run(["call", "get_segments"], {
      ...workerEnv(),
      COMMON_ROOM_DESTINATION_SOURCE_ID: "abc",
    });
    expect(code).toBe(2);
    expect(out).toContain("COMMON_ROOM_DESTINATION_SOURCE_ID");
    expect(out).toContain("must be a positive integer");
  });

  it("a busy WORKER_HTTP_PORT is named, not a bare EADDRINUSE", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, out } = await run(["start"], {
        ...workerEnv(),
        WORKER_HTTP_PORT: String(port),
        WORKER_HTTP_HOST: "127.0.0.1",
      });
      expect(code, out).toBe(2);
      expect(out).toContain(`WORKER_HTTP_PORT: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe("call --input", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-input-"));

  it("@file reads a bulk input far larger than a command line takes (199 KB)", async () => {
    const users = Array.from({ length: 1000 }, (_, i) => ({
      id: `bulk-file-user-${i}`,
      email: `bulk.file.user.${i}@example.com`,
      fullName: `Bulk File User Number ${i} ${"x".repeat(90)}`,
    }));
    const path = join(dir, "users.json");
    writeFileSync(path, JSON.stringify({ users }));
    expect(readFileSync(path).length).toBeGreaterThan(190_000);
    const { code, out } = await run(
      ["call", "bulk_add_or_edit_users", "--input", `@${path}`],
      workerEnv(),
    );
    expect(code, out.slice(0, 500)).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ accepted: 1000, failed: 0 });
  }, 60_000);

  it("- reads standard input", async () => {
    const { code, out } = await run(
      ["call", "get_segment_statuses", "--input", "-"],
      workerEnv(),
      '{"segmentId": 201}',
    );
    expect(code, out).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ segmentId: 201 });
  });

  it("a missing file or bad JSON is a usage error naming where it came from", async () => {
    const missing = await run(["call", "get_tag", "--input", "@/no/such/file.json"], workerEnv());
    expect(missing.code).toBe(2);
    expect(missing.out).toContain("cannot read /no/such/file.json");
    const bad = await run(["call", "get_tag", "--input", "-"], workerEnv(), "{oops");
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("--input (standard input) is not JSON");
  });
});

describe("operations", () => {
  it("lists each operation's task type and input fields, with types and which are required", async () => {
    const { code, out } = await run(["operations"], { COMMON_ROOM_TASK_PREFIX: "cr_" });
    expect(code).toBe(0);
    for (const op of operations) expect(out).toContain(taskTypeOf(op, "cr_"));
    expect(out).toMatch(/cr_create_tag {2}Create Tag\n.*\n {2}input:\n/);
    expect(out).toMatch(
      /^ {4}entityTypes +"member" \| "activity" \| "company"\[\] {2}\(required\)$/m,
    );
    expect(out).toMatch(/^ {4}description +string$/m);
    expect(out).toMatch(/^ {4}tagId +string {2}\(required\)$/m);
  });

  it("--json gives the JSON Schema of each input and output, from the worker's own schemas", async () => {
    const { code, out } = await run(["operations", "--json"]);
    expect(code).toBe(0);
    const list = JSON.parse(out) as {
      task: string;
      taskType: string;
      input: { type: string; properties: Record<string, unknown>; required?: string[] };
      output: { type: string; properties: Record<string, unknown>; required?: string[] };
    }[];
    expect(list.map((o) => o.task)).toEqual(operations.map((o) => o.task));
    for (const op of list) {
      expect(op.input.type, op.task).toBe("object");
      expect(op.output.type, op.task).toBe("object");
      expect(Object.keys(op.output.properties).length, op.task).toBeGreaterThan(0);
    }
    const createTag = list.find((o) => o.task === "create_tag")!;
    expect(createTag.input.required).toEqual(["name", "entityTypes"]);
    expect(createTag.input.properties.entityTypes).toMatchObject({
      type: "array",
      minItems: 1,
      items: { enum: ["member", "activity", "company"] },
    });
    expect(createTag.output.required).toEqual(
      expect.arrayContaining(["id", "name", "entityTypes", "createdAt"]),
    );
  });
});
