import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { operations, taskTypeOf } from "../../src/operations/index.js";
import { packageRoot } from "../../src/package-root.js";

/** The README's operation table cannot drift from the operations list. */
function readmeRows(): { name: string; taskType: string; inputs: string }[] {
  const readme = readFileSync(join(packageRoot(), "README.md"), "utf8");
  const table = readme
    .split("<!-- operations-table:start -->")[1]
    ?.split("<!-- operations-table:end -->")[0];
  if (!table) throw new Error("README.md has no operations table markers");
  return table
    .trim()
    .split("\n")
    .slice(2)
    .map((row) => row.split("|").map((cell) => cell.trim()))
    .map((cells) => ({
      name: cells[1]!,
      taskType: cells[2]!.replace(/`/g, ""),
      inputs: cells[3]!,
    }));
}

describe("README operation table", () => {
  it("lists every operation, in order, with its task type", () => {
    expect(readmeRows().map((r) => [r.name, r.taskType])).toEqual(
      operations.map((op) => [op.name, taskTypeOf(op, "common_room_")]),
    );
  });

  it("names every input field of each operation", () => {
    for (const [index, row] of readmeRows().entries()) {
      const fields = Object.keys(operations[index]!.input.shape);
      if (fields.length === 0) expect(row.inputs).toBe("none");
      // A field opens a code span: `name` or `users: [ApiUser]`.
      for (const field of fields)
        expect(row.inputs, row.name).toMatch(new RegExp(`\`${field}[\`:]`));
    }
  });
});
