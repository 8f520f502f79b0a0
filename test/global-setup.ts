import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * The process tests run the worker as users do (`node dist/src/cli.js`), so `npm test`
 * compiles it first; on a fresh clone nothing else is needed.
 */
export default function setup(): void {
  const root = join(import.meta.dirname, "..");
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
}
