import { beforeEach, describe, expect, it } from "vitest";
import { useOperationRunner } from "../support/operation-runner.js";

/**
 * The account-level reads and the time window of List Activities, run as the worker runs
 * them against the Common Room simulator: what goes out on the wire and what comes back.
 */

const { sim, run } = useOperationRunner();
beforeEach(() => sim.reset());

const v2Queries = (path: string) =>
  sim.requests.filter((r) => r.api === "v2" && r.path === path).map((r) => r.query);

describe("List Activities over a window", () => {
  it("asOf (epoch ms) with lookbackSeconds asks for [asOf - lookback, asOf): the end one ms early", async () => {
    const asOf = Date.UTC(2024, 2, 1);
    const { result } = await run("list_activities", { asOf, lookbackSeconds: 86_400 });
    expect(result.status).toBe("COMPLETED");
    expect(v2Queries("/activities")).toEqual([
      { startDate: "2024-02-29T00:00:00.000Z", endDate: "2024-02-29T23:59:59.999Z" },
    ]);
    const activities = result.outputData.activities as { activityTime: string }[];
    expect(activities.length).toBeGreaterThan(0);
    for (const { activityTime } of activities) {
      expect(Date.parse(activityTime)).toBeGreaterThanOrEqual(asOf - 86_400_000);
      expect(Date.parse(activityTime)).toBeLessThan(asOf);
    }
  });

  it("consecutive scheduled runs read adjacent windows: every activity exactly once", async () => {
    const period = 5 * 86_400;
    const first = Date.UTC(2024, 0, 10);
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { result } = await run("list_activities", {
        asOf: first + i * period * 1000,
        lookbackSeconds: period,
        fetchAll: true,
      });
      expect(result.status).toBe("COMPLETED");
      seen.push(...(result.outputData.activities as { id: string }[]).map((a) => a.id));
    }
    const windows = v2Queries("/activities").map((q) => [q.startDate, q.endDate]);
    for (let i = 1; i < windows.length; i++)
      expect(Date.parse(windows[i]![0]!)).toBe(Date.parse(windows[i - 1]![1]!) + 1);
    // The seed has one activity every 13 hours: 30 days hold 55 or 56, none twice.
    const from = first - period * 1000;
    const to = first + 5 * period * 1000;
    const expected = [...sim.state.contactActivities.values()]
      .filter((a) => Date.parse(a.activityTime) >= from && Date.parse(a.activityTime) < to)
      .map((a) => a.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it("asOf as Conductor gives it in a string, as ISO 8601 with an offset, or as a date is the same moment", async () => {
    await run("list_activities", { asOf: "1709251200000", lookbackSeconds: "60" });
    await run("list_activities", { asOf: "2024-03-01T01:00:00+01:00", lookbackSeconds: 60 });
    await run("list_activities", { asOf: "2024-03-01", lookbackSeconds: 60 });
    const [a, b, c] = v2Queries("/activities");
    expect(a).toEqual(b);
    expect(c).toEqual(a);
    expect(a).toEqual({
      startDate: "2024-02-29T23:59:00.000Z",
      endDate: "2024-02-29T23:59:59.999Z",
    });
  });

  it.each([
    [{ asOf: 1709251200000 }, "lookbackSeconds", "required with asOf"],
    [{ lookbackSeconds: 60 }, "lookbackSeconds", "needs asOf"],
    [{ asOf: 1709251200000, lookbackSeconds: 60, startDate: "2024-01-01" }, "startDate", "either"],
    [{ asOf: "yesterday", lookbackSeconds: 60 }, "asOf", "ISO 8601"],
    [{ asOf: "2024-03-01T00:00:00", lookbackSeconds: 60 }, "asOf", "with a zone"],
    [{ asOf: "2024-02-30", lookbackSeconds: 60 }, "asOf", "a date"],
    [{ asOf: 1709251200000, lookbackSeconds: 0 }, "lookbackSeconds", "whole number"],
  ])("%j is INVALID_INPUT naming %s, before any call", async (input, field, message) => {
    const { result, error } = await run("list_activities", input);
    expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(error?.code).toBe("INVALID_INPUT");
    const issues = error?.details?.issues as { path: string; message: string }[];
    expect(issues).toContainEqual({ path: field, message: expect.stringContaining(message) });
    expect(sim.requests).toEqual([]);
  });
});

describe("Find Organization", () => {
  it("a URL from a page visit finds the organization by its bare domain", async () => {
    const { result } = await run("find_organization", {
      domain: "HTTPS://www.Globex.example.com:443/pricing?utm=x",
    });
    expect(result.outputData).toEqual({
      found: true,
      organization: { id: "o_2", name: "Globex", primaryDomain: "globex.example.com" },
    });
    expect(v2Queries("/organizations")).toEqual([
      { primaryDomain: "globex.example.com", limit: "1" },
    ]);
  });

  it("no organization of that domain is an answer, not a failure", async () => {
    const { result } = await run("find_organization", { domain: "unknown.example.org" });
    expect(result.status).toBe("COMPLETED");
    expect(result.outputData).toEqual({ found: false, organization: null });
  });

  it("something that is no domain is INVALID_INPUT naming domain, before any call", async () => {
    const { error } = await run("find_organization", { domain: "not a domain" });
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.message).toMatch(/domain: must be a domain or a URL/);
    expect(sim.requests).toEqual([]);
  });
});

describe("the other account-level reads", () => {
  it("Get Organization, Get Segment (any id form) and Get Activity put the object at the top", async () => {
    const org = await run("get_organization", {
      organizationId: "o_5",
      cols: ["employees", "url"],
    });
    expect(org.result.outputData).toMatchObject({ id: "o_5", name: "Hooli", employees: 750 });
    expect(v2Queries("/organizations/o_5")).toEqual([{ cols: "employees,url" }]);
    for (const segmentId of [202, "202", "s_202"]) {
      const segment = await run("get_segment", { segmentId });
      expect(segment.result.outputData).toMatchObject({ id: "s_202", entityType: "contact" });
    }
    const activity = await run("get_activity", { activityId: "a_7", cols: "contactId" });
    expect(activity.result.outputData).toMatchObject({ id: "a_7", contactId: expect.any(String) });
  });

  it("an unknown organization, segment or activity is NOT_FOUND, terminal", async () => {
    for (const [task, input] of [
      ["get_organization", { organizationId: "o_404" }],
      ["get_segment", { segmentId: "s_404" }],
      ["get_activity", { activityId: "a_40404" }],
    ] as const) {
      const { result, error } = await run(task, input);
      expect(error?.code, task).toBe("NOT_FOUND");
      expect(result.status, task).toBe("FAILED_WITH_TERMINAL_ERROR");
    }
  });

  it("List Organizations takes the spec's sorts only: another is INVALID_INPUT naming sort", async () => {
    const sorted = await run("list_organizations", { sort: "member_count", direction: "desc" });
    expect(sorted.result.status).toBe("COMPLETED");
    const { error } = await run("list_organizations", { sort: "name" });
    expect(error?.code).toBe("INVALID_INPUT");
    expect(error?.message).toMatch(/sort: must be id, member_count, ls_<number> or cf_<number>/);
  });

  it("List Organizations and List Website Visits page with fetchAll up to maxItems", async () => {
    const orgs = await run("list_organizations", { limit: 5, fetchAll: true });
    expect((orgs.result.outputData.organizations as unknown[]).length).toBe(12);
    expect(orgs.result.outputData).toMatchObject({ nextCursor: null, truncated: false });
    const visits = await run("list_website_visits", { limit: 50, fetchAll: true, maxItems: 120 });
    expect((visits.result.outputData.visits as unknown[]).length).toBe(120);
    expect(visits.result.outputData).toMatchObject({
      truncated: true,
      nextCursor: expect.any(String),
    });
    const resumed = await run("list_website_visits", {
      cursor: visits.result.outputData.nextCursor,
      fetchAll: true,
      limit: 200,
    });
    expect((resumed.result.outputData.visits as { id: string }[])[0]!.id).toBe("w_121");
    expect(resumed.result.outputData).toMatchObject({ truncated: false, nextCursor: null });
  });
});

describe("the new lists under the output ceiling", () => {
  it.each([
    ["list_website_visits", "visits", { cols: "contactId,organizationId" }, 300],
    ["list_organizations", "organizations", { cols: "topContacts,profiles,leadScores" }, 12],
    ["list_activities", "activities", { cols: "content,url,subSourceNames" }, 520],
  ] as const)(
    "%s stops before the ceiling and its cursor walks the rest exactly",
    async (task, key, extra, total) => {
      const ceiling = 3_000;
      const seen: string[] = [];
      let cursor: unknown = undefined;
      let runs = 0;
      for (;;) {
        const { result } = await run(
          task,
          { ...extra, limit: 50, fetchAll: true, maxItems: 10_000, cursor },
          { maxOutputBytes: ceiling },
        );
        expect(result.status, JSON.stringify(result.outputData).slice(0, 300)).toBe("COMPLETED");
        expect(Buffer.byteLength(JSON.stringify(result.outputData))).toBeLessThanOrEqual(ceiling);
        seen.push(...(result.outputData[key] as { id: string }[]).map((item) => item.id));
        runs++;
        cursor = result.outputData.nextCursor;
        expect(result.outputData.truncated).toBe(cursor !== null);
        if (cursor === null) break;
      }
      expect(runs).toBeGreaterThan(1);
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    },
  );
});
