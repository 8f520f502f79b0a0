import { z } from "zod";
import { coreOf, elementOf, isRecord, optionFor, ownValue, setOwn } from "./schema-walk.js";

/**
 * Conductor resolves `"x": "${workflow.input.x}"` to null when the caller left x out, and
 * keeps the key. So a null given for an optional field means "not given" and is dropped
 * before validation, at every depth, read from the operation's own schema:
 * - at the top level of the task input, always (a `description: null` must not clear it);
 * - deeper (inside user, activity, list items), unless the vendor schema marks the field
 *   nullable: there null is sent as given, the one way to clear that field in Common Room.
 * A null for a required field is kept, so validation names it.
 */
export function dropAbsentNulls(schema: z.AnyZodObject, input: Record<string, unknown>) {
  return objectWithoutNulls(schema, input, true);
}

function objectWithoutNulls(
  schema: z.AnyZodObject,
  value: Record<string, unknown>,
  topLevel: boolean,
): Record<string, unknown> {
  const shape = schema.shape as Record<string, z.ZodTypeAny>;
  const out: Record<string, unknown> = {};
  // Keys are the caller's: `constructor` must not find the shape's prototype member, nor
  // `__proto__` replace the copy's prototype.
  for (const [key, field] of Object.entries(value)) {
    const fieldSchema = ownValue(shape, key) as z.ZodTypeAny | undefined;
    if (!fieldSchema) {
      setOwn(out, key, field);
      continue;
    }
    if (field === null) {
      const absent = fieldSchema.isOptional() && (topLevel || !fieldSchema.isNullable());
      if (!absent) setOwn(out, key, null);
      continue;
    }
    setOwn(out, key, withoutNulls(fieldSchema, field));
  }
  return out;
}

function withoutNulls(schema: z.ZodTypeAny, value: unknown): unknown {
  const core = coreOf(schema);
  if (core instanceof z.ZodObject && isRecord(value)) {
    return objectWithoutNulls(core, value, false);
  }
  if (core instanceof z.ZodArray && Array.isArray(value)) {
    const element = elementOf(core as z.ZodArray<z.ZodTypeAny>);
    return value.map((item) => withoutNulls(element, item));
  }
  const option = optionFor(core, value);
  return option ? withoutNulls(option, value) : value;
}
