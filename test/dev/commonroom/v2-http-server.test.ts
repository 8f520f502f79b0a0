import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommonRoomSimulator,
  startCommonRoomServer,
  type RunningServer,
} from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
let server: RunningServer;

beforeAll(async () => {
  server = await startCommonRoomServer(sim);
});
afterAll(async () => {
  await server?.close();
});

describe("the loopback http server serves v2 too", () => {
  it("has a v2 URL next to the v1 one, on the same simulator", async () => {
    expect(server.v2Url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/community\/v2$/);
    expect(server.v2Url.replace(/v2$/, "v1")).toBe(server.url);
    const res = await call("GET", "/contacts?limit=2", { base: server.v2Url });
    expect(res.status).toBe(200);
    expect((res.json as { data: unknown[] }).data).toHaveLength(2);
    const created = await call("POST", "/segments", {
      base: server.v2Url,
      body: { name: "Over the wire" },
    });
    expect(created.status).toBe(201);
    const v1 = await call("GET", "/segments", { base: server.url });
    expect(v1.json).toContainEqual({ id: 204, name: "Over the wire" });
    expect(sim.requests.map((r) => `${r.api} ${r.method} ${r.path}`)).toEqual([
      "v2 GET /contacts",
      "v2 POST /segments",
      "v1 GET /segments",
    ]);
    expect(sim.violations).toEqual([]);
  });
});
