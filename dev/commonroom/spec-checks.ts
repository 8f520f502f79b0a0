/**
 * Request checks written from the facts of the v1 Core API spec (ApiUser, ApiActivity,
 * ApiCustomFields, ApiTagAssignment, the tag bodies, the path and query parameters).
 * `SPEC_FACTS` lists the enums and field tables the checks use, so a test can hold them
 * against the vendor document.
 */
import {
  anyOf,
  array,
  bool,
  int,
  isPlainObject,
  kindOf,
  nullable,
  num,
  object,
  oneOf,
  str,
  type CheckContext,
  type Property,
  type Rule,
} from "./rules.js";
import type { SeedCustomField } from "./types.js";

export const TAG_ENTITY_TYPES = ["member", "activity", "company"] as const;
export const TAG_ASSIGNMENT_TYPES = ["id", "name"] as const;
export const SOCIAL_HANDLE_TYPES = ["handle"] as const;
export const DISCORD_TYPES = ["username"] as const;
export const CONTENT_TYPES = ["text", "markdown"] as const;
export const ACTIVITY_TITLE_TYPES = ["text"] as const;
export const SUB_SOURCE_TYPES = ["name"] as const;
export const CUSTOM_FIELD_VALUE_TYPES = [
  "enum",
  "string",
  "date",
  "int",
  "number",
  "url",
  "boolean",
] as const;
export type CustomFieldValueType = (typeof CUSTOM_FIELD_VALUE_TYPES)[number];
/** What GET /members looks contacts up by, and POST /segments/{id}'s socialType. */
export const SOCIAL_TYPES = ["email", "twitter", "github", "linkedin"] as const;
export type SocialType = (typeof SOCIAL_TYPES)[number];

// ---------------------------------------------------------------- scalar formats

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isIsoDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetOk = m[8] === "Z" || (Number(m[9]) < 24 && Number(m[10]) < 60);
  return validCalendarDate(y, mo, d) && h < 24 && mi < 60 && s < 60 && offsetOk;
}

