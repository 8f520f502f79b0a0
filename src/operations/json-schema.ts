import { zodToJsonSchema } from "zod-to-json-schema";
import type { z } from "zod";
import type { Operation } from "./define.js";
import { taskTypeOf } from "./index.js";
import { operationOutputs } from "./outputs.js";

/**
 * JSON Schema of operations' inputs and outputs, generated from the zod schemas the worker
 * validates with (zod-to-json-schema), so what `operations --json` publishes cannot drift from
 * what the worker accepts. Inputs are described as callers send them (before coercion).
 */

export type JsonSchema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
};

function toJsonSchema(schema: z.ZodTypeAny, io: "input" | "output"): JsonSchema {
  const generated = zodToJsonSchema(schema, {
    $refStrategy: "none",
    effectStrategy: "input",
    pipeStrategy: io,
    // zod's default objects strip unknown keys, that is, accept and ignore them.
    removeAdditionalStrategy: "strict",
    target: "jsonSchema7",
  }) as JsonSchema;
  // `integrationName` is taken by every operation before its own schema applies.
  if (io === "input") {
    generated.properties = {
      integrationName: {
        type: "string",
        description: "one of the configured integrations; the default one when left out",
      },
      ...generated.properties,
    };
  }
  return generated;
}

export interface OperationSchemas {
  name: string;
  task: string;
  taskType: string;
  description: string;
  input: JsonSchema;
  output: JsonSchema;
}

export function operationSchemas(operation: Operation, prefix: string): OperationSchemas {
  const output = operationOutputs[operation.task];
  return {
    name: operation.name,
    task: operation.task,
    taskType: taskTypeOf(operation, prefix),
    description: operation.description,
    input: toJsonSchema(operation.input, "input"),
    output: output ? toJsonSchema(output, "output") : {},
  };
}

/** A field's type in one short phrase: `string`, `integer`, `"asc" | "desc"`, `ApiUser-like object[]`. */
export function describeType(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return [...new Set(schema.anyOf.map(describeType))].join(" | ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return "any";
  return types
    .filter((t) => t !== "null" || types.length === 1)
    .map((t) => (t === "array" ? `${describeType(schema.items)}[]` : t))
    .join(" | ");
}
