import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  ActivityList,
  ApiActivity,
  Contact,
  ContactId,
  ContactList,
  IsoDateTime,
  ObjectTypeId,
  OrganizationId,
  SegmentRef,
  SortDirection,
  V2Activity,
} from "../../src/commonroom/schemas.js";

function issues(schema: z.ZodTypeAny, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("v2 input helpers", () => {
  it("ContactId accepts c_<number> only", () => {
    expect(ContactId.parse("c_123")).toBe("c_123");
    for (const bad of ["123", "c_", "c_12a", " c_1", "o_1", "C_1"]) {
      expect(issues(ContactId, bad)).toEqual([": must look like c_<number>"]);
    }
    expect(issues(ContactId, 123)).toEqual([": must be a string"]);
    expect(issues(ContactId, undefined)).toEqual([": required"]);
  });

  it("OrganizationId and ObjectTypeId check their prefixes", () => {
    expect(OrganizationId.parse("o_5")).toBe("o_5");
    expect(issues(OrganizationId, "c_5")).toEqual([": must look like o_<number>"]);
    expect(ObjectTypeId.parse("cot_77")).toBe("cot_77");
    expect(issues(ObjectTypeId, "co_77")).toEqual([": must look like cot_<number>"]);
    expect(issues(ObjectTypeId, "cot_x")).toEqual([": must look like cot_<number>"]);
  });

  it("SegmentRef keeps s_<number> and turns plain positive integers into it", () => {
    expect(SegmentRef.parse("s_42")).toBe("s_42");
    expect(SegmentRef.parse(42)).toBe("s_42");
    expect(SegmentRef.parse("42")).toBe("s_42");
    expect(SegmentRef.parse(" 007 ")).toBe("s_7");
    expect(SegmentRef.parse("123456789012345678901")).toBe("s_123456789012345678901");
    const bad = ": must be a segment id: s_<number>, a positive integer, or a string of digits";
    for (const value of ["s_", "s_0", "seg_1", "abc", "0", "", "-3", "s_1x"]) {
      expect(issues(SegmentRef, value)).toEqual([bad]);
    }
    for (const value of [0, 1.5, -2, null, true]) expect(issues(SegmentRef, value)).toEqual([bad]);
    expect(issues(SegmentRef, undefined)).toEqual([": required"]);
  });

  it("IsoDateTime accepts an ISO 8601 date or date-time with a zone", () => {
    for (const good of [
      "2024-05-01",
      "2024-05-01T12:00:00Z",
      "2024-05-01T12:00:00.123Z",
      "2024-05-01T12:00:00+02:00",
    ]) {
      expect(IsoDateTime.parse(good)).toBe(good);
    }
    const message =
      ": must be an ISO 8601 date or date-time, e.g. 2024-05-01 or 2024-05-01T12:00:00Z";
    for (const bad of [
      "2024-02-30",
      "May 1, 2024",
      "2024-05-01 12:00",
      "2024-13-01",
      "1714564800",
    ]) {
      expect(issues(IsoDateTime, bad)).toEqual([message]);
    }
    expect(issues(IsoDateTime, 1714564800)).toEqual([": must be a string"]);
  });

  it("SortDirection is asc or desc", () => {
    expect(SortDirection.options).toEqual(["asc", "desc"]);
    expect(SortDirection.safeParse("up").success).toBe(false);
  });

  it("the v1 ApiActivity timestamp still wants a full date-time", () => {
    const activity = { id: "a", activityType: "t", user: { id: "u" } };
    expect(issues(ApiActivity, { ...activity, timestamp: "2024-05-01T00:00:00Z" })).toEqual([]);
    expect(issues(ApiActivity, { ...activity, timestamp: "2024-05-01" })[0]).toMatch(
      /^timestamp: must be an ISO 8601 date-time/,
    );
  });
});

describe("v2 response schemas", () => {
  it("Contact requires id and name and passes every other field through", () => {
    const value = { id: "c_1", name: "Ada", fullName: null, cf: { a: 1 }, tags: ["l_1"] };
    expect(Contact.parse(value)).toStrictEqual(value);
    expect(issues(Contact, { id: "c_1" })).toEqual(["name: Required"]);
    expect(issues(Contact, { id: 1, name: "x" })).toEqual(["id: Expected string, received number"]);
  });

  it("V2Activity requires id, type and activityTime and passes extras through", () => {
    const value = { id: "a_1", type: "tweet", activityTime: "2024-05-01T00:00:00Z", replyCount: 2 };
    expect(V2Activity.parse(value)).toStrictEqual(value);
    expect(issues(V2Activity, { id: "a_1", activityTime: "x" })).toEqual(["type: Required"]);
    expect(issues(V2Activity, { ...value, content: 5 })).toEqual([
      "content: Expected string, received number",
    ]);
  });

  it("list envelopes need success: true, data and meta.nextCursor (string or null)", () => {
    expect(
      ContactList.parse({ success: true, data: [], meta: { nextCursor: null, recordCount: 0 } }),
    ).toStrictEqual({ success: true, data: [], meta: { nextCursor: null, recordCount: 0 } });
    expect(issues(ContactList, { success: true, data: [], meta: {} })).toEqual([
      "meta.nextCursor: Required",
    ]);
    expect(issues(ActivityList, { success: false, data: [], meta: { nextCursor: "x" } })).toEqual([
      "success: Invalid literal value, expected true",
    ]);
    expect(issues(ActivityList, { success: true, meta: { nextCursor: null } })).toEqual([
      "data: Required",
    ]);
  });
});
