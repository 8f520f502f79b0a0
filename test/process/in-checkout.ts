/** Commands run in the checkout (`npm start`, `npm run ...`), as an operator types them. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Cleanups } from "../support/cleanups.js";

export const CHECKOUT = join(import.meta.dirname, "..", "..");

/** Runs `command` in the checkout with only PATH and HOME of the shell; stopped after the test. */
export function startInCheckout(
  cleanup: Cleanups,
  command: string,
  args: string[],
  env: Record<string, string> = {},
) {
  const child = spawn(command, args, {
    cwd: CHECKOUT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      npm_config_update_notifier: "false",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  cleanup(async () => {
    if (child.exitCode !== null) return;
    // SIGTERM first: a sandbox stops the worker it started in a process group of its own.
    child.kill("SIGTERM");
    const late = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(late);
  });
  return { child, exited, output: () => output };
}
