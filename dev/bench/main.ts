/**
 * `npm run bench`: the worker against the SDK baselines, on loopback only. Prints a table and
 * writes BENCHMARKS.md at the repository root. `--quick` is a smoke run of about a minute;
 * `--only idle,pickup,...` runs some figures (e.g. `--only pacing`); `--out <path>` writes
 * the report elsewhere; `--conductor dev,oss-redis,oss-sqlite` picks the Conductor servers
 * (one section each). Figure 7 (pacing) can be cut down: `--windows aligned,sliding`,
 * `--replicas 1,4`, `--seconds 10`, `--contestants ours,previous,sdk,off`,
 * `--baseline-ref REF` (today's pacer, built from that commit) and `--generous off`.
 * The soak runs only when asked (`--only soak`, with `--tasks N`, default 100,000).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../../src/package-root.js";
import { machineInfo } from "./machine.js";
import { pacingOptions, type PacingOptions } from "./pacing-options.js";
import { killAll } from "./processes.js";
import { isConductorChoice } from "../conductor-choice.js";
import { benchConductorLabel, closeConductor, useConductor } from "./conductor.js";
import { printTable, writeMarkdown, type ServerSection } from "./report.js";
import type { Context, FigureResult } from "./scenario.js";
import { idleScenario } from "./scenarios/idle.js";
import { pacingScenario } from "./scenarios/pacing.js";
import { pickupScenario } from "./scenarios/pickup.js";
import { rateLimitScenario } from "./scenarios/rate-limit.js";
import { scaleOutScenario } from "./scenarios/scale-out.js";
import { soakScenario } from "./scenarios/soak.js";
import { throughputScenario } from "./scenarios/throughput.js";

const SCENARIOS: Record<string, (ctx: Context) => Promise<FigureResult>> = {
  idle: idleScenario,
  pickup: pickupScenario,
  throughput: throughputScenario,
  "rate-limit": rateLimitScenario,
  "scale-out": scaleOutScenario,
  pacing: pacingScenario,
  soak: soakScenario,
};
/** What a bare `npm run bench` runs: everything but the soak, which takes an hour or more. */
const DEFAULT_SCENARIOS = Object.keys(SCENARIOS).filter((name) => name !== "soak");

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string" },
      conductor: { type: "string", default: "dev" },
      tasks: { type: "string" },
      windows: { type: "string" },
      replicas: { type: "string" },
      seconds: { type: "string" },
      contestants: { type: "string" },
      "baseline-ref": { type: "string" },
      generous: { type: "string" },
    },
  });
  const tasks = values.tasks === undefined ? undefined : Number(values.tasks);
  if (tasks !== undefined && !(Number.isInteger(tasks) && tasks > 0)) {
    console.error(`--tasks takes a whole number above 0; not "${values.tasks}"`);
    return 2;
  }
  const servers = (values.conductor ?? "dev").split(",").map((s) => s.trim());
  const badServer = servers.find((name) => !isConductorChoice(name));
  if (badServer !== undefined) {
    console.error(`--conductor takes dev, oss-redis, oss-sqlite (or oss); not "${badServer}"`);
    return 2;
  }
  const quick = values.quick ?? false;
  const names = values.only ? values.only.split(",").map((s) => s.trim()) : DEFAULT_SCENARIOS;
  const unknown = names.filter((n) => !SCENARIOS[n]);
  if (unknown.length) {
    console.error(
      `unknown scenario(s): ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`,
    );
    return 2;
  }
  let pacing: PacingOptions;
  try {
    pacing = pacingOptions(values, quick);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const logDir = mkdtempSync(join(tmpdir(), "commonroom-bench-"));
  const began = Date.now();
  const ctx: Context = {
    quick,
    tasks,
    logDir,
    progress: (message) =>
      console.log(`[${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`),
    pacing,
  };
  console.log(`Benchmark (${quick ? "quick" : "full"}); child process logs in ${logDir}`);
  const out = values.out ?? join(packageRoot(), "BENCHMARKS.md");
  const args = [
    quick && "--quick",
    values.only && `--only ${values.only}`,
    values.tasks && `--tasks ${values.tasks}`,
    values.conductor !== "dev" && `--conductor ${values.conductor}`,
    ...(["windows", "replicas", "seconds", "contestants", "baseline-ref", "generous"] as const).map(
      (name) => values[name] !== undefined && `--${name} ${values[name]}`,
    ),
  ]
    .filter(Boolean)
    .join(" ");
  const sections: ServerSection[] = [];
  // Written after each server, so a later server's failure keeps the figures already taken.
  const write = () =>
    writeMarkdown(out, sections, {
      machine: machineInfo(),
      quick,
      seconds: (Date.now() - began) / 1000,
      command: `npm run bench${args ? ` -- ${args}` : ""}`,
    });
  for (const server of servers) {
    if (!isConductorChoice(server)) continue;
    await useConductor(server, ctx.progress);
    try {
      ctx.progress(`measuring on ${benchConductorLabel()}`);
      const figures: FigureResult[] = [];
      for (const name of names) figures.push(await SCENARIOS[name]!(ctx));
      sections.push({ server: benchConductorLabel(), figures });
      write();
    } finally {
      await closeConductor();
    }
  }
  const seconds = (Date.now() - began) / 1000;
  for (const section of sections) printTable(section);
  console.log(`\nWrote ${out} (${seconds.toFixed(0)} s)`);
  return 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: unknown) => {
    killAll();
    console.error(
      "Benchmark failed:",
      error instanceof Error ? (error.stack ?? error.message) : error,
    );
    process.exit(1);
  },
);