export function isIsoDate(value: string): boolean {
  const m = DATE_ONLY.exec(value);
  return m !== null && validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export const isEmail = (value: string): boolean => EMAIL.test(value);

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const dateTime = (): Rule => (value, at, ctx) => {
  if (typeof value !== "string")
    ctx.issues.push(`${at} must be an ISO 8601 date-time string (got ${kindOf(value)})`);
  else if (!isIsoDateTime(value))
    ctx.issues.push(
      `${at} must be an ISO 8601 date-time like 2024-05-01T12:00:00.000Z (got ${JSON.stringify(value)})`,
    );
};

const email = (): Rule => (value, at, ctx) => {
  if (typeof value !== "string") ctx.issues.push(`${at} must be a string (got ${kindOf(value)})`);
  else if (!isEmail(value))
    ctx.issues.push(`${at} must be an email address (got ${JSON.stringify(value)})`);
};

// ---------------------------------------------------------------- shared schemas

const tagAssignment: Rule = (value, at, ctx) => {
  if (!isPlainObject(value)) {
    ctx.issues.push(`${at} must be an object (got ${kindOf(value)})`);
    return;
  }
  if (!("type" in value)) {
    ctx.issues.push(`${at}.type is required`);
    return;
  }
  if (value.type === "id")
    object({ id: { rule: str({ nonEmpty: true }), required: true } })(value, at, ctx);
  else if (value.type === "name")
    object({ name: { rule: str({ nonEmpty: true }), required: true } })(value, at, ctx);
  else oneOf(TAG_ASSIGNMENT_TYPES)(value.type, `${at}.type`, ctx);
};

const customFieldScalar: Record<CustomFieldValueType, Rule> = {
  enum: str(),
  string: str(),
  date: (value, at, ctx) => {
    if (typeof value !== "string" || !isIsoDate(value))
      ctx.issues.push(
        `${at} must be a date in YYYY-MM-DD form (got ${JSON.stringify(value) ?? "undefined"})`,
      );
  },
  int: int(),
  number: num(),
  url: (value, at, ctx) => {
    if (typeof value !== "string" || !isHttpUrl(value))
      ctx.issues.push(
        `${at} must be an http(s) URL string (got ${JSON.stringify(value) ?? "undefined"})`,
      );
  },
  boolean: bool(),
};

const customFieldValueObject = object(
  {
    type: { rule: oneOf(CUSTOM_FIELD_VALUE_TYPES), required: true },
    value: { rule: () => undefined, required: true },
  },
  {
    then: (value, at, ctx) => {
      const type = value.type as CustomFieldValueType;
      const scalar = customFieldScalar[type];
      if (!scalar || !("value" in value)) return;
      if (Array.isArray(value.value)) array(scalar)(value.value, `${at}.value`, ctx);
      else scalar(value.value, `${at}.value`, ctx);
    },
  },
);

const customFieldItem = object(
  {
    id: { rule: num(), required: true },
    value: { rule: customFieldValueObject },
  },
  {
    then: (value, at, ctx) => {
      if (!("value" in value))
        ctx.notes.push(
          `${at} has no value: custom field ${String(value.id)} is cleared (cannot be undone)`,
        );
    },
  },
);

const handle = object({
  type: { rule: oneOf(SOCIAL_HANDLE_TYPES), required: true },
  value: { rule: str(), required: true },
});

interface FieldSpec extends Property {
  nullable: boolean;
}

const field = (rule: Rule, opts: { nullable?: boolean; required?: boolean } = {}): FieldSpec => ({
  rule: opts.nullable ? nullable(rule) : rule,
  nullable: opts.nullable ?? false,
  required: opts.required ?? false,
});

const USER_FIELDS: Record<string, FieldSpec> = {
  id: field(str({ nonEmpty: true }), { required: true }),
  fullName: field(str(), { nullable: true }),
  firstName: field(str(), { nullable: true }),
  lastName: field(str(), { nullable: true }),
  username: field(str(), { nullable: true }),
  avatarUrl: field(str(), { nullable: true }),
  bio: field(str(), { nullable: true }),
  email: field(email(), { nullable: true }),
  linkedin: field(handle, { nullable: true }),
  github: field(handle, { nullable: true }),
  twitter: field(handle, { nullable: true }),
  discord: field(
    object({
      type: { rule: oneOf(DISCORD_TYPES) },
      username: { rule: str(), required: true },
      discriminator: { rule: anyOf([str(), num()], "a string or a number"), required: true },
    }),
    { nullable: true },
  ),
  externalProfiles: field(
    array(object({ url: { rule: str(), required: true }, name: { rule: str() } })),
    {
      nullable: true,
    },
  ),
  roleAtCompany: field(str(), { nullable: true }),
  titleAtCompany: field(str(), { nullable: true }),
  companyName: field(str(), { nullable: true }),
  companyDomain: field(str(), { nullable: true }),
  country: field(str(), { nullable: true }),
  city: field(str(), { nullable: true }),
  region: field(str(), { nullable: true }),
  rawLocation: field(str(), { nullable: true }),
  tags: field(array(tagAssignment)),
  customFields: field(array(customFieldItem)),
};

const apiUser = object(USER_FIELDS, { unknownKeys: "note" });

const textContent = object({
  type: { rule: oneOf(ACTIVITY_TITLE_TYPES), required: true },
  value: { rule: str(), required: true },
});
const content = object({
  type: { rule: oneOf(CONTENT_TYPES), required: true },
  value: { rule: str(), required: true },
});

const ACTIVITY_FIELDS: Record<string, FieldSpec> = {
  id: field(str({ nonEmpty: true }), { required: true }),
  activityType: field(str({ nonEmpty: true }), { required: true }),
  user: field(apiUser, { required: true }),
  activityTitle: field(textContent, { nullable: true }),
  content: field(content, { nullable: true }),
  timestamp: field(dateTime()),
  url: field(str(), { nullable: true }),
  tags: field(array(tagAssignment)),
  parentActivity: field(
    object({ id: { rule: str(), required: true }, activityType: { rule: str(), required: true } }),
    { nullable: true },
  ),
  subSource: field(
    object({
      type: { rule: oneOf(SUB_SOURCE_TYPES), required: true },
      name: { rule: str(), required: true },
    }),
    { nullable: true },
  ),
};

const apiActivity = object(ACTIVITY_FIELDS, { unknownKeys: "note" });

const TAG_UPDATE_FIELDS: Record<string, FieldSpec> = {
  name: field(str({ nonEmpty: true }), { required: true }),
  description: field(str(), { nullable: true }),
};

const TAG_CREATE_FIELDS: Record<string, FieldSpec> = {
  ...TAG_UPDATE_FIELDS,
  entityTypes: field(array(oneOf(TAG_ENTITY_TYPES)), { required: true }),
};

const tagCreate = object(TAG_CREATE_FIELDS, {
  unknownKeys: "reject",
  then: (value, at, ctx) => {
    if (Array.isArray(value.entityTypes) && value.entityTypes.length === 0)
      ctx.issues.push(`${at}.entityTypes must list at least one of ${TAG_ENTITY_TYPES.join(", ")}`);
  },
});
const tagUpdate = object(TAG_UPDATE_FIELDS, { unknownKeys: "reject" });

/** POST /segments/{id}: `value` is a comma-separated list matching `socialType`. */
const SEGMENT_ADD_FIELDS: Record<string, FieldSpec> = {
  socialType: field(oneOf(SOCIAL_TYPES), { required: true }),
  value: field(str({ nonEmpty: true }), { required: true }),
  statusId: field(num()),
};

const segmentAdd = object(SEGMENT_ADD_FIELDS, {
  unknownKeys: "reject",
  then: (value, at, ctx) => {
    if (typeof value.value !== "string") return;
    const items = value.value.split(",").map((item) => item.trim());
    items.forEach((item, index) => {
      if (item === "") ctx.issues.push(`${at}.value item ${index} is empty`);
      else if (value.socialType === "email" && !isEmail(item))
        ctx.issues.push(`${at}.value item ${index} is not an email address`);
    });
  },
});

export const checkSegmentAddBody = (body: unknown, ctx: CheckContext): void =>
  segmentAdd(body, "body", ctx);

const table = (fields: Record<string, FieldSpec>) =>
  Object.fromEntries(
    Object.entries(fields).map(([name, f]) => [
      name,
      { nullable: f.nullable, required: f.required ?? false },
    ]),
  );

/** The facts the checks enforce, for the spec-coverage test. */
export const SPEC_FACTS = {
  enums: {
    tagEntityTypes: [...TAG_ENTITY_TYPES],
    tagAssignmentTypes: [...TAG_ASSIGNMENT_TYPES],
    socialHandleTypes: [...SOCIAL_HANDLE_TYPES],
    discordTypes: [...DISCORD_TYPES],
    contentTypes: [...CONTENT_TYPES],
    activityTitleTypes: [...ACTIVITY_TITLE_TYPES],
    subSourceTypes: [...SUB_SOURCE_TYPES],
    customFieldValueTypes: [...CUSTOM_FIELD_VALUE_TYPES],
    socialTypes: [...SOCIAL_TYPES],
  },
  fields: {
    ApiUser: table(USER_FIELDS),
    ApiActivity: table(ACTIVITY_FIELDS),
    ApiTagUpdateProperties: table(TAG_UPDATE_FIELDS),
    ApiTagCreationProperties: table(TAG_CREATE_FIELDS),
  },
  /** Request bodies the spec declares inline rather than as a named schema. */
  inlineBodies: {
    "POST /segments/{id}": table(SEGMENT_ADD_FIELDS),
  },
};

// ---------------------------------------------------------------- body checks

/** What the checks know of the room, to add notes (never issues) about unknown ids. */
export interface Catalog {
  activityTypes: Set<string>;
  customFields: Map<number, SeedCustomField>;
}

function catalogNotes(user: unknown, at: string, catalog: Catalog, ctx: CheckContext): void {
  if (!isPlainObject(user) || !Array.isArray(user.customFields)) return;
  user.customFields.forEach((item, index) => {
    if (!isPlainObject(item) || typeof item.id !== "number") return;
    const where = `${at}.customFields[${index}]`;
    const def = catalog.customFields.get(item.id);
    if (!def) {
      ctx.notes.push(
        `${where}.id ${item.id} is not a custom field of this room (Common Room would drop it)`,
      );
      return;
    }
    const value = item.value;
    if (isPlainObject(value) && typeof value.type === "string" && value.type !== def.type)
      ctx.notes.push(
        `${where}.value.type is ${value.type} but custom field ${def.id} is ${def.type} (Common Room would drop it)`,
      );
    if (isPlainObject(value) && Array.isArray(value.value) && !def.multivalue)
      ctx.notes.push(
        `${where}.value.value is an array but custom field ${def.id} is single-valued`,
      );
  });
}

export function checkUserBody(body: unknown, catalog: Catalog, ctx: CheckContext): void {
  apiUser(body, "body", ctx);
  catalogNotes(body, "body", catalog, ctx);
}

export function checkActivityBody(body: unknown, catalog: Catalog, ctx: CheckContext): void {
  apiActivity(body, "body", ctx);
  if (!isPlainObject(body)) return;
  catalogNotes(body.user, "body.user", catalog, ctx);
  if (
    typeof body.activityType === "string" &&
    body.activityType !== "" &&
    !catalog.activityTypes.has(body.activityType)
  )
    ctx.notes.push(
      `body.activityType ${JSON.stringify(body.activityType)} is not an activity type of this room (Common Room would drop it)`,
    );
}

export const checkTagCreateBody = (body: unknown, ctx: CheckContext): void =>
  tagCreate(body, "body", ctx);
export const checkTagUpdateBody = (body: unknown, ctx: CheckContext): void =>
  tagUpdate(body, "body", ctx);

// ---------------------------------------------------------------- path and query

const POSITIVE_INTEGER = /^[1-9]\d*$/;
const CLIENT_BUG_IDS = new Set(["undefined", "null", "NaN", "[object Object]", ""]);

export function checkDestinationSourceId(raw: string, at: string, ctx: CheckContext): void {
  if (!POSITIVE_INTEGER.test(raw))
    ctx.issues.push(`${at} must be a positive integer (got ${JSON.stringify(raw)})`);
}

export function checkSegmentId(raw: string, ctx: CheckContext): void {
  if (!/^\d+$/.test(raw))
    ctx.issues.push(`path.id must be a numeric segment id (got ${JSON.stringify(raw)})`);
}

/** GET /members answers 400 "Parameter Error" without one of its lookups. */
export function checkMemberLookup(query: URLSearchParams, ctx: CheckContext): void {
  const given = SOCIAL_TYPES.filter((type) => query.has(type));
  if (given.length === 0)
    ctx.issues.push(`query must give one of ${SOCIAL_TYPES.map((t) => `query.${t}`).join(", ")}`);
  else if (given.length > 1)
    ctx.notes.push(`query gives ${given.join(" and ")}; only the first is used`);
  const email = query.get("email");
  if (email !== null && !isEmail(email))
    ctx.issues.push(`query.email must be an email address (got ${JSON.stringify(email)})`);
}

export function checkTagId(raw: string, ctx: CheckContext): void {
  if (CLIENT_BUG_IDS.has(raw))
    ctx.issues.push(`path.id must be a tag id (got ${JSON.stringify(raw)}, a client bug)`);
}

export function checkEmailParam(raw: string, ctx: CheckContext): void {
  if (!isEmail(raw))
    ctx.issues.push(`path.email must be an email address (got ${JSON.stringify(raw)})`);
}

export function checkQuery(
  query: URLSearchParams,
  allowed: readonly string[],
  ctx: CheckContext,
): void {
  for (const key of new Set(query.keys())) {
    if (!allowed.includes(key))
      ctx.issues.push(`query.${key} is not a parameter of this operation`);
    else if (query.getAll(key).length > 1) ctx.issues.push(`query.${key} is given more than once`);
  }
}
