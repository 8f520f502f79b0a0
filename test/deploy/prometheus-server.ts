/** Debian's prometheus on a loopback port, scraping given targets every second. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../dev/free-port.js";
import { until } from "../support/until.js";

export interface PrometheusServer {
  url: string;
  /** An instant query's result: each series' labels and value. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Raw samples of a range selector, e.g. `name[2m]`. */
  samples(
    selector: string,
  ): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  api<T>(path: string): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(options: {
  job: string;
  targets: string[];
  ruleFiles: string[];
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), "commonroom-prometheus-"));
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    JSON.stringify({
      global: { scrape_interval: "1s", scrape_timeout: "900ms", evaluation_interval: "1s" },
      rule_files: options.ruleFiles,
      scrape_configs: [{ job_name: options.job, static_configs: [{ targets: options.targets }] }],
    }),
  );
  const port = await freePort();
  const child = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=1h",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const late = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(late);
  };
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  const query = async (expr: string) =>
    (
      await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      )
    ).result;
  const samples = async (selector: string) =>
    (
      await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(selector)}`,
      )
    ).result;
  try {
    await until(
      async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true,
      20_000,
      "prometheus to be ready",
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, query, samples, api, output: () => output, stop };
}
