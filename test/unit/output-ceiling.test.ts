import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useOperationRunner } from "../support/operation-runner.js";

/**
 * contract.md, "Output ceiling": no output over COMMON_ROOM_MAX_OUTPUT_BYTES. Lists stop
 * early with the cursor to resume from and `truncated: true`; walking on from that cursor
 * loses nothing and repeats nothing. A fetchAll whose later page fails keeps the cursor.
 */

const { sim, msw, run: runOperation } = useOperationRunner();
const ALL_CONTACTS = 230;
const COLS = "fullName,primaryEmail,title,companyName,companyWebsite,location,tags,segments";

beforeEach(() => sim.reset());
afterEach(() => msw.resetHandlers());

async function run(task: string, input: Record<string, unknown>, maxOutputBytes?: number) {
  return (await runOperation(task, input, { maxOutputBytes })).result;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const ids = (output: Record<string, unknown>) =>
  (output.contacts as { id: string }[]).map((c) => c.id);

describe("List Contacts under the output ceiling", () => {
  it("fetchAll stops before the ceiling, and resuming from its cursor walks the rest exactly", async () => {
    const ceiling = 20_000;
    const seen: string[] = [];
    let cursor: unknown = undefined;
    let runs = 0;
    for (;;) {
      const result = await run(
        "list_contacts",
        { cols: COLS, limit: 50, fetchAll: true, maxItems: 10_000, cursor },
        ceiling,
      );
      expect(result.status).toBe("COMPLETED");
      expect(bytes(result.outputData)).toBeLessThanOrEqual(ceiling);
      seen.push(...ids(result.outputData));
      runs++;
      cursor = result.outputData.nextCursor;
      expect(result.outputData.truncated).toBe(cursor !== null);
      if (cursor === null) break;
    }
    expect(runs).toBeGreaterThan(2);
    expect(seen).toHaveLength(ALL_CONTACTS);
    expect(new Set(seen).size).toBe(ALL_CONTACTS);
  });

  it("cuts a single page that would be over it, with the cursor right after the last item", async () => {
    const first = await run("list_contacts", { cols: COLS, limit: 200 }, 20_000);
    expect(first.outputData.truncated).toBe(true);
    const firstIds = ids(first.outputData);
    expect(firstIds.length).toBeGreaterThan(0);
    expect(firstIds.length).toBeLessThan(200);
    const rest = await run("list_contacts", {
      cursor: first.outputData.nextCursor,
      limit: 200,
      fetchAll: true,
      maxItems: 10_000,
    });
    expect(new Set([...firstIds, ...ids(rest.outputData)]).size).toBe(ALL_CONTACTS);
    expect(firstIds.length + ids(rest.outputData).length).toBe(ALL_CONTACTS);
  });

  it("says truncated when maxItems cut the list, and not when it is complete", async () => {
    const cut = await run("list_contacts", { fetchAll: true, maxItems: 30, limit: 20 });
    expect(cut.outputData).toMatchObject({ truncated: true, nextCursor: expect.any(String) });
    const whole = await run("list_contacts", { segmentId: 201, fetchAll: true });
    expect(whole.outputData).toMatchObject({ truncated: false, nextCursor: null });
    const page = await run("list_contacts", { limit: 10 });
    expect(page.outputData).toMatchObject({ truncated: false, nextCursor: expect.any(String) });
  });

  it("keeps recordCount when cols asks for it", async () => {
    const result = await run("list_contacts", { limit: 5, cols: "recordCount,fullName" });
    expect(result.outputData.recordCount).toBe(ALL_CONTACTS);
  });

  it("a later page that fails keeps the cursor to resume from in the error's details", async () => {
    let calls = 0;
    msw.use(
      http.get(`${sim.v2BaseUrl}/contacts`, () => {
        if (++calls < 3) return undefined; // the simulator answers the first two pages
        return HttpResponse.json(
          { success: false, error: { code: "internal_server_error", message: "boom" } },
          { status: 500 },
        );
      }),
    );
    const first = await run("list_contacts", { limit: 40, fetchAll: true });
    expect(first.status).toBe("FAILED");
    const error = first.outputData.error as {
      code: string;
      retryable: boolean;
      details: { resumeCursor: string; collected: number };
    };
    expect(error).toMatchObject({ code: "UPSTREAM_ERROR", retryable: true });
    expect(error.details).toMatchObject({ resumeCursor: expect.any(String), collected: 80 });
    msw.resetHandlers();
    const rest = await run("list_contacts", {
      cursor: error.details.resumeCursor,
      fetchAll: true,
      limit: 200,
    });
    expect(ids(rest.outputData)).toHaveLength(ALL_CONTACTS - 80);
  });
});

describe("other operations under the output ceiling", () => {
  it("a bulk task keeps each item's result short enough to stay under it", async () => {
    const users = Array.from({ length: 1000 }, (_, i) => ({
      id: `u-${i}`,
      email: `not-an-email-${"x".repeat(200)}`,
      linkedin: { type: "wrong", value: "y".repeat(2000) },
    }));
    const ceiling = 200_000;
    const result = await run("bulk_add_or_edit_users", { users }, ceiling);
    expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(bytes(result.outputData)).toBeLessThanOrEqual(ceiling);
    expect((result.outputData.results as unknown[]).length).toBe(1000);
  });

  it("an answer too large to carry fails terminally instead of going over", async () => {
    const labels = Array.from({ length: 50 }, (_, i) => ({
      id: `tag_${i}`,
      name: `Tag ${i}`,
      description: "d".repeat(1000),
      entityTypes: ["member"],
      createdAt: "2026-01-01T00:00:00Z",
      deletedAt: null,
    }));
    msw.use(http.get(`${sim.baseUrl}/tags`, () => HttpResponse.json({ labels })));
    const result = await run("list_tags", {}, 10_000);
    expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(result.outputData.error).toMatchObject({
      code: "UNEXPECTED_RESPONSE",
      message: expect.stringContaining("COMMON_ROOM_MAX_OUTPUT_BYTES"),
    });
    expect(bytes(result.outputData)).toBeLessThan(10_000);
  });
});
