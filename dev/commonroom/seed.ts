/** The default data a simulator starts with (and returns to on reset). */
import type { ApiTag, ApiTokenInfo, ActivityTypeDef, IdName, SeedCustomField } from "./types.js";

export const DEFAULT_BASE_URL = "https://api.commonroom.io/community/v1";
export const DEFAULT_TOKENS = ["test-token"];
export const DEFAULT_DESTINATION_SOURCE_IDS = [1001];
export const DEFAULT_COMMUNITY: ApiTokenInfo = {
  jti: "tcpgph92",
  communityName: "Uncommon",
  communityId: "8p980hdo0",
};
export const DOCS_URL = "https://api.commonroom.io/docs/community.html";

export const DEFAULT_ACTIVITY_TYPES: ActivityTypeDef[] = [
  { id: "made_post_topic", displayName: "Made a post" },
  { id: "commented_replied", displayName: "Commented or replied" },
  { id: "attended_gathering", displayName: "Attended a gathering" },
  { id: "started_training", displayName: "Started training" },
  { id: "other", displayName: "Other" },
];

export const DEFAULT_CUSTOM_FIELDS: SeedCustomField[] = [
  {
    id: 101,
    name: "Preferred programming language",
    type: "enum",
    multivalue: false,
    values: ["Python", "TypeScript", "Go", "Rust"],
  },
  {
    id: 102,
    name: "Interests",
    type: "enum",
    multivalue: true,
    values: ["AI", "Data", "DevOps", "Security"],
  },
  { id: 103, name: "Plan", type: "string", multivalue: false },
  { id: 104, name: "Signup date", type: "date", multivalue: false },
  { id: 105, name: "Seats", type: "int", multivalue: false },
  { id: 106, name: "Health score", type: "number", multivalue: false },
  { id: 107, name: "Website", type: "url", multivalue: false },
  { id: 108, name: "Newsletter opt-in", type: "boolean", multivalue: false },
  // Owned by a CRM sync: no destination source may write it, so the filter hides it.
  { id: 109, name: "CRM account owner", type: "string", multivalue: false, writableBy: [] },
];

export const DEFAULT_SEGMENTS: IdName[] = [
  { id: 201, name: "Champions" },
  { id: 202, name: "Trial users" },
  { id: 203, name: "Churn risk" },
];

export const DEFAULT_SEGMENT_STATUSES: Record<number, IdName[]> = {
  201: [
    { id: 1, name: "Nominated" },
    { id: 2, name: "Active" },
    { id: 3, name: "Alumni" },
  ],
  202: [
    { id: 4, name: "New" },
    { id: 5, name: "Engaged" },
  ],
  203: [],
};

export const DEFAULT_TAGS: ApiTag[] = [
  {
    id: "tag_1",
    name: "Champion",
    description: "Power users who speak up for the product",
    entityTypes: ["member"],
    createdAt: "2024-01-15T10:00:00.000Z",
    deletedAt: null,
  },
  {
    id: "tag_2",
    name: "Bug report",
    description: null,
    entityTypes: ["activity"],
    createdAt: "2024-02-01T08:30:00.000Z",
    deletedAt: null,
  },
  {
    id: "tag_3",
    name: "Enterprise",
    description: "Enterprise accounts and their people",
    entityTypes: ["member", "company"],
    createdAt: "2024-03-10T12:00:00.000Z",
    deletedAt: null,
  },
  {
    id: "tag_4",
    name: "Legacy",
    description: "Retired tag",
    entityTypes: ["member"],
    createdAt: "2023-06-01T00:00:00.000Z",
    deletedAt: "2024-06-01T00:00:00.000Z",
  },
];
