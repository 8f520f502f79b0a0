/**
 * A window of time for lists over time (contract: "Time windows"): `asOf` with
 * `lookbackSeconds` means [asOf - lookbackSeconds, asOf). A schedule that fires every N
 * seconds and passes its `${workflow.input._scheduledTime}` as `asOf` with N as
 * `lookbackSeconds` reads every moment exactly once: each run starts where the last ended.
 */
import { z } from "zod";
import { integerInput } from "../commonroom/input-forms.js";
import { InvalidInputError } from "./errors.js";

const AS_OF_MESSAGE =
  "must be an ISO 8601 date-time with a zone (2024-05-01T12:00:00Z), a date, or epoch milliseconds";

const ISO_DATE_TIME = z.string().datetime({ offset: true });
/** A date alone is its midnight, UTC, as Common Room reads a date. */
const ISO_DATE = z.string().date();

/**
 * A moment, as epoch ms: an ISO 8601 date-time with `Z` or an offset, a date (its midnight
 * UTC), or epoch milliseconds as a number or a string of digits (Conductor's scheduler
 * gives a number).
 */
export const AsOf = z
  .union([z.number(), z.string()], { errorMap: () => ({ message: AS_OF_MESSAGE }) })
  .transform((value, ctx) => {
    const ms =
      typeof value === "number"
        ? value
        : /^\s*\d+\s*$/.test(value)
          ? Number(value)
          : ISO_DATE_TIME.safeParse(value.trim()).success
            ? Date.parse(value)
            : ISO_DATE.safeParse(value.trim()).success
              ? Date.parse(`${value.trim()}T00:00:00Z`)
              : NaN;
    if (!Number.isSafeInteger(ms) || ms <= 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: AS_OF_MESSAGE });
      return z.NEVER;
    }
    return ms;
  });

/** A year at most: a window longer than that is a mistake, not a schedule. */
export const MAX_LOOKBACK_SECONDS = 366 * 86_400;

/** The window inputs a list over time takes. */
export const WindowInput = {
  asOf: AsOf.optional(),
  lookbackSeconds: integerInput(1, MAX_LOOKBACK_SECONDS).optional(),
};

/**
 * The `startDate` / `endDate` Common Room filters on, both inclusive: the window's end is
 * exclusive, so it ends one millisecond before `asOf`. Without `asOf`, the dates given (if
 * any) pass through. `asOf` beside a date, or half a window, is INVALID_INPUT.
 */
export function windowDates(input: {
  asOf?: number;
  lookbackSeconds?: number;
  startDate?: string;
  endDate?: string;
}): { startDate?: string; endDate?: string } {
  const { asOf, lookbackSeconds, startDate, endDate } = input;
  if (asOf === undefined) {
    if (lookbackSeconds !== undefined)
      throw InvalidInputError.field("lookbackSeconds", "needs asOf: the end of the window");
    return {
      ...(startDate !== undefined && { startDate }),
      ...(endDate !== undefined && { endDate }),
    };
  }
  const clash = startDate !== undefined ? "startDate" : endDate !== undefined ? "endDate" : null;
  if (clash)
    throw InvalidInputError.field(clash, "give either asOf with lookbackSeconds, or dates");
  if (lookbackSeconds === undefined)
    throw InvalidInputError.field("lookbackSeconds", "required with asOf: the window's length");
  return {
    startDate: new Date(asOf - lookbackSeconds * 1000).toISOString(),
    endDate: new Date(asOf - 1).toISOString(),
  };
}
