/**
 * Figure 7: pacing per API token, on every kind of window. Common Room limits the token to
 * L requests per interval (real 429s past it), its window cut one of three ways (aligned to
 * the clock, starting with the first request, or sliding); 2L tasks/s are offered, a mix of
 * single writes, bulk tasks of 50 users and fetchAll lists, to 1 to 16 replicas of: our
 * worker (this checkout's build), today's pacer (the worker built at --baseline-ref) and the
 * hand-written SDK worker; one table per window kind, side by side. Then the policy's cost
 * with a limit far out of sight: tasks/s and CPU per task against pacing switched off.
 */
import type { RateWindow } from "../../commonroom/index.js";
import { benchConductorLabel } from "../conductor.js";
import {
  DEFAULT_BASELINE_REF,
  PACING_CONTESTANTS,
  type PacingContestant,
  type PacingOptions,
} from "../pacing-options.js";
import {
  fmt,
  type Context,
  type FigureResult,
  type Row,
  type Table,
  type Target,
} from "../scenario.js";
import { buildWorkerAt, checkoutCommit, type WorkerBuild } from "../worker-at-ref.js";
import { generousCheck } from "./pacing-generous.js";
import { BULK_ITEMS, L, LIST_PAGE, runMix, type MixResult } from "./pacing-mix.js";
import { LATENCY_MS } from "./throughput.js";

/** The issue's targets; 8 and 16 replicas are reported, with no failed task as their target. */
const TARGETS: Record<number, { share: number; limited: number }> = {
  1: { share: 0.95, limited: 0.005 },
  2: { share: 0.95, limited: 0.01 },
  4: { share: 0.9, limited: 0.02 },
};
const FULL_REPLICAS = [1, 2, 4, 8, 16];
const FULL_SECONDS = 30;

const WORKER_LABELS: Record<PacingContestant, string> = {
  ours: "ours",
  previous: "today's pacer",
  sdk: "SDK worker",
  off: "ours, pacing off",
};

const WINDOW_LABELS: Record<RateWindow, string> = {
  aligned: "fixed windows aligned to the clock",
  "first-request": "fixed windows starting with the token's first request",
  sliding: "a sliding log of the last interval",
};

const pct = (part: number, whole: number) => `${fmt((100 * part) / Math.max(1, whole), 2)} %`;
const plural = (n: number) => `${n} replica${n > 1 ? "s" : ""}`;

function targetText(replicas: number): string {
  const target = TARGETS[replicas];
  if (!target) return "no failed task (share and 429s reported)";
  return `≥ ${target.share} of L, ≤ ${target.limited * 100} % 429s, no failed task`;
}

function meets(replicas: number, r: MixResult): boolean {
  const target = TARGETS[replicas];
  const clean = r.failedTasks === 0 && r.failedItems === 0 && r.unfinished === 0;
  if (!target) return clean;
  const ratio = r.limited / Math.max(1, r.requests);
  return clean && r.share >= target.share && ratio <= target.limited;
}

const brief = (r: MixResult) =>
  `${fmt(r.share, 2)} of L, ${pct(r.limited, r.requests)} 429s, ${r.failedTasks} failed`;

/** The full figure is every window, 1 to 16 replicas, at least 30 s, ours beside both baselines. */
function isFullFigure(options: PacingOptions, quick: boolean): boolean {
  return (
    !quick &&
    options.seconds >= FULL_SECONDS &&
    options.windows.length === 3 &&
    FULL_REPLICAS.every((n) => options.replicas.includes(n)) &&
    (["ours", "previous", "sdk"] as const).every((c) => options.contestants.includes(c))
  );
}

