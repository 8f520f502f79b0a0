/**
 * Where a task handed back to Conductor (IN_PROGRESS, for the rate limit or a drain) picks
 * up again. Conductor hands the same task out again with the output of its last update, so
 * what the last attempt had done is read back from it: the bulk items already accepted
 * (not written twice), the pages already collected and the cursor (not fetched twice).
 * An output that does not fit is ignored: the attempt starts over, which is safe (writes
 * are upserts, reads have no effect).
 */
import { z } from "zod";

/** The output a hand-back leaves: the marker results.ts sets, beside what was done. */
const HandedBack = z.object({ waiting: z.object({ code: z.string() }) });

const BulkProgress = HandedBack.extend({
  results: z.array(z.object({ status: z.string() }).passthrough()),
});

const PagingProgress = HandedBack.extend({
  progress: z.object({ cursor: z.string().min(1), pages: z.number().int().nonnegative() }),
  recordCount: z.number().optional(),
});

/** The indices of the items the last attempt had accepted, when it handed this batch back. */
export function acceptedBefore(previous: unknown, itemCount: number): Set<number> {
  const parsed = BulkProgress.safeParse(previous);
  if (!parsed.success || parsed.data.results.length !== itemCount) return new Set();
  const accepted = new Set<number>();
  parsed.data.results.forEach((result, index) => {
    if (result.status === "accepted") accepted.add(index);
  });
  return accepted;
}

export interface PagesCollected<T> {
  items: T[];
  cursor: string;
  pages: number;
  recordCount?: number;
}

/**
 * The pages a fetchAll walk had collected (under `listName` in the output, e.g. contacts),
 * and where it was, when it was handed back.
 */
export function pagesBefore<T>(previous: unknown, listName: string): PagesCollected<T> | undefined {
  const parsed = PagingProgress.safeParse(previous);
  if (!parsed.success) return undefined;
  const listed = z.array(z.unknown()).safeParse((previous as Record<string, unknown>)[listName]);
  if (!listed.success || !Object.hasOwn(previous as object, listName)) return undefined;
  const { progress, recordCount } = parsed.data;
  return {
    items: listed.data as T[],
    cursor: progress.cursor,
    pages: progress.pages,
    ...(recordCount !== undefined && { recordCount }),
  };
}
