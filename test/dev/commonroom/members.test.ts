/** The simulator's GET /members and POST /segments/{id}: lookups and segment additions. */
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCommonRoomSimulator } from "../../../dev/commonroom/index.js";
import { call } from "./api-fetch.js";

const sim = createCommonRoomSimulator();
const server = setupServer(...sim.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => sim.reset());
afterAll(() => server.close());

// c_1 of the v2 seed: in segment 201 "Champions".
const SEEDED = "grace.torvalds.1@example.com";

describe("GET /members", () => {
  it("finds a room contact by email (any case) in the spec's shape, with its segments", async () => {
    const res = await call("GET", `/members?email=${encodeURIComponent(SEEDED.toUpperCase())}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      expect.objectContaining({
        fullName: "Grace Torvalds",
        segments: [{ id: 201, name: "Champions" }],
        common_room_member_url: expect.stringContaining("/member/1"),
      }),
    ]);
    expect(sim.violations).toEqual([]);
  });

  it("finds a user written through the API by a handle; 404 when nobody matches", async () => {
    await call("POST", "/source/1001/user", {
      body: { id: "u9", fullName: "Nine", twitter: { type: "handle", value: "@nine" } },
    });
    const found = await call("GET", "/members?twitter=NINE");
    expect(found.json).toEqual([expect.objectContaining({ fullName: "Nine", twitter: "@nine" })]);
    expect((await call("GET", "/members?github=nobody")).status).toBe(404);
    expect(sim.violations).toEqual([]);
  });

  it("answers 400 without a lookup, or with an email that is not one (spec violations)", async () => {
    expect((await call("GET", "/members")).status).toBe(400);
    expect((await call("GET", "/members?email=not-an-email")).status).toBe(400);
    expect(sim.violations.join("\n")).toMatch(/query must give one of query\.email/);
    expect(sim.violations.join("\n")).toMatch(/query\.email must be an email address/);
  });
});

describe("POST /segments/{id}", () => {
  it("adds matching contacts, records every value, and notes the ones that match nobody", async () => {
    const res = await call("POST", "/segments/202", {
      body: { socialType: "email", value: `${SEEDED}, nobody@example.com`, statusId: 4 },
    });
    expect(res.status).toBe(200);
    expect(sim.state.contacts.get("c_1")?.segmentIds).toEqual([201, 202]);
    expect(sim.state.segmentAdditions).toEqual([
      { segmentId: 202, socialType: "email", value: SEEDED, statusId: 4, matched: "c_1" },
      {
        segmentId: 202,
        socialType: "email",
        value: "nobody@example.com",
        statusId: 4,
        matched: null,
      },
    ]);
    expect(sim.requests[0]?.notes.join("\n")).toContain('"nobody@example.com" matches no contact');
    // Adding again changes nothing.
    await call("POST", "/segments/202", { body: { socialType: "email", value: SEEDED } });
    expect(sim.state.contacts.get("c_1")?.segmentIds).toEqual([201, 202]);
    expect(sim.violations).toEqual([]);
  });

  it("404 for an unknown segment; 400 for a body against the spec", async () => {
    expect(
      (await call("POST", "/segments/999", { body: { socialType: "email", value: SEEDED } }))
        .status,
    ).toBe(404);
    for (const body of [
      { socialType: "email", value: "a@example.com,not-an-email" },
      { socialType: "phone", value: "123" },
      { value: SEEDED },
      { socialType: "email", value: SEEDED, values: [SEEDED] },
    ]) {
      expect((await call("POST", "/segments/202", { body })).status, JSON.stringify(body)).toBe(
        400,
      );
    }
    expect(
      (await call("POST", "/segments/s_202", { body: { socialType: "email", value: SEEDED } }))
        .status,
    ).toBe(400);
    const text = sim.violations.join("\n");
    for (const expected of [
      "item 1 is not an email address",
      "body.socialType",
      "body.value",
      "body.values",
      "path.id must be a numeric segment id",
    ])
      expect(text).toContain(expected);
  });
});
