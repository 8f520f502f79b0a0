import { z } from "zod";
import type { CallOptions, Page } from "../commonroom/client.js";
import { CommonRoomError, isCommonRoomError } from "../commonroom/errors.js";
import { BooleanInput, integerInput } from "../commonroom/input-forms.js";
import { SortDirection } from "../commonroom/schemas.js";
import type { Logger } from "../logger.js";
import { HandBackError, heldBy, OutputTooLargeError } from "./errors.js";
import { pagesBefore } from "./resume.js";
import { jsonBytes } from "./output-ceiling.js";

/** The paging inputs every v2 list operation shares (contract: "Paging"). */
export const PagingInput = {
  limit: integerInput(1, 200).optional(),
  cursor: z.string().trim().min(1, "must not be blank").optional(),
  fetchAll: BooleanInput.default(false),
  maxItems: integerInput(1, 10_000).default(1000),
};

/** `cols` as Common Room's comma-separated list, or as an array of column names. */
export const Columns = z
  .union([
    z.string().min(1),
    z
      .array(z.string().min(1))
      .nonempty()
      .transform((cols) => cols.join(",")),
  ])
  .optional();

/** Sorting, columns and paging, shared by every v2 list operation. */
export const ListInput = {
  sort: z.string().min(1).optional(),
  direction: SortDirection.optional(),
  cols: Columns,
  ...PagingInput,
};

export interface PagingFields {
  limit?: number;
  cursor?: string;
  fetchAll: boolean;
  maxItems: number;
}

/** What a list operation returns: the items, where to resume, and whether it stopped early. */
export interface Listing<T> extends Page<T> {
  /**
   * True when the worker stopped before the list (or, without fetchAll, the page) was
   * complete: maxItems reached, the output ceiling, or the time budget. `nextCursor` resumes.
   */
  truncated: boolean;
}

/** Room kept for the output's other fields (the cursor, the flags) beside the items. */
const ENVELOPE_BYTES = 1024;
/** Leave this much of the budget for the last page's answer and the result's delivery. */
const PAGE_RESERVE_MS = 2000;

/**
 * One page as the caller asked; with fetchAll, cursors followed until none or maxItems.
 * `input` is the task input: its paging fields drive the walk, every other field given is
 * sent on each page as a filter. The items never outgrow `maxOutputBytes`: a page that
 * would is asked for again with only as many items as fit, so the cursor returned is
 * exactly where the items stop. A page that fails after others keeps the cursor to resume
 * from in the error's details.
 */
