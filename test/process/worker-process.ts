import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** The worker as users run it: `node dist/src/cli.js <command>` in its own process. */

const CLI = join(import.meta.dirname, "..", "..", "dist", "src", "cli.js");

export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  /** Resolves when a line of output contains `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
}

export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string; nodeArgs?: string[] } = {},
): WorkerProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    // A clean environment: nothing of the developer's .env or shell leaks into the test.
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd: "/",
    stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  const output: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output.push(String(chunk));
    const all = output.join("");
    for (const waiter of [...waiters]) {
      if (all.includes(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return {
    child,
    output,
    exited,
    waitForOutput(text, timeoutMs = 15_000) {
      if (output.join("").includes(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no "${text}" in the worker's output within ${timeoutMs} ms:\n${output.join("")}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}
