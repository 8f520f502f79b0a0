/**
 * The parts of README.md and docs/ that the code is the source of (the operations at a
 * glance and their reference, the metrics table) are what `npm run docs` writes today.
 */
import { describe, expect, it } from "vitest";
import { CONNECTED_APP_OPERATIONS, GLANCE_BEYOND } from "../../dev/docs/operations-reference.js";
import { registeredMetrics } from "../../dev/docs/metrics-table.js";
import {
  currentBlock,
  GENERATED_BLOCKS,
  generatedFiles,
  regenerated,
} from "../../dev/docs/blocks.js";
import { operations, taskTypeOf } from "../../src/operations/index.js";
import { readPage, ROOT } from "./markdown.js";

describe.each(generatedFiles())("%s", (file) => {
  it("holds its generated parts as the code gives them today (else: npm run docs)", async () => {
    const stale = (await regenerated(ROOT, file)) !== readPage(file);
    expect(stale, `${file} is stale: run npm run docs and commit the result`).toBe(false);
  });
});

describe("the generated parts", () => {
  it("each have their markers", () => {
    for (const block of GENERATED_BLOCKS) {
      expect(
        currentBlock(readPage(block.file), block.name),
        `${block.file}: ${block.name}`,
      ).toBeDefined();
    }
  });

  it("name every operation, in order, with its task type, in the README and the reference", () => {
    const glance = currentBlock(readPage("README.md"), "operations-at-a-glance") ?? "";
    const reference = currentBlock(readPage("docs/operations.md"), "operations-reference") ?? "";
    const rows = glance.split("\n").filter((line) => line.startsWith("| ["));
    expect(rows.map((row) => /\[([^\]]+)\]/.exec(row)?.[1])).toEqual(
      operations.map((op) => op.name),
    );
    for (const op of operations) {
      expect(glance).toContain(`\`${taskTypeOf(op, "common_room_")}\``);
      expect(reference).toContain(`### ${op.name}\n`);
    }
    const connected = glance
      .split(GLANCE_BEYOND)[0]!
      .split("\n")
      .filter((l) => l.startsWith("| ["));
    expect(connected).toHaveLength(CONNECTED_APP_OPERATIONS);
  });

  it("name every input field of each operation in its reference entry", () => {
    const reference = currentBlock(readPage("docs/operations.md"), "operations-reference") ?? "";
    for (const [index, op] of operations.entries()) {
      const next = operations[index + 1];
      const entry =
        reference.split(`### ${op.name}\n`)[1]?.split(next ? `### ${next.name}\n` : "\0")[0] ?? "";
      for (const field of Object.keys(op.input.shape))
        expect(entry, op.name).toContain(`| \`${field}\``);
    }
  });

  it("list every metric the worker registers in the metrics table", () => {
    const table = currentBlock(readPage("docs/observability.md"), "metrics") ?? "";
    const names = registeredMetrics().map((metric) => metric.name);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(table).toContain(`| \`${name}\``);
  });
});
