/**
 * Child processes of the benchmark: spawning, readiness, CPU and RSS from /proc, and stopping.
 * Every child is tracked so a failed or interrupted run still stops all of them.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { sleep } from "./stats.js";

const live = new Set<ChildProcess>();

let clockTicks: number | undefined;
function clockTick(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process in seconds (its own, not its children's). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / clockTick();
}

/** VmRSS and VmHWM (peak) in MB. */
export function memoryMb(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Everything the child printed so far (kept short). */
  output(): string;
  exited: Promise<number>;
}

/** Starts `node <script> ...args`; its output goes to `logPath` and a short in-memory tail. */
export function startNode(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logPath: string,
): Child {
  const child = spawn(process.execPath, [script, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const log = createWriteStream(logPath, { flags: "a" });
  let tail = "";
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      log.end();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, process: child, pid: child.pid, output: () => tail, exited };
}

/** Runs a node script to completion and throws with its output when it fails. */
export async function runNode(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logPath: string,
  timeoutMs = 30_000,
): Promise<void> {
  const child = startNode(name, script, args, env, logPath);
  const timer = setTimeout(() => child.process.kill("SIGKILL"), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} exited with ${code}: ${child.output().slice(-800)}`);
}

/** Waits until `ready()` holds, failing early if the child exits. */
export async function waitFor(
  child: Child,
  ready: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | undefined;
  void child.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${child.name} exited with ${exitCode}: ${child.output().slice(-800)}`);
    }
    try {
      if (await ready()) return;
    } catch {
      // not yet
    }
    await sleep(50);
  }
  throw new Error(
    `${child.name} was not ready within ${timeoutMs} ms: ${child.output().slice(-800)}`,
  );
}

/** SIGTERM, then SIGKILL after `graceMs`. Returns the exit code. */
export async function stop(child: Child, graceMs = 10_000): Promise<number> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.exited;
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), graceMs);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}

/** Last resort on exit or interruption: kills whatever is still running, by pid. */
export function killAll(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}
