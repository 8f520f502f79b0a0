/**
 * The worker as built from a git ref ("today's pacer" in figure 7): the tree at that commit,
 * unpacked by `git archive` into a folder under the system's temp dir (no worktree is
 * registered), its dependencies linked from this checkout when the lockfiles are the same
 * (else `npm ci`), then `npm run build`. Kept per commit, so later runs reuse the build.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";

export interface WorkerBuild {
  /** The full commit the build is from. */
  commit: string;
  /** Its `dist/src/cli.js`. */
  cli: string;
}

const BUILD_TIMEOUT_MS = 10 * 60_000;

function git(args: string[], root: string): string {
  return execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function commitOf(ref: string, root: string): string {
  try {
    return git(["rev-parse", "--verify", "--end-of-options", `${ref}^{commit}`], root).trim();
  } catch {
    throw new Error(
      `--baseline-ref ${ref}: not a commit of ${root} (a shallow clone may lack it: git fetch --unshallow)`,
    );
  }
}

export function buildWorkerAt(ref: string, log: (line: string) => void): WorkerBuild {
  const root = packageRoot();
  const commit = commitOf(ref, root);
  const dir = join(tmpdir(), "commonroom-bench-worker", commit);
  const cli = join(dir, "dist", "src", "cli.js");
  const done = join(dir, ".built");
  if (existsSync(done) && existsSync(cli)) {
    log(`worker at ${ref} (${commit.slice(0, 12)}): reusing the build in ${dir}`);
    return { commit, cli };
  }
  log(`worker at ${ref} (${commit.slice(0, 12)}): building in ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = `${dir}.tar`;
  git(["archive", "--format=tar", `--output=${tar}`, commit], root);
  execFileSync("tar", ["-xf", tar, "-C", dir]);
  rmSync(tar, { force: true });
  const sameLock =
    readFileSync(join(dir, "package-lock.json"), "utf8") ===
    readFileSync(join(root, "package-lock.json"), "utf8");
  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: BUILD_TIMEOUT_MS,
    });
  if (sameLock && existsSync(join(root, "node_modules"))) {
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  } else {
    log(`worker at ${ref}: its lockfile differs from this checkout's, so npm ci`);
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  }
  run("npm", ["run", "build", "--silent"]);
  if (!existsSync(cli)) throw new Error(`worker at ${ref}: the build made no ${cli}`);
  writeFileSync(done, `${commit}\n`);
  return { commit, cli };
}

/** This checkout's commit, marked when the work tree has changes beside it. */
export function checkoutCommit(): string {
  const root = packageRoot();
  try {
    const commit = git(["rev-parse", "--short=12", "HEAD"], root).trim();
    const dirty = git(["status", "--porcelain", "--untracked-files=no"], root).trim() !== "";
    return dirty ? `${commit} + uncommitted changes` : commit;
  } catch {
    return "unknown (not a git checkout)";
  }
}
