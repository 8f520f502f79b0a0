import { readTaskPrefix } from "../config.js";
import { operations } from "../operations/index.js";
import {
  describeType,
  operationSchemas,
  type OperationSchemas,
} from "../operations/json-schema.js";
import { EXIT, type Command } from "./command.js";

export const operationsCommand: Command = {
  name: "operations",
  summary: "list the operations, their task types and input fields (--json: JSON Schemas)",
  usage: `Usage: commonroom-worker operations [--json]

Lists every operation: its task type (with COMMON_ROOM_TASK_PREFIX), what it does, and its
input fields with their types, required ones marked.

Options:
  --json   print a JSON array instead: for each operation its name, task type, and the JSON
           Schema of its input and of its output, generated from the schemas the worker
           validates with`,
  options: { json: { type: "boolean" } },
  positionals: { min: 0, max: 0 },
  async run({ values }) {
    // Listing needs no token, so only the prefix is read (with its *_FILE form), and checked.
    const prefix = readTaskPrefix(process.env);
    const all = operations.map((op) => operationSchemas(op, prefix));
    console.log(values.json ? JSON.stringify(all, null, 2) : all.map(describe).join("\n\n"));
    return EXIT.ok;
  },
};

function describe(op: OperationSchemas): string {
  const required = new Set(op.input.required ?? []);
  const fields = Object.entries(op.input.properties ?? {});
  const width = Math.max(0, ...fields.map(([name]) => name.length)) + 2;
  const lines = fields.map(
    ([name, schema]) =>
      `    ${name.padEnd(width)}${describeType(schema)}${required.has(name) ? "  (required)" : ""}`,
  );
  return [`${op.taskType}  ${op.name}`, `  ${op.description}`, "  input:", ...lines].join("\n");
}
