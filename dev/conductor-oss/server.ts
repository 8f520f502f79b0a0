/**
 * Runs the genuine Conductor OSS server jar on a free loopback port with a throwaway store,
 * for the tests, the sandbox and the benchmark alike. Two flavours:
 * - `sqlite`: the jar's default store, a database file in a temporary folder;
 * - `redis`: the local Redis server (127.0.0.1:6379) with key prefixes of this run's own,
 *   as most production clusters run, and the only store that enforces TaskDef rate limits.
 * `restart()` stops the JVM and starts it again on the same port and store, so a Redis
 * server comes back with its state (a SQLite one too, from its file).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../free-port.js";
import { ensureConductorJar, type ConductorJar } from "./jar.js";

export type OssFlavour = "sqlite" | "redis";

export interface OssConductorOptions {
  flavour: OssFlavour;
  /** Fixed port; a free one when left out. */
  port?: number;
  /** Progress lines (fetching the jar, starting, up after N s). */
  log?: (line: string) => void;
  /** How long to wait for /health: 15-25 s on two quiet cores, minutes on busy ones. */
  startTimeoutMs?: number;
  redis?: { host: string; port: number };
}

export interface OssConductor {
  flavour: OssFlavour;
  version: string;
  /** "Conductor OSS 3.32.3 (redis)": what test output and reports name. */
  label: string;
  /** http://127.0.0.1:<port>, without /api. */
  url: string;
  port: number;
  /** The server's own log file (stdout and stderr). */
  logPath: string;
  /** Stops the JVM and starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops the JVM without starting it again (for tests of the worker starting first). */
  stop(): Promise<void>;
  /** Starts a stopped server again. */
  start(): Promise<void>;
  /** Stops the server and removes its store (files, or this run's Redis keys). */
  close(): Promise<void>;
}

const REDIS_DEFAULT = { host: "127.0.0.1", port: 6379 };

/** JVMs still running: killed when this process exits, however it exits, so none is orphaned. */
const liveJvms = new Set<ChildProcess>();
process.once("exit", () => {
  for (const jvm of liveJvms) jvm.kill("SIGKILL");
});

function flavourProperties(
  flavour: OssFlavour,
  dir: string,
  prefix: string,
  redis: { host: string; port: number },
): string[] {
  if (flavour === "sqlite") {
    return [
      `--spring.datasource.url=jdbc:sqlite:${dir}/conductor.db?busy_timeout=15000&journal_mode=WAL`,
    ];
  }
  // Modelled on the repository's docker/server/config/config-redis.properties.
  return [
    "--conductor.db.type=redis_standalone",
    "--conductor.queue.type=redis_standalone",
    `--conductor.redis.hosts=${redis.host}:${redis.port}:us-east-1c`,
    `--conductor.redis-lock.serverAddress=redis://${redis.host}:${redis.port}`,
    `--conductor.redis.workflowNamespacePrefix=${prefix}`,
    `--conductor.redis.queueNamespacePrefix=${prefix}q`,
    // No Elasticsearch here. Note: with indexing off, task logs are not kept on Redis.
    "--conductor.indexing.enabled=false",
  ];
}

/** Deletes this run's keys with redis-cli where it exists; Redis keeps nothing on disk anyway. */
function dropRedisKeys(prefix: string, redis: { host: string; port: number }): void {
  const base = ["-h", redis.host, "-p", String(redis.port)];
  const scan = spawnSync("redis-cli", [...base, "--scan", "--pattern", `${prefix}*`], {
    encoding: "utf8",
  });
  if (scan.status !== 0) return;
  const keys = scan.stdout.split("\n").filter(Boolean);
  for (let i = 0; i < keys.length; i += 500) {
    spawnSync("redis-cli", [...base, "del", ...keys.slice(i, i + 500)], { stdio: "ignore" });
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

function lastLines(path: string, count: number): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-count).join("\n");
  } catch {
    return "";
  }
}

export async function startOssConductor(options: OssConductorOptions): Promise<OssConductor> {
  const log = options.log ?? (() => {});
  const jar: ConductorJar = ensureConductorJar(log);
  const flavour = options.flavour;
  const redis = options.redis ?? REDIS_DEFAULT;
  const dir = mkdtempSync(join(tmpdir(), `conductor-oss-${flavour}-`));
  const prefix = `crw${process.pid}x${Date.now().toString(36)}`;
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logPath = join(dir, "server.log");
  const label = `Conductor OSS ${jar.version} (${flavour})`;
  const args = [
    `-Djava.io.tmpdir=${dir}`,
    // Two cores shared with the tests: a small heap and few GC threads are plenty.
    "-Xmx768m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-jar",
    jar.jarPath,
    `--server.port=${port}`,
    "--server.address=127.0.0.1",
    "--conductor.integrations.ai.enabled=false",
    ...flavourProperties(flavour, dir, prefix, redis),
  ];

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    const began = Date.now();
    log(`Starting ${label} on ${url} (java ${jar.javaMajor}; log ${logPath})`);
    const out = createWriteStream(logPath, { flags: "a" });
    const proc = spawn(jar.javaPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout.pipe(out);
    proc.stderr.pipe(out);
    child = proc;
    liveJvms.add(proc);
    let gone = false;
    exited = new Promise((resolve) =>
      proc.once("exit", () => {
        gone = true;
        liveJvms.delete(proc);
        resolve();
      }),
    );
    const deadline = began + (options.startTimeoutMs ?? 240_000);
    while (!(await healthy(url))) {
      if (gone) throw new Error(`${label} exited while starting:\n${lastLines(logPath, 30)}`);
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`${label} did not answer /health in time:\n${lastLines(logPath, 30)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    log(`${label} up after ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
    child = undefined;
  }

  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    flavour,
    version: jar.version,
    label,
    url,
    port,
    logPath,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      if (flavour === "redis") dropRedisKeys(prefix, redis);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
