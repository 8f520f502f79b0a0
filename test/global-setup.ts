import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The process tests run the worker as users do (`node dist/src/cli.js`), so `npm test`
 * compiles it first; on a fresh clone nothing else is needed. The build is skipped when
 * nothing it reads changed since the last one (a stamp file in dist/), which saves ten
 * seconds of tsc on most runs and lets every vitest project call this safely.
 */
const INPUTS = ["src", "dev", "tsconfig.json", "tsconfig.build.json", "package-lock.json"];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

export default function setup(): void {
  const root = join(import.meta.dirname, "..");
  const stamp = join(root, "dist", ".build-stamp");
  const inputsChanged = Math.max(...INPUTS.map((input) => newestChange(join(root, input))));
  if (existsSync(stamp) && statSync(stamp).mtimeMs > inputsChanged) return;
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    { cwd: root, stdio: "inherit" },
  );
  writeFileSync(stamp, new Date().toISOString());
}
