import { describe, expect, it } from "vitest";
import type { CommonRoomClient } from "../../src/commonroom/client.js";
import { Catalog, activityCatalogIssues } from "../../src/operations/catalog.js";

/** A client double for the two catalog reads only; counts calls. */
function catalogClient(types: string[]) {
  const calls = { types: 0, fields: 0 };
  const client = {
    getActivityTypes: async () => (calls.types++, types.map((id) => ({ id, displayName: id }))),
    getCustomFields: async () => (
      calls.fields++,
      [{ id: 7, name: "Plan", type: "enum", multivalue: false, values: ["free", "pro"] }]
    ),
  } as unknown as CommonRoomClient;
  return { client, calls };
}

describe("catalog cache", () => {
  it("loads once for concurrent callers, again only after the TTL", async () => {
    let now = 1_000_000;
    const { client, calls } = catalogClient(["other"]);
    const catalog = new Catalog(client, 600, () => now);
    await Promise.all([catalog.get({}), catalog.get({})]);
    now += 599_000;
    await catalog.get({});
    expect(calls).toEqual({ types: 1, fields: 1 });
    now += 2_000;
    await catalog.get({});
    expect(calls).toEqual({ types: 2, fields: 2 });
  });

  it("loads on a budget of its own: a waiting caller is not cut short by the first caller's deadline", async () => {
    const seen: (number | undefined)[] = [];
    const slow = (value: unknown) => (o: { deadline?: number }) => {
      seen.push(o.deadline);
      return new Promise((resolve) => setTimeout(() => resolve(value), 150));
    };
    const client = {
      getActivityTypes: slow([{ id: "other", displayName: "Other" }]),
      getCustomFields: (_: unknown, o: { deadline?: number }) => slow([])(o),
    } as unknown as CommonRoomClient;
    const catalog = new Catalog(client, 600);
    const hasty = catalog.get({ deadline: Date.now() + 20 });
    const patient = catalog.get({ deadline: Date.now() + 5_000 });
    await expect(hasty).rejects.toMatchObject({ details: { code: "BUDGET_SPENT" } });
    await expect(patient).resolves.toMatchObject({ activityTypes: new Set(["other"]) });
    // The load's own deadline is far beyond the hasty caller's.
    for (const deadline of seen) expect(deadline).toBeGreaterThan(Date.now() + 20_000);
  });

  it("does not keep a failed load", async () => {
    let fail = true;
    const client = {
      getActivityTypes: async () => {
        if (fail) throw new Error("down");
        return [];
      },
      getCustomFields: async () => [],
    } as unknown as CommonRoomClient;
    const catalog = new Catalog(client, 600);
    await expect(catalog.get({})).rejects.toThrow("down");
    fail = false;
    await expect(catalog.get({})).resolves.toMatchObject({ activityTypes: new Set() });
  });

  it("names the unknown activity type and the bad enum value of the activity's user", async () => {
    const { client } = catalogClient(["other"]);
    const snapshot = await new Catalog(client, 600).get({});
    const issues = activityCatalogIssues(
      {
        id: "a",
        activityType: "nope",
        user: { id: "u", customFields: [{ id: 7, value: { type: "enum", value: "gold" } }] },
      },
      snapshot,
      "activity",
    );
    expect(issues.map((i) => i.path)).toEqual([
      "activity.activityType",
      "activity.user.customFields.0.value.value",
    ]);
    expect(issues[1]?.message).toContain("free, pro");
  });
});
