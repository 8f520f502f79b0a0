import type { CallOptions, CommonRoomClient } from "../commonroom/client.js";
import { DEFAULT_ATTEMPT_BUDGET_MS } from "../commonroom/rate-policy.js";
import { budgetSpent, stopped } from "../commonroom/retry.js";
import type { ApiActivity, ApiUser, CustomField } from "../commonroom/schemas.js";
import { InvalidInputError, type InputIssue } from "./errors.js";

/**
 * Activity types and custom fields of one integration, cached for `ttlSeconds`. Common Room
 * accepts a write naming an unknown activity type or custom field with 202 and drops it
 * later, so `validateAgainstCatalog` checks against this before writing.
 */
export interface CatalogSnapshot {
  activityTypes: Set<string>;
  customFields: Map<number, CustomField>;
}

export class Catalog {
  private snapshot?: { loadedAt: number; value: Promise<CatalogSnapshot> };

  constructor(
    private readonly client: CommonRoomClient,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The cached catalog, loaded once for concurrent callers and again after the TTL. The load
   * has a budget of its own, not its first caller's: each caller waits for it only until its
   * own deadline or stop.
   */
  get(callOptions: CallOptions): Promise<CatalogSnapshot> {
    const fresh = this.snapshot && this.now() - this.snapshot.loadedAt < this.ttlSeconds * 1000;
    if (!fresh) {
      const value = this.load({
        deadline: Date.now() + DEFAULT_ATTEMPT_BUDGET_MS,
        ...(callOptions.trace && { trace: callOptions.trace }),
      });
      this.snapshot = { loadedAt: this.now(), value };
      // A failed load is not cached: the next task tries again.
      value.catch(() => {
        if (this.snapshot?.value === value) this.snapshot = undefined;
      });
    }
    return awaitWithin(this.snapshot!.value, callOptions);
  }

  /** Throws INVALID_INPUT naming each field of `item` the catalog does not know. */
  async require<T>(
    item: T,
    issuesOf: (item: T, catalog: CatalogSnapshot, path: string) => InputIssue[],
    path: string,
    callOptions: CallOptions,
  ): Promise<void> {
    const issues = issuesOf(item, await this.get(callOptions), path);
    if (issues.length > 0) throw new InvalidInputError(issues);
  }

  private async load(callOptions: CallOptions): Promise<CatalogSnapshot> {
    const [types, fields] = await Promise.all([
      this.client.getActivityTypes(callOptions),
      this.client.getCustomFields(undefined, callOptions),
    ]);
    return {
      activityTypes: new Set(types.map((t) => t.id)),
      customFields: new Map(fields.map((f) => [f.id, f])),
    };
  }
}

/** Problems of a user's custom fields against the catalog; paths start at `path`. */
export function userCatalogIssues(
  user: ApiUser,
  catalog: CatalogSnapshot,
  path: string,
): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const [index, update] of (user.customFields ?? []).entries()) {
    const where = `${path}.customFields.${index}`;
    const field = catalog.customFields.get(update.id);
    if (!field) {
      issues.push({
        path: `${where}.id`,
        message: `no custom field with id ${update.id} in this community`,
      });
      continue;
    }
    if (!update.value) continue;
    if (update.value.type !== field.type) {
      issues.push({
        path: `${where}.value.type`,
        message: `custom field ${field.id} ("${field.name}") is of type ${field.type}, not ${update.value.type}`,
      });
      continue;
    }
    const values = Array.isArray(update.value.value) ? update.value.value : [update.value.value];
    if (values.length > 1 && !field.multivalue) {
      issues.push({
        path: `${where}.value.value`,
        message: `custom field ${field.id} ("${field.name}") takes one value`,
      });
    }
    if (field.type === "enum" && field.values?.length) {
      const unknown = values.filter((v) => !field.values!.includes(String(v)));
      if (unknown.length > 0) {
        issues.push({
          path: `${where}.value.value`,
          message: `${unknown.map((v) => `"${String(v)}"`).join(", ")} not among the values of custom field ${field.id} ("${field.name}"): ${field.values.join(", ")}`,
        });
      }
    }
  }
  return issues;
}

export function activityCatalogIssues(
  activity: ApiActivity,
  catalog: CatalogSnapshot,
  path: string,
): InputIssue[] {
  const issues: InputIssue[] = [];
  if (!catalog.activityTypes.has(activity.activityType)) {
    issues.push({
      path: `${path}.activityType`,
      message: `no activity type "${activity.activityType}" in this community (known: ${[...catalog.activityTypes].join(", ")})`,
    });
  }
  issues.push(...userCatalogIssues(activity.user, catalog, `${path}.user`));
  return issues;
}

/** `value`, unless the caller's deadline or stop comes first (then its budget is spent). */
function awaitWithin<T>(value: Promise<T>, { deadline, stop }: CallOptions): Promise<T> {
  if (deadline === undefined && stop === undefined) return value;
  return new Promise<T>((resolve, reject) => {
    const giveUp = () => {
      clear();
      reject(stop?.aborted ? stopped("catalog", stop) : budgetSpent("catalog"));
    };
    const timer =
      deadline === undefined ? undefined : setTimeout(giveUp, Math.max(0, deadline - Date.now()));
    stop?.addEventListener("abort", giveUp, { once: true });
    const clear = () => {
      clearTimeout(timer);
      stop?.removeEventListener("abort", giveUp);
    };
    value.then(
      (v) => {
        clear();
        resolve(v);
      },
      (e: unknown) => {
        clear();
        reject(e);
      },
    );
  });
}
