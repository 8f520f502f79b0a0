/** The three contestants, each started as its own OS process against one environment. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI } from "./environment.js";
import { freePort } from "../free-port.js";
import { startNode, waitFor, type Child } from "./processes.js";

const here = fileURLToPath(new URL(".", import.meta.url));

export type ContestantKind = "ours" | "sdk-noop" | "sdk-fetch";

export const LABELS: Record<ContestantKind, string> = {
  ours: "ours",
  "sdk-noop": "baseline (a) SDK no-op",
  "sdk-fetch": "baseline (b) SDK + fetch",
};

/** Starts a contestant and resolves once it is polling. */
export async function startContestant(
  kind: ContestantKind,
  env: NodeJS.ProcessEnv,
  logDir: string,
  tag: string = kind,
): Promise<Child> {
  const logPath = join(logDir, `${tag}.log`);
  if (kind === "ours") return startWorkerCli(CLI, env, logDir, tag);
  const script = join(here, kind === "sdk-noop" ? "baseline-sdk-noop.js" : "baseline-sdk-fetch.js");
  const child = startNode(tag, script, [], env, logPath);
  await waitFor(child, () => child.output().includes("READY"));
  return child;
}

/**
 * Starts a build of our worker (this checkout's, or one built from another commit) exactly
 * as users run it: `node <build>/dist/src/cli.js start`, defaults, quiet logs; resolves
 * once its /readyz answers.
 */
export async function startWorkerCli(
  cli: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  tag: string,
  readyTimeoutMs?: number,
): Promise<Child> {
  const port = await freePort();
  const child = startNode(
    tag,
    cli,
    ["start"],
    { ...env, WORKER_HTTP_PORT: String(port) },
    join(logDir, `${tag}.log`),
  );
  await waitFor(
    child,
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
    readyTimeoutMs,
  );
  return child;
}
