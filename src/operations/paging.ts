import { z } from "zod";
import type { CallOptions } from "../commonroom/client.js";
import { BooleanInput, integerInput } from "../commonroom/input-forms.js";
import { SortDirection } from "../commonroom/schemas.js";
import type { Logger } from "../logger.js";

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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagingFields {
  limit?: number;
  cursor?: string;
  fetchAll: boolean;
  maxItems: number;
}

/**
 * One page as the caller asked; with fetchAll, cursors followed until none or maxItems.
 * `input` is the task input: its paging fields drive the walk, every other field given is
 * sent on each page as a filter.
 */
export async function listPages<T, Filters extends Record<string, unknown>>(
  input: Filters & PagingFields,
  fetchPage: (query: Partial<Filters> & { limit?: number; cursor?: string }) => Promise<Page<T>>,
  options: { call: CallOptions; logger: Logger },
): Promise<Page<T>> {
  const { fetchAll, maxItems, limit, cursor: start, ...rest } = input;
  const filters = definedOnly(rest) as Partial<Filters>;
  const page = (pageLimit: number | undefined, cursor: string | undefined) =>
    fetchPage({
      ...filters,
      ...(pageLimit !== undefined && { limit: pageLimit }),
      ...(cursor !== undefined && { cursor }),
    });
  if (!fetchAll) return page(limit, start);

  const items: T[] = [];
  let cursor = start;
  let pages = 0;
  for (;;) {
    // Never ask for more than is still wanted, so the cursor returned is exactly where we stopped.
    const next = await page(Math.min(limit ?? 200, maxItems - items.length), cursor);
    items.push(...next.items);
    pages++;
    cursor = next.nextCursor ?? undefined;
    if (pages % 10 === 0)
      options.logger.info({ pages, items: items.length }, "paging through Common Room");
    if (!cursor || items.length >= maxItems) break;
    // Out of time for another page: return what we have and where to resume.
    const { deadline } = options.call;
    if (deadline !== undefined && Date.now() > deadline - 2000) {
      options.logger.warn(
        { pages, items: items.length },
        "time budget spent; returning the cursor to resume from",
      );
      break;
    }
  }
  return { items, nextCursor: cursor ?? null };
}

/** Drops absent keys, so Common Room receives only the filters the task gave. */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
