import { z } from "zod";

/**
 * A list input whose items are validated one by one when the task runs (bulk writes), so one
 * bad item does not sink the rest. The array itself takes anything; the item schema is kept
 * here so that what reads inputs by their schema (null handling, tests) can see inside.
 */
const itemSchemas = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();

export function itemsOf<T extends z.ZodTypeAny>(label: string, item: T, max: number) {
  const list = z
    .array(z.unknown(), { invalid_type_error: `must be an array of ${label}` })
    .min(1, `must hold at least one of ${label}`)
    .max(max, `must hold at most ${max} ${label} (split larger batches)`);
  itemSchemas.set(list, item);
  return list;
}

/** The schema each item of `list` is validated with, when it was made by itemsOf. */
export function itemSchemaOf(list: z.ZodTypeAny): z.ZodTypeAny | undefined {
  return itemSchemas.get(list);
}
