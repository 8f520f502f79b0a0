import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  ActivityType,
  ApiActivity,
  ApiTag,
  ApiUser,
  CustomField,
  CustomFieldUpdate,
  DestinationSourceId,
  SegmentId,
  TagId,
  TagList,
} from "../../src/commonroom/schemas.js";

/** Each issue as "path: message". */
function issues(schema: z.ZodTypeAny, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const fullUser = {
  id: "u-1",
  fullName: "Ada Lovelace",
  firstName: "Ada",
  lastName: null,
  username: "ada",
  avatarUrl: "https://example.com/ada.png",
  bio: null,
  email: "ada@example.com",
  linkedin: { type: "handle", value: "in/ada" },
  github: { type: "handle", value: "ada" },
  twitter: null,
  discord: { type: "username", username: "ada", discriminator: 1234 },
  externalProfiles: [{ url: "https://ada.dev", name: "Site" }, { url: "https://x.dev" }],
  roleAtCompany: "Engineering",
  titleAtCompany: "Analyst",
  companyName: "Engines Ltd",
  companyDomain: "engines.example",
  country: "UK",
  city: "London",
  region: null,
  rawLocation: "London, UK",
  tags: [
    { type: "id", id: "t1" },
    { type: "name", name: "VIP" },
  ],
  customFields: [
    { id: 1, value: { type: "date", value: "2024-02-29" } },
    { id: 2, value: { type: "int", value: 3 } },
    { id: 3, value: { type: "number", value: 2.5 } },
    { id: 4, value: { type: "boolean", value: false } },
    { id: 5, value: { type: "enum", value: ["a", "b"] } },
    { id: 6, value: { type: "url", value: "https://x" } },
    { id: 7, value: { type: "string", value: "s" } },
    { id: 8 },
  ],
};

const fullActivity = {
  id: "a-1",
  activityType: "made_post_topic",
  user: { id: "u-1", email: "ada@example.com" },
  activityTitle: { type: "text", value: "Hello" },
  content: { type: "markdown", value: "**hi**" },
  timestamp: "2024-05-01T12:00:00.000Z",
  url: "https://forum.example/t/1",
  tags: [{ type: "name", name: "forum" }],
  parentActivity: { id: "a-0", activityType: "made_post_topic" },
  subSource: { type: "name", name: "general" },
};

describe("ApiUser", () => {
  it("accepts a full valid user and returns it unchanged (nothing added)", () => {
    expect(ApiUser.parse(fullUser)).toEqual(fullUser);
    expect(ApiUser.parse({ id: "x" })).toEqual({ id: "x" });
    expect(ApiUser.parse({ id: "x", discord: { username: "a", discriminator: "0001" } })).toEqual({
      id: "x",
      discord: { username: "a", discriminator: "0001" },
    });
  });

  it("requires a non-empty id", () => {
    expect(issues(ApiUser, {})).toEqual(["id: required"]);
    expect(issues(ApiUser, { id: "  " })).toEqual(["id: must not be empty"]);
    expect(issues(ApiUser, { id: 5 })).toEqual(["id: must be a string"]);
  });

  it("rejects a misspelt field, naming it", () => {
    const found = issues(ApiUser, { id: "x", fulName: "Ada" });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("fulName");
  });

  it("rejects a misspelt field inside a nested object, with its path", () => {
    const found = issues(ApiUser, { id: "x", github: { type: "handle", value: "a", handle: "a" } });
    expect(found[0]).toMatch(/^github: .*handle/);
  });

  it("rejects null tags and customFields (arrays, not nullable)", () => {
    expect(issues(ApiUser, { id: "x", tags: null })[0]).toMatch(/^tags: /);
    expect(issues(ApiUser, { id: "x", customFields: null })[0]).toMatch(/^customFields: /);
  });

  it("rejects a bad handle type and a bad tag assignment type", () => {
    expect(issues(ApiUser, { id: "x", twitter: { type: "url", value: "a" } })[0]).toMatch(
      /^twitter.type: /,
    );
    expect(issues(ApiUser, { id: "x", tags: [{ type: "nam", name: "a" }] })).toEqual([
      'tags.0.type: type must be "id" or "name"',
    ]);
  });

  it("rejects a bad email", () => {
    expect(issues(ApiUser, { id: "x", email: "not-an-email" })).toEqual([
      "email: must be an email address",
    ]);
  });
});

describe("CustomFieldUpdate", () => {
  it("checks a date's form and that it exists", () => {
    expect(
      issues(CustomFieldUpdate, { id: 1, value: { type: "date", value: "05/01/2024" } }),
    ).toEqual(["value.value: must be a date in YYYY-MM-DD form"]);
    expect(
      issues(CustomFieldUpdate, { id: 1, value: { type: "date", value: "2023-02-29" } }),
    ).toEqual(["value.value: must be a real calendar date (YYYY-MM-DD)"]);
  });

  it("names the bad item of a multi-value array", () => {
    expect(issues(CustomFieldUpdate, { id: 1, value: { type: "int", value: [1, 2.5] } })).toEqual([
      "value.value.1: must be an integer",
    ]);
  });

  it("checks the value against its type", () => {
    expect(
      issues(CustomFieldUpdate, { id: 1, value: { type: "boolean", value: "true" } })[0],
    ).toMatch(/^value.value: Expected boolean/);
    expect(issues(CustomFieldUpdate, { id: 1, value: { type: "string", value: 3 } })[0]).toMatch(
      /^value.value: Expected string/,
    );
    expect(issues(CustomFieldUpdate, { id: 1, value: { type: "colour", value: "red" } })).toEqual([
      "value.type: type must be one of enum, string, date, int, number, url, boolean",
    ]);
  });

  it("requires a numeric id (a string of digits is one) and both keys of value", () => {
    expect(CustomFieldUpdate.parse({ id: "103" })).toEqual({ id: 103 });
    expect(issues(CustomFieldUpdate, { id: "x1" })).toEqual([
      "id: must be a whole number at least 1 (a number or a string of digits)",
    ]);
    expect(issues(CustomFieldUpdate, { id: 1, value: { type: "int" } })[0]).toMatch(
      /^value.value: /,
    );
  });
});

describe("ApiActivity", () => {
  it("accepts a full valid activity unchanged", () => {
    expect(ApiActivity.parse(fullActivity)).toEqual(fullActivity);
  });

  it("requires id, activityType and user.id", () => {
    expect(issues(ApiActivity, { user: {} }).sort()).toEqual(
      ["activityType: required", "id: required", "user.id: required"].sort(),
    );
  });

  it("rejects unknown fields, bad content type, non-ISO timestamps, null timestamp", () => {
    expect(issues(ApiActivity, { ...fullActivity, occurredAt: "x" })[0]).toContain("occurredAt");
    expect(issues(ApiActivity, { ...fullActivity, user: { id: "u", nmae: "x" } })[0]).toMatch(
      /^user: .*nmae/,
    );
    expect(issues(ApiActivity, { ...fullActivity, content: { type: "html", value: "x" } })).toEqual(
      ['content.type: type must be "text" or "markdown"'],
    );
    expect(issues(ApiActivity, { ...fullActivity, timestamp: "Dec 4, 2023" })[0]).toMatch(
      /^timestamp: must be an ISO 8601 date-time/,
    );
    expect(issues(ApiActivity, { ...fullActivity, timestamp: null })[0]).toMatch(/^timestamp: /);
    expect(
      issues(ApiActivity, {
        ...fullActivity,
        user: { id: "u", customFields: [{ id: 1, value: { type: "date", value: "2024-1-1" } }] },
      }),
    ).toEqual(["user.customFields.0.value.value: must be a date in YYYY-MM-DD form"]);
  });
});

describe("id helpers", () => {
  it("DestinationSourceId and SegmentId take numbers or strings of digits", () => {
    for (const schema of [DestinationSourceId, SegmentId]) {
      expect(schema.parse(45474)).toBe(45474);
      expect(schema.parse("138683")).toBe(138683);
      for (const bad of [0, -1, 1.5, "12a", "", "-3", true, null]) {
        expect(issues(schema, bad)).toHaveLength(1);
      }
    }
    expect(issues(DestinationSourceId, "12a")).toEqual([
      ": must be a positive integer (a number or a string of digits)",
    ]);
  });

  it("SegmentId also takes the v2 form s_<number>, so Create Segment's id chains", () => {
    expect(SegmentId.parse("s_206")).toBe(206);
    expect(SegmentId.parse(" s_0206 ")).toBe(206);
    for (const bad of ["s_", "s_0", "seg_1", "s_1x", "c_206"]) {
      expect(issues(SegmentId, bad)).toEqual([
        ": must be a segment id: s_<number>, a positive integer, or a string of digits",
      ]);
    }
  });

  it("TagId is a non-empty string", () => {
    expect(TagId.parse("abc")).toBe("abc");
    expect(issues(TagId, "")).toEqual([": must not be empty"]);
    expect(issues(TagId, 12)).toEqual([": must be a string"]);
  });
});

describe("response schemas", () => {
  const tag = {
    id: "t1",
    name: "VIP",
    description: null,
    entityTypes: ["member"],
    createdAt: "2024-01-01T00:00:00Z",
    deletedAt: null,
  };

  it("strip extra fields but keep the documented ones", () => {
    expect(ApiTag.parse({ ...tag, extra: 1 })).toEqual(tag);
    expect(ActivityType.parse({ id: "a", displayName: "A", name: "a", x: 1 })).toEqual({
      id: "a",
      displayName: "A",
      name: "a",
    });
    expect(ActivityType.parse({ id: "a", displayName: "A" })).toEqual({
      id: "a",
      displayName: "A",
    });
    expect(
      TagList.parse({ labels: [{ id: "t", name: "n", entityTypes: [], createdAt: "x" }] }),
    ).toEqual({ labels: [{ id: "t", name: "n", entityTypes: [], createdAt: "x" }] });
  });

  it("insist on required fields", () => {
    expect(issues(ApiTag, { ...tag, createdAt: undefined })).toEqual(["createdAt: Required"]);
    expect(issues(CustomField, { id: "1", name: "n", type: "enum", multivalue: false })[0]).toMatch(
      /^id: /,
    );
    expect(issues(TagList, { tags: [] })).toEqual(["labels: Required"]);
  });
});
