import { MAX_STRING_LENGTH } from "../commonroom/input-forms.js";
import type { Logger } from "../logger.js";
import { dropAbsentNulls } from "./absent-nulls.js";
import type { Operation } from "./define.js";
import { InvalidInputError, type InputIssue } from "./errors.js";
import { resemblance } from "../near-miss.js";
import { isRecord } from "./schema-walk.js";

/** Every task takes this besides its operation's own fields. */
const COMMON_KEYS = ["integrationName"];

/**
 * A task input as Conductor delivers it, made ready for the operation's schema (contract:
 * "Inputs as Conductor delivers them"): strings over the size bound and near-miss keys are
 * INVALID_INPUT; nulls of optional fields are dropped; other unknown keys are left for the
 * schema to ignore, and logged at debug.
 */
export function prepareInput(
  operation: Operation,
  input: Record<string, unknown>,
  logger?: Logger,
): Record<string, unknown> {
  const known = [...Object.keys(operation.input.shape), ...COMMON_KEYS];
  const issues: InputIssue[] = [];
  const ignored: string[] = [];
  for (const key of Object.keys(input)) {
    if (known.includes(key)) continue;
    const meant = resemblance(key, known);
    if (meant) {
      issues.push({ path: key, message: `not an input of this task; did you mean \`${meant}\`?` });
    } else ignored.push(key);
  }
  issues.push(...oversizedStrings(input));
  if (issues.length > 0) throw new InvalidInputError(issues);
  if (ignored.length > 0)
    logger?.debug({ ignored }, "task input keys this operation does not take");
  return dropAbsentNulls(operation.input, input);
}

/**
 * Every string at any depth longer than MAX_STRING_LENGTH, by its path. A walk with its own
 * stack, not recursion: an input nested thousands of levels deep is still only looked at.
 */
function oversizedStrings(input: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const pending: { value: unknown; path: string }[] = [{ value: input, path: "" }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === "string") {
      if (value.length > MAX_STRING_LENGTH)
        issues.push({
          path,
          message: `must be at most ${MAX_STRING_LENGTH} characters (got ${value.length})`,
        });
      continue;
    }
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : isRecord(value)
        ? Object.entries(value)
        : [];
    // Reversed onto the stack, so issues come out in the input's own order.
    for (const [key, v] of entries.reverse())
      pending.push({ value: v, path: path ? `${path}.${key}` : key });
  }
  return issues;
}
