/**
 * The floors of src/, bottom to top: commonroom (the API client) → operations → worker
 * (the runtime) → cli. A module may import its own floor or a lower one, never a higher
 * one; config.ts, logger.ts, secrets.ts, package-root.ts, near-miss.ts and json-file.ts are the shared ground floor every floor
 * may import, and they import no floor. Every upward import is reported with file and line.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../src");

/** Floor of each top-level file or folder of src/; a new one must be placed here on purpose. */
const FLOORS: Record<string, number> = {
  "config.ts": 0,
  "logger.ts": 0,
  "package-root.ts": 0,
  "secrets.ts": 0,
  "sleep.ts": 0,
  "backoff.ts": 0,
  "near-miss.ts": 0,
  "json-file.ts": 0,
  commonroom: 1,
  operations: 2,
  worker: 3,
  // The webhook listener runs beside the worker runtime and starts workflows through it.
  webhooks: 3,
  cli: 4,
  "cli.ts": 4,
  // The image's entrypoint and HEALTHCHECK: above the CLI they start.
  container: 5,
};

interface Import {
  from: string;
  line: number;
  to: string;
}

/** Every relative import (static, re-export, dynamic, type-only) of each .ts file, resolved. */
function importsOf(files: Map<string, string>): Import[] {
  const found: Import[] = [];
  for (const [file, text] of files) {
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      if (!ref.fileName.startsWith(".")) continue; // packages and node: builtins
      const target = path.posix
        .normalize(path.posix.join(path.posix.dirname(file), ref.fileName))
        .replace(/\.js$/, ".ts");
      found.push({ from: file, line: text.slice(0, ref.pos).split("\n").length, to: target });
    }
  }
  return found;
}

function floorOf(file: string): number {
  const floor = FLOORS[file.split("/")[0] ?? ""];
  if (floor === undefined) throw new Error(`src/${file} is on no floor: add it to FLOORS`);
  return floor;
}

/** "file:line imports target (floor a → floor b)" for each import that runs upward. */
function upwardImports(files: Map<string, string>): { where: string }[] {
  return importsOf(files)
    .filter((i) => floorOf(i.to) > floorOf(i.from))
    .map((i) => ({
      where: `src/${i.from}:${i.line} imports src/${i.to} (floor ${floorOf(i.from)} → ${floorOf(i.to)})`,
    }));
}

function readSrc(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(SRC, { recursive: true, encoding: "utf8" })) {
    if (entry.endsWith(".ts")) {
      files.set(entry.split(path.sep).join("/"), readFileSync(path.join(SRC, entry), "utf8"));
    }
  }
  return files;
}

describe("the floors of src/", () => {
  const upward = upwardImports(readSrc());

  it("no module imports a higher floor", () => {
    expect(upward.map((u) => u.where)).toEqual([]);
  });

  it("every file of src/ sits on a floor", () => {
    for (const file of readSrc().keys()) expect(() => floorOf(file), file).not.toThrow();
  });

  it("the check finds upward imports of every form, with file and line", () => {
    const sample = new Map([
      ["config.ts", 'import { a } from "./commonroom/client.js";\n'],
      [
        "operations/x.ts",
        [
          'import type { T } from "../worker/results.js";',
          'export { b } from "../cli.js";',
          "const c = await import('../worker/runtime.js');",
          'import { d } from "../commonroom/client.js";',
          'import { e } from "./y.js";',
          'import { z } from "zod";',
        ].join("\n"),
      ],
    ]);
    expect(upwardImports(sample).map((u) => u.where)).toEqual([
      "src/config.ts:1 imports src/commonroom/client.ts (floor 0 → 1)",
      "src/operations/x.ts:1 imports src/worker/results.ts (floor 2 → 3)",
      "src/operations/x.ts:2 imports src/cli.ts (floor 2 → 4)",
      "src/operations/x.ts:3 imports src/worker/runtime.ts (floor 2 → 3)",
    ]);
  });
});
