/**
 * The operations reference (docs/operations.md) and the README's table at a glance, from the
 * operation list: names, task types, descriptions, the JSON Schemas of input and output that
 * `operations --json` publishes, the attempt budget and the registered response timeout.
 * The example inputs are the tests' samples (test/support/sample-inputs.ts), which every
 * operation must have, so a new operation's entry is complete the day it is listed.
 */
import GithubSlugger from "github-slugger";
import { DEFAULT_TASK_PREFIX } from "../../src/config.js";
import type { Operation } from "../../src/operations/define.js";
import { operations } from "../../src/operations/index.js";
import {
  describeType,
  operationSchemas,
  type JsonSchema,
} from "../../src/operations/json-schema.js";
import { DEFAULT_TASK_BUDGET_MS } from "../../src/worker/execute.js";
import { responseTimeoutFor } from "../../src/worker/task-defs.js";
import { SAMPLE_INPUTS } from "../../test/support/sample-inputs.js";

/** How many operations the Orkes connected app has; the list starts with them, in its order. */
export const CONNECTED_APP_OPERATIONS = 12;

/** The anchor of an operation's entry in docs/operations.md. */
export function operationAnchor(operation: Operation): string {
  return new GithubSlugger().slug(operation.name);
}

const code = (text: string) => `\`${text}\``;
/** A table cell: pipes would end the cell. */
const cell = (text: string) => text.replace(/\|/g, "\\|");

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(" | ");
  return describeType(schema);
}

/** Bounds worth a reader's attention: sizes, ranges, item counts. */
function boundsOf(schema: JsonSchema): string[] {
  const s = schema as Record<string, number | undefined>;
  const bounds: string[] = [];
  const safe = (n: number | undefined) => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  if (s.exclusiveMinimum === 0) bounds.push("positive");
  if (safe(s.minimum) && safe(s.maximum)) bounds.push(`${s.minimum} to ${s.maximum}`);
  else if (safe(s.minimum)) bounds.push(`at least ${s.minimum}`);
  else if (safe(s.maximum)) bounds.push(`at most ${s.maximum}`);
  if (s.minItems !== undefined && s.maxItems !== undefined)
    bounds.push(`${s.minItems} to ${s.maxItems} items`);
  if (s.maxLength !== undefined) bounds.push(`at most ${s.maxLength} characters`);
  if (schema.anyOf) for (const option of schema.anyOf) bounds.push(...boundsOf(option));
  return [...new Set(bounds)];
}

/** The object a field holds, itself or as list items, when it has named fields. */
function objectOf(schema: JsonSchema): JsonSchema | undefined {
  if (schema.properties) return schema;
  if (schema.items) return objectOf(schema.items);
  for (const option of schema.anyOf ?? []) {
    const found = objectOf(option);
    if (found) return found;
  }
  return undefined;
}

/** `id` (required), `fullName`, …: the fields inside an object input, one level down. */
function innerFields(schema: JsonSchema): string {
  const object = objectOf(schema);
  if (!object?.properties) return "";
  const required = new Set(object.required ?? []);
  const names = Object.keys(object.properties).map(
    (name) => `${code(name)}${required.has(name) ? " (required)" : ""}`,
  );
  return `fields: ${names.join(", ")}`;
}

function inputRows(input: JsonSchema): string[] {
  const required = new Set(input.required ?? []);
  return Object.entries(input.properties ?? {}).map(([name, schema]) => {
    const notes = [
      typeof schema.description === "string" ? schema.description : "",
      ...boundsOf(schema),
      innerFields(schema),
    ].filter(Boolean);
    return `| ${code(name)} | ${cell(typeOf(schema))} | ${required.has(name) ? "yes" : "no"} | ${cell(notes.join("; "))} |`;
  });
}

function outputRows(output: JsonSchema): string[] {
  return Object.entries(output.properties ?? {}).map(([name, schema]) => {
    const inner = innerFields(schema);
    return `| ${code(name)} | ${cell(typeOf(schema))} | ${cell(inner)} |`;
  });
}

function exampleOf(operation: Operation): string {
  const sample = SAMPLE_INPUTS[operation.task];
  if (!sample) {
    throw new Error(
      `test/support/sample-inputs.ts has no sample input for ${operation.task}: add one (the docs show it)`,
    );
  }
  // One line; prettier (run by `npm run docs`) breaks it to the print width.
  return JSON.stringify(sample);
}

function entryOf(operation: Operation): string {
  const schemas = operationSchemas(operation, DEFAULT_TASK_PREFIX);
  const budgetSeconds = (operation.budgetMs ?? DEFAULT_TASK_BUDGET_MS) / 1000;
  const outputs = outputRows(schemas.output);
  return [
    `### ${operation.name}`,
    "",
    `Task type ${code(schemas.taskType)}. ${operation.description}`,
    "",
    `One attempt spends at most ${budgetSeconds} s on Common Room; \`register\` sets ` +
      `\`responseTimeoutSeconds\` ${responseTimeoutFor(operation)}.`,
    "",
    "| input | type | required | notes |",
    "| --- | --- | --- | --- |",
    ...inputRows(schemas.input),
    "",
    ...(outputs.length > 0
      ? ["| output | type | notes |", "| --- | --- | --- |", ...outputs]
      : ["Output: see the notes above."]),
    "",
    "Example input:",
    "",
    "```json",
    exampleOf(operation),
    "```",
  ].join("\n");
}

export function renderOperationsReference(): string {
  const connected = operations.slice(0, CONNECTED_APP_OPERATIONS);
  const beyond = operations.slice(CONNECTED_APP_OPERATIONS);
  return [
    "<!-- Written by `npm run docs` from src/operations/index.ts; do not edit by hand. -->",
    "",
    "### The Orkes connected app's operations",
    "",
    ...connected.map((op) => `- [${op.name}](#${operationAnchor(op)})`),
    "",
    "### Beyond the connected app",
    "",
    ...beyond.map((op) => `- [${op.name}](#${operationAnchor(op)})`),
    "",
    ...operations.map(entryOf).flatMap((entry) => [entry, ""]),
  ].join("\n");
}

/** The README's tables: each operation's name, linked to its entry, and its task type. */
export function renderOperationsGlance(): string {
  const table = (list: readonly Operation[]) => [
    "| operation | task type |",
    "| --- | --- |",
    ...list.map(
      (op) =>
        `| [${op.name}](docs/operations.md#${operationAnchor(op)}) | ${code(`${DEFAULT_TASK_PREFIX}${op.task}`)} |`,
    ),
  ];
  // Its markers say it is generated (CONTRIBUTING.md names the command); README lines are few.
  return [
    "**The Orkes connected app's operations**",
    "",
    ...table(operations.slice(0, CONNECTED_APP_OPERATIONS)),
    "",
    GLANCE_BEYOND,
    "",
    ...table(operations.slice(CONNECTED_APP_OPERATIONS)),
  ].join("\n");
}

/** The heading of the README's second table, where the connected app's operations end. */
export const GLANCE_BEYOND = "**Beyond the connected app**";
