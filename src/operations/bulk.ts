import { z } from "zod";
import { BooleanInput } from "../commonroom/input-forms.js";
import { isBudgetSpent } from "../commonroom/retry.js";
import { ApiActivity, ApiUser, DestinationSourceId } from "../commonroom/schemas.js";
import { activityCatalogIssues, userCatalogIssues, type CatalogSnapshot } from "./catalog.js";
import { defineOperation, type OperationContext } from "./define.js";
import { resolveDestinationSourceId } from "./destination.js";
import {
  BulkFailedError,
  HandBackError,
  heldBy,
  InvalidInputError,
  toTaskError,
  type Held,
  type InputIssue,
} from "./errors.js";
import { itemsOf } from "./items.js";
import { jsonBytes } from "./output-ceiling.js";
import { acceptedBefore } from "./resume.js";

/** Items written at once: enough to hide latency, few enough to stay polite to the API. */
export const BULK_CONCURRENCY = 5;
const MAX_ITEMS = 1000;

interface ItemError {
  code: string;
  message: string;
  retryable: boolean;
}

interface ItemResult {
  /** pending: not sent yet when the task was handed back; the next attempt sends it. */
  status: "accepted" | "failed" | "pending";
  error?: ItemError;
}

/**
 * Runs each item on its own: an item that fails validation or Common Room does not sink the
 * others. The outcome rule is the contract's: any item accepted, COMPLETED with the failures
 * listed; none, BULK_FAILED, retryable when any item's failure was. Under the rate limit an
 * item waits like any request; when the attempt cannot wait any longer (or the worker
 * drains), the items not sent stay pending and the task is handed back (summarize).
 * Items a handed-back attempt had accepted are not sent again.
 */
async function runItems<T>(
  ctx: OperationContext,
  items: unknown[],
  options: {
    schema: z.ZodType<T, z.ZodTypeDef, unknown>;
    label: string;
    catalogIssues?: (item: T, catalog: CatalogSnapshot, path: string) => InputIssue[];
    write: (item: T) => Promise<unknown>;
  },
): Promise<{ results: ItemResult[]; held?: Held }> {
  const catalog = options.catalogIssues ? await ctx.catalog.get(ctx.callOptions) : undefined;
  const results: ItemResult[] = new Array(items.length);
  const acceptedBefore = acceptedEarlier(ctx, items.length);
  let held: Held | undefined;
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++, done++) {
      // A progress line on long batches, so a slow one is visibly moving.
      if (done > 0 && done % 100 === 0) {
        ctx.logger.info({ done, of: items.length }, `bulk ${options.label} in progress`);
      }
      if (acceptedBefore.has(index)) {
        results[index] = { status: "accepted" };
        continue;
      }
      const parsed = options.schema.safeParse(items[index]);
      if (!parsed.success) {
        results[index] = failed(InvalidInputError.fromZod(parsed.error), options.label, index);
        continue;
      }
      const issues =
        catalog && options.catalogIssues!(parsed.data, catalog, `${options.label}.${index}`);
      if (issues?.length) {
        results[index] = { status: "failed", error: itemError(new InvalidInputError(issues)) };
        continue;
      }
      // Once the task is going back, later items wait for the next attempt too.
      if (held) {
        results[index] = { status: "pending" };
        continue;
      }
      if (ctx.callOptions.deadline !== undefined && Date.now() >= ctx.callOptions.deadline) {
        results[index] = { status: "failed", error: NOT_ATTEMPTED };
        continue;
      }
      try {
        await options.write(parsed.data);
        results[index] = { status: "accepted" };
      } catch (error) {
        const handBack = heldBy(error);
        if (handBack) {
          held = longer(held, handBack);
          results[index] = { status: "pending" };
          continue;
        }
        const notSent = isBudgetSpent(error);
        results[index] = { status: "failed", error: notSent ? NOT_ATTEMPTED : itemError(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, items.length) }, worker));
  return held ? { results, held } : { results };
}

/** The items a handed-back attempt of this task had accepted already. */
function acceptedEarlier(ctx: OperationContext, count: number): Set<number> {
  const accepted = acceptedBefore(ctx.previous, count);
  if (accepted.size > 0) {
    ctx.logger.info({ accepted: accepted.size, of: count }, "resuming a handed-back batch");
  }
  return accepted;
}

/** The drain wins (go back now); else the longer wait. */
function longer(a: Held | undefined, b: Held): Held {
  if (!a) return b;
  if (a.why === "draining" || b.why === "draining") return { why: "draining", waitMs: 0 };
  return a.waitMs >= b.waitMs ? a : b;
}

/** An item the attempt's time budget left no room for; Conductor's retry resends the batch. */
const NOT_ATTEMPTED: ItemError = {
  code: "NOT_ATTEMPTED",
  message: "not attempted: this attempt's time budget ran out; a retry of the task sends it",
  retryable: true,
};

function itemError(error: unknown): ItemError {
  const { code, message, retryable } = toTaskError(error);
  return { code, message, retryable };
}

/** A validation failure of one item, with its paths under the item (e.g. users.3.email). */
function failed(error: InvalidInputError, label: string, index: number): ItemResult {
  const prefixed = new InvalidInputError(
    error.issues.map((i) => ({
      ...i,
      path: i.path ? `${label}.${index}.${i.path}` : `${label}.${index}`,
    })),
  );
  return { status: "failed", error: itemError(prefixed) };
}

