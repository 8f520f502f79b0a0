import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pacingOptions } from "../../../dev/bench/pacing-options.js";
import { writeMarkdown } from "../../../dev/bench/report.js";
import { buildWorkerAt } from "../../../dev/bench/worker-at-ref.js";

describe("the pacing figure's options", () => {
  it("default to the full figure: every window, 1 to 16 replicas, 30 s, ours beside both baselines", () => {
    expect(pacingOptions({}, false)).toEqual({
      windows: ["aligned", "first-request", "sliding"],
      replicas: [1, 2, 4, 8, 16],
      seconds: 30,
      baselineRef: "e192c6f",
      contestants: ["ours", "previous", "sdk"],
      generous: true,
    });
    expect(pacingOptions({}, true)).toMatchObject({ replicas: [2], seconds: 8 });
  });

  it("cut the run down", () => {
    expect(
      pacingOptions(
        {
          windows: "sliding, aligned",
          replicas: "4,1,4",
          seconds: "10",
          contestants: "ours,off",
          "baseline-ref": "main~3",
          generous: "off",
        },
        false,
      ),
    ).toEqual({
      windows: ["sliding", "aligned"],
      replicas: [1, 4],
      seconds: 10,
      baselineRef: "main~3",
      contestants: ["ours", "off"],
      generous: false,
    });
  });

  it.each([
    [
      { windows: "aligned,rolling" },
      /--windows: "rolling" is not one of aligned, first-request, sliding/,
    ],
    [{ windows: " , " }, /--windows needs at least one value/],
    [{ replicas: "1,two" }, /--replicas: "two" is not a whole number from 1 to 64/],
    [{ replicas: "0" }, /--replicas: "0"/],
    [{ seconds: "1" }, /--seconds: "1" is not a number of seconds from 2 to 600/],
    [{ seconds: "soon" }, /--seconds: "soon"/],
    [{ contestants: "ours,mine" }, /--contestants: "mine" is not one of ours, previous, sdk, off/],
    [{ "baseline-ref": "--all" }, /--baseline-ref: "--all" is not a git ref/],
    [{ generous: "yes" }, /--generous: "yes" is not one of on, off/],
  ])("refuse %o, naming the option", (args, message) => {
    expect(() => pacingOptions(args, false)).toThrow(message);
  });
});

describe("the report", () => {
  it("writes a figure's own tables after its rows", () => {
    const path = join(mkdtempSync(join(tmpdir(), "bench-report-")), "BENCHMARKS.md");
    writeMarkdown(
      path,
      [
        {
          server: "dev/conductor",
          figures: [
            {
              id: "pacing",
              title: "7. Pacing",
              rows: [],
              tables: [
                {
                  title: "Window: sliding",
                  columns: ["replicas", "worker", "429s / requests"],
                  rows: [["1", "ours", "2 / 700 | 0.29 %"]],
                },
              ],
              targets: [{ name: "sliding, 1 replica", met: false, detail: "0.29 %" }],
              notes: ["a note"],
            },
          ],
        },
      ],
      {
        machine: {
          date: "2026-12-04",
          cpuModel: "cpu",
          cores: 2,
          memoryGiB: 24,
          node: "v20",
          platform: "linux x64",
        },
        quick: false,
        seconds: 1,
        command: "npm run bench -- --only pacing",
      },
    );
    const text = readFileSync(path, "utf8");
    expect(text).toContain("| sliding, 1 replica | **missed** | 0.29 % |");
    expect(text).toContain(
      [
        "#### Window: sliding",
        "",
        "| replicas | worker | 429s / requests |",
        "|---|---|---|",
        "| 1 | ours | 2 / 700 \\| 0.29 % |",
        "",
        "- a note",
      ].join("\n"),
    );
    // No empty rows table when the figure has only tables.
    expect(text).not.toContain("| metric | ours |");
  });
});

describe("today's pacer, built from a git ref", () => {
  it("refuses a ref that names no commit, before building anything", () => {
    const lines: string[] = [];
    expect(() => buildWorkerAt("no-such-ref-for-the-bench", (line) => lines.push(line))).toThrow(
      /--baseline-ref no-such-ref-for-the-bench: not a commit of /,
    );
    expect(lines).toEqual([]);
  });
});
