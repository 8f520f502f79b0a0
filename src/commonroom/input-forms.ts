/**
 * Numbers and booleans as Conductor delivers them. Workflow expressions often yield strings
 * (`"${workflow.input.limit}"` in a string template, a value read from a webhook), so an
 * integer input also takes a string of digits and a boolean input "true" or "false".
 */
import { z } from "zod";

/** The longest string input taken where the vendor schema sets no tighter bound. */
export const MAX_STRING_LENGTH = 10_000;

const DIGITS = /^\s*\d+\s*$/;

/** An integer in [min, max], as a number or a string of digits; becomes a number. */
export function integerInput(min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
  const message = `must be a whole number ${range} (a number or a string of digits)`;
  return z.preprocess(
    (value) => (typeof value === "string" && DIGITS.test(value) ? Number(value) : value),
    z
      .number({ invalid_type_error: message, required_error: "required" })
      .int(message)
      .min(min, message)
      .max(max, message),
  );
}

/** true or false, also as the strings "true" and "false" (any case). */
export const BooleanInput = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    const word = value.trim().toLowerCase();
    return word === "true" ? true : word === "false" ? false : value;
  },
  z.boolean({ invalid_type_error: 'must be true or false (or "true" / "false")' }),
);

/** A string of at most `max` characters (default MAX_STRING_LENGTH). */
export function boundedString(max = MAX_STRING_LENGTH) {
  return z
    .string({ invalid_type_error: "must be a string", required_error: "required" })
    .max(max, `must be at most ${max} characters`);
}
