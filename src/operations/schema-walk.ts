import { z } from "zod";
import { itemSchemaOf } from "./items.js";

/**
 * The schema under the wrappers that do not change a value's shape (optional, nullable,
 * default, preprocess/refine/transform, lazy, catch, pipeline, branded, readonly).
 */
export function coreOf(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodTypeAny;
    } else if (current instanceof z.ZodDefault) current = current._def.innerType;
    else if (current instanceof z.ZodEffects) current = current._def.schema;
    else if (current instanceof z.ZodLazy) current = current.schema as z.ZodTypeAny;
    else if (current instanceof z.ZodCatch) current = current._def.innerType;
    else if (current instanceof z.ZodPipeline) current = current._def.in;
    else if (current instanceof z.ZodBranded) current = current.unwrap() as z.ZodTypeAny;
    else if (current instanceof z.ZodReadonly) current = current._def.innerType;
    else return current;
  }
}

/** The schema of each element of a list schema (a bulk list's item schema included). */
export function elementOf(list: z.ZodArray<z.ZodTypeAny>): z.ZodTypeAny {
  return itemSchemaOf(list) ?? list.element;
}

/** The option of a (discriminated) union that `value` is meant for, if one can be told. */
export function optionFor(union: z.ZodTypeAny, value: unknown): z.ZodTypeAny | undefined {
  if (union instanceof z.ZodDiscriminatedUnion) {
    if (!isRecord(value)) return undefined;
    return union.optionsMap.get(ownValue(value, union.discriminator) as never) as
      z.ZodTypeAny | undefined;
  }
  if (union instanceof z.ZodUnion) {
    const options = union.options as z.ZodTypeAny[];
    // The first option of the value's own kind (object, array, or other).
    return options.find((o) => kindOf(coreOf(o)) === kindOfValue(value));
  }
  return undefined;
}

function kindOf(schema: z.ZodTypeAny): string {
  if (schema instanceof z.ZodObject) return "object";
  if (schema instanceof z.ZodArray) return "array";
  return "other";
}

function kindOfValue(value: unknown): string {
  return Array.isArray(value) ? "array" : isRecord(value) ? "object" : "other";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `record[key]` when `record` itself holds `key`: a key that came in a task input
 * (`constructor`, `toString`, `__proto__`) never finds a member of Object.prototype.
 */
export function ownValue(record: object, key: string): unknown {
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/** Sets an own, plain data property, even for the key `__proto__` (which `=` would not). */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
