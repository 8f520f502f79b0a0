import { spawn } from "node:child_process";
import { join } from "node:path";

/** Runs the built sandbox (`node dist/dev/sandbox.js ...args`) to its end, in a clean env. */
export async function runSandbox(
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const root = join(import.meta.dirname, "..", "..");
  const child = spawn(process.execPath, [join(root, "dist", "dev", "sandbox.js"), ...args], {
    env: { PATH: process.env.PATH ?? "" },
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}
