import { beforeEach, describe, expect, it } from "vitest";
import { useOperationRunner } from "../support/operation-runner.js";

/**
 * contract.md, "Rules that keep data safe": Delete Tag and Create Segment are safe to run
 * twice at both levels of retry. A lost answer (Common Room did the work, the answer never
 * came back) followed by the worker's own retry, or a Conductor retry (retryCount > 0),
 * completes; the same 404 / 409 on a first, clean request is still an error.
 */

const { sim, run: runOperation } = useOperationRunner();
beforeEach(() => sim.reset());

async function run(task: string, input: Record<string, unknown>, attempt = 0) {
  return (await runOperation(task, input, { attempt })).result;
}

describe("Delete Tag", () => {
  it("completes with alreadyDeleted after a lost answer and the worker's own retry", async () => {
    sim.inject({ match: { method: "DELETE", path: "/tags/tag_3" }, lostAnswer: true });
    const result = await run("delete_tag", { tagId: "tag_3" });
    expect(result.status).toBe("COMPLETED");
    expect(result.outputData).toMatchObject({ status: "deleted", alreadyDeleted: true });
    expect(sim.requests.map((r) => r.method)).toEqual(["DELETE", "DELETE"]);
    expect(sim.state.tags.get("tag_3")?.deletedAt).not.toBeNull();
  });

  it("completes with alreadyDeleted on a Conductor retry", async () => {
    expect((await run("delete_tag", { tagId: "tag_3" })).status).toBe("COMPLETED");
    const retry = await run("delete_tag", { tagId: "tag_3" }, 1);
    expect(retry.status).toBe("COMPLETED");
    expect(retry.outputData).toMatchObject({ alreadyDeleted: true });
  });

  it("is NOT_FOUND when the first, clean request meets a 404", async () => {
    const result = await run("delete_tag", { tagId: "tag_999" });
    expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(result.outputData.error).toMatchObject({ code: "NOT_FOUND" });
  });

  it("is NOT_FOUND when the earlier request was a 429 (which does no work)", async () => {
    sim.inject({ match: { method: "DELETE" }, status: 429, waitMs: 10 });
    const result = await run("delete_tag", { tagId: "tag_999" });
    expect(result.outputData.error).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("Create Segment", () => {
  it("returns the segment with alreadyExisted after a lost answer and the worker's own retry", async () => {
    sim.inject({ match: { method: "POST", path: "/segments", api: "v2" }, lostAnswer: true });
    const result = await run("create_segment", { name: "Webinar attendees" });
    expect(result.status).toBe("COMPLETED");
    const created = sim.state.createdSegments;
    expect(created).toHaveLength(1);
    expect(result.outputData).toEqual({
      id: `s_${created[0]!.id}`,
      segmentId: created[0]!.id,
      name: "Webinar attendees",
      alreadyExisted: true,
    });
  });

  it("returns the segment with alreadyExisted on a Conductor retry", async () => {
    const first = await run("create_segment", { name: "Webinar attendees" });
    expect(first.outputData).toMatchObject({ id: expect.stringMatching(/^s_\d+$/) });
    expect(first.outputData.segmentId).toBe(Number(String(first.outputData.id).slice(2)));
    const retry = await run("create_segment", { name: "webinar attendees " }, 2);
    expect(retry.status).toBe("COMPLETED");
    expect(retry.outputData).toEqual({ ...first.outputData, alreadyExisted: true });
  });

  it("is CONFLICT on a first, clean attempt whose name is taken", async () => {
    const result = await run("create_segment", { name: "Champions" });
    expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    expect(result.outputData.error).toMatchObject({ code: "CONFLICT" });
  });
});
