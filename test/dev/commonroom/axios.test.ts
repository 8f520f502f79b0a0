import axios from "axios";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommonRoomSimulator, startCommonRoomServer } from "../../../dev/commonroom/index.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

describe("an axios client (what the worker uses) is served cleanly", () => {
  it("through msw and through the loopback server", async () => {
    const viaMsw = axios.create({
      baseURL: "https://api.commonroom.io/community/v1",
      headers: { Authorization: "Bearer test-token" },
    });
    expect((await viaMsw.post("/tags", { name: "Axios", entityTypes: ["member"] })).status).toBe(
      200,
    );
    expect((await viaMsw.delete("/tags/tag_1")).data).toEqual({ status: "ok" });
    expect(
      (await viaMsw.get("/members/customFields", { params: { destinationSourceId: 1001 } })).status,
    ).toBe(200);
    const failed = await viaMsw.get("/tags/nope").catch((error: unknown) => error);
    expect(axios.isAxiosError(failed) && failed.response?.status).toBe(404);

    server.close();
    const running = await startCommonRoomServer(sim);
    try {
      const viaHttp = axios.create({
        baseURL: running.url,
        headers: { Authorization: "Bearer test-token" },
      });
      const accepted = await viaHttp.post("/source/1001/activity", {
        id: "a1",
        activityType: "other",
        user: { id: "u1" },
        timestamp: new Date().toISOString(),
      });
      expect(accepted.status).toBe(202);
      expect(accepted.headers["x-ratelimit-remaining"]).toMatch(/^\d+$/);
    } finally {
      await running.close();
    }
    sim.assertNoViolations();
  });
});