function summarize<R extends ItemResult>(
  run: { results: R[]; held?: Held },
  what: string,
  maxOutputBytes: number,
): Record<string, unknown> {
  const { results, held } = run;
  const accepted = results.filter((r) => r.status === "accepted").length;
  const pending = results.filter((r) => r.status === "pending").length;
  const output = {
    accepted,
    failed: results.length - accepted - pending,
    ...(pending > 0 && { pending }),
    results: keptShort(results, maxOutputBytes),
  };
  if (held && pending > 0) {
    // Not done, and not failed: back to Conductor with what is done; the next attempt
    // sends only the pending items.
    const because =
      held.why === "draining" ? "the worker is shutting down" : "Common Room's rate limit";
    throw new HandBackError(
      `${pending} of the ${results.length} ${what} wait for ${because} (${accepted} accepted); the task resumes with them`,
      held.why,
      held.waitMs,
      output,
    );
  }
  const notAttempted = results.filter((r) => r.error?.code === NOT_ATTEMPTED.code).length;
  if (notAttempted > 0) {
    // Not complete: back to Conductor as FAILED, whose retry resends the batch (upserts).
    throw new BulkFailedError(
      `the time budget ran out: ${notAttempted} of the ${results.length} ${what} were not attempted (${accepted} accepted); a retry sends the batch again`,
      true,
      output,
    );
  }
  if (accepted === 0) {
    const retryable = results.some((r) => r.error?.retryable);
    throw new BulkFailedError(
      `none of the ${results.length} ${what} was accepted (first failure: ${results[0]?.error?.code}: ${results[0]?.error?.message})`,
      retryable,
      output,
    );
  }
  return output;
}

/** Room kept beside the results for the counts and the task error. */
const ENVELOPE_BYTES = 2048;

/**
 * The results, with long messages (and, as a last resort, long echoed ids) cut until they
 * fit under the output ceiling together.
 */
function keptShort<R extends ItemResult>(results: R[], maxOutputBytes: number): R[] {
  let kept = results;
  for (const [messageLength, idLength] of [
    [500, Infinity],
    [100, Infinity],
    [40, 40],
  ] as const) {
    kept = results.map((r) => shortened(r, messageLength, idLength));
    if (jsonBytes(kept) + ENVELOPE_BYTES <= maxOutputBytes) break;
  }
  return kept;
}

function shortened<R extends ItemResult>(result: R, messageLength: number, idLength: number): R {
  const out = { ...result } as Record<string, unknown>;
  for (const key of ["id", "activityType"]) {
    if (typeof out[key] === "string") out[key] = cut(out[key] as string, idLength);
  }
  if (result.error)
    out.error = { ...result.error, message: cut(result.error.message, messageLength) };
  return out as unknown as R;
}

function cut(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** The id of an item, as far as it can be read even when the item is invalid. */
function idOf(item: unknown, key: string): unknown {
  return typeof item === "object" && item !== null
    ? (item as Record<string, unknown>)[key]
    : undefined;
}

/** One bulk write: a list of items, each written on its own with the same single call. */
interface BulkWrite<K extends string, T> {
  name: string;
  task: string;
  description: string;
  /** The input field holding the items; also their label in paths and messages. */
  list: K;
  item: z.ZodType<T, z.ZodTypeDef, unknown>;
  catalogIssues: (item: T, catalog: CatalogSnapshot, path: string) => InputIssue[];
  write: (ctx: OperationContext, sourceId: number, item: T) => Promise<unknown>;
  /** What each result repeats of its item, so callers can match results to their inputs. */
  echo: (item: unknown) => Record<string, unknown>;
}

function defineBulkWrite<K extends string, T>(spec: BulkWrite<K, T>) {
  const items = { [spec.list]: itemsOf(spec.list, spec.item, MAX_ITEMS) } as Record<
    K,
    ReturnType<typeof itemsOf>
  >;
  return defineOperation({
    name: spec.name,
    task: spec.task,
    description: spec.description,
    input: z.object({
      destinationSourceId: DestinationSourceId.optional(),
      ...items,
      validateAgainstCatalog: BooleanInput.default(false),
    }),
    budgetMs: 240_000,
    run: async (ctx, input) => {
      const sourceId = resolveDestinationSourceId(input.destinationSourceId, ctx.integration);
      const list: unknown[] = input[spec.list];
      const run = await runItems(ctx, list, {
        schema: spec.item,
        label: spec.list,
        catalogIssues: input.validateAgainstCatalog ? spec.catalogIssues : undefined,
        write: (item) => spec.write(ctx, sourceId, item),
      });
      const results = run.results.map((r, i) => ({ ...spec.echo(list[i]), ...r }));
      return summarize({ ...run, results }, spec.list, ctx.maxOutputBytes);
    },
  });
}

export const bulkAddOrEditUsers = defineBulkWrite({
  name: "Bulk Add or Edit Users",
  task: "bulk_add_or_edit_users",
  description: "Adds or updates up to 1000 users, each on its own, with per-user results.",
  list: "users",
  item: ApiUser,
  catalogIssues: userCatalogIssues,
  write: (ctx, sourceId, user) => ctx.client.addOrEditUser(sourceId, user, ctx.callOptions),
  echo: (user) => ({ id: idOf(user, "id") ?? null }),
});

export const bulkAddOrEditActivities = defineBulkWrite({
  name: "Bulk Add or Edit Activities",
  task: "bulk_add_or_edit_activities",
  description: "Adds or updates up to 1000 activities, each on its own, with per-activity results.",
  list: "activities",
  item: ApiActivity,
  catalogIssues: activityCatalogIssues,
  write: (ctx, sourceId, activity) =>
    ctx.client.addOrEditActivity(sourceId, activity, ctx.callOptions),
  echo: (activity) => ({
    id: idOf(activity, "id") ?? null,
    activityType: idOf(activity, "activityType") ?? null,
  }),
});