export async function listPages<T, Filters extends Record<string, unknown>>(
  input: Filters & PagingFields,
  fetchPage: (query: Partial<Filters> & { limit?: number; cursor?: string }) => Promise<Page<T>>,
  options: {
    callOptions: CallOptions;
    logger: Logger;
    maxOutputBytes: number;
    /** The output of this task's last hand-back, if any (resume.ts). */
    previous?: unknown;
  },
  /** The output field the operation returns the items under (contacts, activities). */
  listName: string,
): Promise<Listing<T>> {
  const { fetchAll, maxItems, limit, cursor: start, ...rest } = input;
  const filters = definedOnly(rest) as Partial<Filters>;
  const resumed = fetchAll ? pagesBefore<T>(options.previous, listName) : undefined;
  const items: T[] = resumed ? [...resumed.items] : [];
  let cursor = resumed ? resumed.cursor : start;
  let recordCount: number | undefined = resumed?.recordCount;
  let room =
    options.maxOutputBytes -
    ENVELOPE_BYTES -
    Buffer.byteLength(start ?? "") -
    (resumed ? jsonBytes(resumed.items) : 0);
  let pages = resumed?.pages ?? 0;
  if (resumed) {
    options.logger.info(
      { pages, items: items.length },
      "resuming a handed-back list from its cursor",
    );
  }
  const page = async (pageLimit: number | undefined) => {
    try {
      return await fetchPage({
        ...filters,
        ...(pageLimit !== undefined && { limit: pageLimit }),
        ...(cursor !== undefined && { cursor }),
      });
    } catch (error) {
      if (!fetchAll) throw error;
      // Held for the rate limit or the drain: back to Conductor with the pages so far.
      const held = heldBy(error);
      if (held && cursor !== undefined) {
        throw new HandBackError(
          `the list waits for ${held.why === "draining" ? "the worker's shutdown" : "Common Room's rate limit"} after ${items.length} items (${pages} pages); the task resumes from its cursor`,
          held.why,
          held.waitMs,
          {
            [listName]: items,
            nextCursor: cursor,
            truncated: true,
            progress: { cursor, pages },
            ...(recordCount !== undefined && { recordCount }),
          },
        );
      }
      throw withResumeCursor(error, cursor, items.length);
    }
  };

  for (;;) {
    pages++;
    // Never ask for more than is still wanted, so the cursor returned is exactly where we stopped.
    const wanted = fetchAll ? Math.min(limit ?? 200, maxItems - items.length) : limit;
    if (wanted !== undefined && wanted <= 0) return listing(items, cursor, true, recordCount);
    let next = await page(wanted);
    recordCount = next.recordCount ?? recordCount;
    const fit = itemsThatFit(next.items, room);
    if (fit.count < next.items.length) {
      if (fit.count === 0 && items.length === 0) {
        throw new OutputTooLargeError(
          fit.firstBytes,
          options.maxOutputBytes,
          "one item alone is over it: ask for fewer cols",
        );
      }
      // The same cursor with a smaller limit gives the items that fit and its own cursor.
      if (fit.count > 0) {
        next = await page(fit.count);
        items.push(...next.items.slice(0, fit.count));
        cursor = next.nextCursor ?? undefined;
      }
      options.logger.warn(
        { pages, items: items.length, maxOutputBytes: options.maxOutputBytes },
        "output ceiling reached; returning the cursor to resume from",
      );
      return listing(items, cursor, true, recordCount);
    }
    items.push(...next.items);
    room -= fit.bytes;
    cursor = next.nextCursor ?? undefined;
    if (!fetchAll || !cursor) return listing(items, cursor, false, recordCount);
    if (items.length >= maxItems) return listing(items, cursor, true, recordCount);
    if (pages % 10 === 0) {
      options.logger.info({ pages, items: items.length }, "paging through Common Room");
    }
    // Out of time for another page: return what we have and where to resume.
    const { deadline } = options.callOptions;
    if (deadline !== undefined && Date.now() > deadline - PAGE_RESERVE_MS) {
      options.logger.warn(
        { pages, items: items.length },
        "time budget spent; returning the cursor to resume from",
      );
      return listing(items, cursor, true, recordCount);
    }
  }
}

function listing<T>(
  items: T[],
  cursor: string | undefined,
  truncated: boolean,
  recordCount: number | undefined,
): Listing<T> {
  return {
    items,
    nextCursor: cursor ?? null,
    truncated,
    ...(recordCount !== undefined && { recordCount }),
  };
}

/** How many of `items`, in order, fit in `room` bytes of JSON (each with its comma). */
function itemsThatFit(items: unknown[], room: number) {
  let bytes = 0;
  let count = 0;
  for (const item of items) {
    const size = jsonBytes(item) + 1;
    if (bytes + size > room) break;
    bytes += size;
    count++;
  }
  return { count, bytes, firstBytes: items.length > 0 ? jsonBytes(items[0]) : 0 };
}

/** A failure after some pages: the error keeps the cursor to resume from and what was had. */
function withResumeCursor(error: unknown, cursor: string | undefined, collected: number): unknown {
  if (!isCommonRoomError(error)) return error;
  const resumed = new CommonRoomError({
    kind: error.kind,
    operation: error.operation,
    message: `${error.message} (after ${collected} items; resume from details.resumeCursor)`,
    httpStatus: error.httpStatus,
    reason: error.reason,
    waitMs: error.waitMs,
    details: { ...error.details, resumeCursor: cursor ?? null, collected },
  });
  resumed.afterUnansweredRequest = error.afterUnansweredRequest;
  return resumed;
}

/** Drops absent keys, so Common Room receives only the filters the task gave. */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