export async function pacingScenario(ctx: Context): Promise<FigureResult> {
  const options = ctx.pacing;
  const durationMs = options.seconds * 1000;
  const contestants = PACING_CONTESTANTS.filter((c) => options.contestants.includes(c));
  let previous: WorkerBuild | undefined;
  if (contestants.includes("previous")) previous = buildWorkerAt(options.baselineRef, ctx.progress);

  const tables: Table[] = [];
  const targets: Target[] = [];
  for (const window of options.windows) {
    const table: Table = {
      title: `Window: ${window} (${WINDOW_LABELS[window]})`,
      columns: [
        "replicas",
        "worker",
        "achieved / L",
        "429s / requests",
        "failed task attempts (bulk items)",
        "completed / offered (unfinished)",
        "target",
        "met",
      ],
      rows: [],
    };
    for (const replicas of options.replicas) {
      const results: Partial<Record<PacingContestant, MixResult>> = {};
      for (const kind of contestants) {
        ctx.progress(
          `pacing: ${window} window, ${plural(replicas)} of ${kind}, ${2 * L} tasks/s for ${options.seconds} s, limit ${L}/s`,
        );
        const r = await runMix(
          { kind, replicas, window, durationMs, previousCli: previous?.cli },
          ctx,
        );
        ctx.progress(
          `  ${fmt(r.share, 2)} of L, ${r.limited} 429s of ${r.requests}, ${r.failedTasks} failed attempts (${r.failedItems} items), ${r.completed}/${r.offered} completed, ${fmt(r.seconds, 0)} s`,
        );
        results[kind] = r;
        table.rows.push([
          String(replicas),
          WORKER_LABELS[kind],
          fmt(r.share, 2),
          `${r.limited} / ${r.requests} (${pct(r.limited, r.requests)})`,
          `${r.failedTasks} (${r.failedItems})`,
          `${r.completed} / ${r.offered} (${r.unfinished})`,
          targetText(replicas),
          meets(replicas, r) ? "met" : "missed",
        ]);
      }
      const ours = results.ours;
      if (!ours) continue;
      const beside = (["previous", "sdk", "off"] as const)
        .filter((kind) => results[kind])
        .map((kind) => `${WORKER_LABELS[kind]}: ${brief(results[kind]!)}`);
      targets.push({
        name: `${window} window, ${plural(replicas)} sharing a token at ${L}/s: ${targetText(replicas)}`,
        met: meets(replicas, ours),
        detail: `${brief(ours)}${beside.length ? ` (${beside.join("; ")})` : ""}`,
      });
    }
    tables.push(table);
  }

  const rows: Row[] = [];
  if (options.generous) {
    const generous = await generousCheck(ctx);
    const speed = generous.on.perSecond / generous.off.perSecond;
    const cpu = generous.on.cpuMs / generous.off.cpuMs;
    rows.push(
      {
        metric: `generous limit: tasks/s (median of ${generous.rounds})`,
        ours: fmt(generous.on.perSecond, 1),
        baseline: fmt(generous.off.perSecond, 1),
        ratio: fmt(speed, 3),
      },
      {
        metric: "generous limit: worker CPU ms per task",
        ours: fmt(generous.on.cpuMs, 2),
        baseline: fmt(generous.off.cpuMs, 2),
        ratio: fmt(cpu, 3),
      },
    );
    targets.push({
      name: "with a generous limit, the policy costs under 5 %: tasks/s and CPU per task against pacing off",
      met: speed >= 0.95 && cpu <= 1.05,
      detail: `tasks/s ${fmt(speed * 100 - 100, 1)} %, CPU per task ${fmt(cpu * 100 - 100, 1)} % vs pacing off`,
    });
  }

  const full = isFullFigure(options, ctx.quick);
  return {
    id: "pacing",
    title: `7. Pacing per API token on each kind of window: limit L = ${L}/s per token, ${2 * L} tasks/s offered for ${options.seconds} s (writes, bulk of ${BULK_ITEMS}, fetchAll lists), Common Room latency ${LATENCY_MS} ms${full ? "" : " (cut-down run)"}`,
    baselineLabel: "pacing off",
    rows,
    tables,
    targets,
    notes: [
      ...(full
        ? []
        : [
            `**Cut-down run** (windows ${options.windows.join(", ")}; replicas ${options.replicas.join(", ")}; ${options.seconds} s; workers ${contestants.join(", ")}): a check that the figure runs, not the figure the issue asks for (every window, 1 to 16 replicas, at least ${FULL_SECONDS} s).`,
          ]),
      `Conductor server: ${benchConductorLabel()}. Common Room: the simulator in \`dev/commonroom\` behind its loopback HTTP server, in the benchmark process, so every replica shares the token's count.`,
      `Workers: **ours** = this checkout (${checkoutCommit()}), \`node dist/src/cli.js start\` with its defaults; **today's pacer** = the same worker built from ${previous ? `\`${options.baselineRef}\` (${previous.commit.slice(0, 12)})` : `\`--baseline-ref\` (default ${DEFAULT_BASELINE_REF}, main before the new policy)`}, started the same way; **SDK worker** = \`dev/bench/baseline-sdk-pacing.ts\` (TaskHandler + fetch, concurrency 10 per type, fails a task on any non-2xx); **ours, pacing off** = ours with COMMON_ROOM_PACING=off (it waits out each 429 as Common Room asks).`,
      "Window kinds (the simulator's `rateLimit.window`): **aligned**, a fixed window per token from one whole second of the clock to the next; **first-request**, a fixed window that starts with the token's first request after the previous window ended; **sliding**, a request is allowed while fewer than L of the token's requests were allowed in the last second, and a 429 names when the oldest of them leaves it. Common Room does not say which it uses.",
      `The mix: of every 400 tasks, 1 bulk task of ${BULK_ITEMS} users, 2 fetchAll lists of contacts (${LIST_PAGE} per page, 10 pages each) and 397 single writes: about ${fmt((2 * L * (397 + BULK_ITEMS + 20)) / 400, 0)} Common Room requests/s offered for a limit of ${L}/s, so a backlog builds during the offer and drains after it.`,
      "achieved / L = Common Room 2xx answers from the first offer to the last 2xx, per second, over L (no window kind allows more than L in an interval).",
      `Failed task attempts count every attempt that ended FAILED (Conductor retries them: 5 retries, 5 s apart, as \`register\` defines); failed bulk items are the items a completed bulk task reported as failed; unfinished = still running ${(durationMs * 2 + 30_000) / 1000} s after the offer began. A target is met with no failed attempt, no failed item and nothing unfinished.`,
      ...(options.generous
        ? [
            `Generous limit: ${ctx.quick ? 200 : 600} get_segments tasks in a burst, the simulator limited at 1,000,000/s (aligned window; headers on every answer, never a 429), one worker of ours with pacing on and off, alternated ${ctx.quick ? 1 : 3} time(s); medians.`,
          ]
        : []),
      "No TaskDef rate limit is registered in this figure: what keeps the replicas under the limit is the worker's own pacing alone.",
    ],
  };
}
