import { z } from "zod";
import type { CallOptions } from "../commonroom/client.js";
import type { Logger } from "../logger.js";

/** The paging inputs every v2 list operation shares (contract: "Paging"). */
export const PagingInput = {
  limit: z.number().int().min(1).max(200).optional(),
  cursor: z.string().trim().min(1, "must not be blank").optional(),
  fetchAll: z.boolean().default(false),
  maxItems: z.number().int().min(1).max(10_000).default(1000),
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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One page as the caller asked; with fetchAll, cursors followed until none or maxItems. */
export async function collectPages<T>(
  fetchPage: (limit: number | undefined, cursor: string | undefined) => Promise<Page<T>>,
  options: {
    limit?: number;
    cursor?: string;
    fetchAll: boolean;
    maxItems: number;
    call: CallOptions;
    logger: Logger;
  },
): Promise<Page<T>> {
  if (!options.fetchAll) return fetchPage(options.limit, options.cursor);
  const items: T[] = [];
  let cursor = options.cursor;
  let pages = 0;
  for (;;) {
    // Never ask for more than is still wanted, so the cursor returned is exactly where we stopped.
    const limit = Math.min(options.limit ?? 200, options.maxItems - items.length);
    const page = await fetchPage(limit, cursor);
    items.push(...page.items);
    pages++;
    cursor = page.nextCursor ?? undefined;
    if (pages % 10 === 0)
      options.logger.info({ pages, items: items.length }, "paging through Common Room");
    if (!cursor || items.length >= options.maxItems) break;
    // Out of time for another page: return what we have and where to resume.
    if (options.call.deadline !== undefined && Date.now() > options.call.deadline - 2000) {
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
