import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator, type ApiTag } from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterEach(() => sim.assertNoViolations());
afterAll(() => server.close());

const labels = async () => ((await call("GET", "/tags")).json as { labels: ApiTag[] }).labels;

describe("tags are stateful", () => {
  it("create returns the existing live tag with the same name instead of a new one", async () => {
    const again = await call("POST", "/tags", {
      body: { name: "Champion", entityTypes: ["activity"] },
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: "tag_1", name: "Champion", entityTypes: ["member"] });
    const first = (await call("POST", "/tags", { body: { name: "New", entityTypes: ["company"] } }))
      .json as ApiTag;
    const second = (
      await call("POST", "/tags", { body: { name: "New", entityTypes: ["company"] } })
    ).json as ApiTag;
    expect(second.id).toBe(first.id);
    expect((await labels()).filter((t) => t.name === "New")).toHaveLength(1);
  });

  it("list hides deleted tags; get still shows them with deletedAt", async () => {
    expect((await labels()).map((t) => t.name)).not.toContain("Legacy");
    const legacy = await call("GET", "/tags/tag_4");
    expect(legacy.status).toBe(200);
    expect((legacy.json as ApiTag).deletedAt).toBe("2024-06-01T00:00:00.000Z");
    await call("DELETE", "/tags/tag_2");
    expect((await labels()).map((t) => t.id)).toEqual(["tag_1", "tag_3"]);
    expect(((await call("GET", "/tags/tag_2")).json as ApiTag).deletedAt).toMatch(
      /^\d{4}-\d{2}-\d{2}T/,
    );
  });

  it("deleting twice is 404 Tag Not Found; deleting an unknown tag is 404", async () => {
    expect((await call("DELETE", "/tags/tag_3")).status).toBe(200);
    const twice = await call("DELETE", "/tags/tag_3");
    expect(twice.status).toBe(404);
    expect(twice.json).toEqual({ reason: "Tag Not Found" });
    expect((await call("DELETE", "/tags/tag_404")).status).toBe(404);
    expect((await call("DELETE", "/tags/tag_4")).status).toBe(404);
  });

  it("update undeletes, keeps entityTypes, and sets description only when given", async () => {
    const updated = await call("POST", "/tags/tag_4", { body: { name: "Legacy again" } });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      id: "tag_4",
      name: "Legacy again",
      description: "Retired tag",
      deletedAt: null,
      entityTypes: ["member"],
    });
    expect((await labels()).map((t) => t.id)).toContain("tag_4");
    const cleared = await call("POST", "/tags/tag_4", {
      body: { name: "Legacy again", description: null },
    });
    expect((cleared.json as ApiTag).description).toBeNull();
    expect((await call("POST", "/tags/tag_999", { body: { name: "x" } })).status).toBe(404);
  });

  it("a deleted tag's name can be created afresh", async () => {
    const fresh = (
      await call("POST", "/tags", { body: { name: "Legacy", entityTypes: ["member"] } })
    ).json as ApiTag;
    expect(fresh.id).not.toBe("tag_4");
    expect(fresh.deletedAt).toBeNull();
  });

  it("reset brings the seed back and keeps the maps' identity", async () => {
    const tags = sim.state.tags;
    await call("DELETE", "/tags/tag_1");
    await call("POST", "/tags", { body: { name: "Temp", entityTypes: ["member"] } });
    sim.reset();
    expect(sim.state.tags).toBe(tags);
    expect(sim.requests).toEqual([]);
    expect((await labels()).map((t) => t.id)).toEqual(["tag_1", "tag_2", "tag_3"]);
  });

  it("honours a seed", async () => {
    const other = createCommonRoomSimulator({
      seed: {
        tags: [
          {
            id: "x1",
            name: "Only",
            description: null,
            entityTypes: ["company"],
            createdAt: "2024-01-01T00:00:00.000Z",
            deletedAt: null,
          },
        ],
      },
    });
    server.use(...other.handlers);
    expect((await labels()).map((t) => t.id)).toEqual(["x1"]);
    const created = (
      await call("POST", "/tags", { body: { name: "Second", entityTypes: ["member"] } })
    ).json as ApiTag;
    expect(created.id).not.toBe("x1");
    server.resetHandlers();
  });
});
