/**
 * zod schemas of the Common Room Core API (v1) objects used by the twelve operations, and
 * of the v2 API objects used by the operations beyond the connected app.
 *
 * Request objects are strict: Common Room silently ignores a field it does not know, so a
 * misspelt field would otherwise be lost without a word. Response objects are lenient about
 * extra fields (they are stripped) but insist on the documented required ones.
 */
import { z } from "zod";
import { resemblance } from "../near-miss.js";
import { integerInput } from "./input-forms.js";

// ---------------------------------------------------------------------------------------
// Small building blocks

const NonBlank = z.string().regex(/\S/, "must not be empty");
/** Ids, names and emails are short; every other string input is bounded by MAX_STRING_LENGTH. */
export const MAX_ID_LENGTH = 500;
export const MAX_NAME_LENGTH = 500;
const MAX_EMAIL_LENGTH = 320;

/** A required, non-blank id of at most MAX_ID_LENGTH characters. */
function requiredId() {
  return z
    .string({ required_error: "required", invalid_type_error: "must be a string" })
    .regex(/\S/, "must not be empty")
    .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`);
}
const NullableString = z.string().nullable().optional();

const SEGMENT_ID_MESSAGE =
  "must be a segment id: s_<number>, a positive integer, or a string of digits";

/** The digits of a segment id given as 123, "123" or "s_123"; undefined for anything else. */
function segmentDigits(value: unknown): string | undefined {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const match = /^\s*(?:s_)?(\d+)\s*$/.exec(value);
  const digits = match?.[1]?.replace(/^0+/, "");
  return digits ? digits : undefined;
}

/** A positive integer given as a number or a string of digits; becomes a number. */
function positiveIntegerId() {
  const message = "must be a positive integer (a number or a string of digits)";
  return z.preprocess(
    (value) => (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z
      .number({ invalid_type_error: message, required_error: "required" })
      .int(message)
      .positive(message)
      .safe(message),
  );
}

/** The Destination Source ID of an API signal in Common Room. */
export const DestinationSourceId = positiveIntegerId();
export type DestinationSourceId = z.infer<typeof DestinationSourceId>;

/**
 * A segment id as a number: from Get Segments (an integer, or a string of digits) or from
 * Create Segment (`s_<number>`), so `${create.output.id}` chains into every segment input.
 * SegmentRef below takes the same forms and gives the v2 form.
 */
export const SegmentId = z.preprocess(
  (value) => {
    const digits = segmentDigits(value);
    return digits === undefined ? value : Number(digits);
  },
  z
    .number({ invalid_type_error: SEGMENT_ID_MESSAGE, required_error: "required" })
    .int(SEGMENT_ID_MESSAGE)
    .positive(SEGMENT_ID_MESSAGE)
    .safe(SEGMENT_ID_MESSAGE),
);
export type SegmentId = z.infer<typeof SegmentId>;

/** A tag id: an opaque string. */
export const TagId = z
  .string({ invalid_type_error: "must be a string" })
  .regex(/\S/, "must not be empty")
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`);
export type TagId = z.infer<typeof TagId>;

export const TagEntityType = z.enum(["member", "activity", "company"]);
export type TagEntityType = z.infer<typeof TagEntityType>;

/** ISO 8601 date-time, with `Z` or an offset, e.g. 2024-05-01T12:00:00.000Z. */
const Timestamp = z
  .string()
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2024-05-01T12:00:00Z" });

// ---------------------------------------------------------------------------------------
// Request objects (task inputs, checked before any call)

export const Handle = z.object({ type: z.literal("handle"), value: z.string() }).strict();
export type Handle = z.infer<typeof Handle>;

export const DiscordAccount = z
  .object({
    type: z.literal("username").optional(),
    username: z.string(),
    discriminator: z.union([z.string(), z.number()], {
      errorMap: () => ({ message: "must be a string or a number" }),
    }),
  })
  .strict();
export type DiscordAccount = z.infer<typeof DiscordAccount>;

export const ExternalProfile = z.object({ url: z.string(), name: z.string().optional() }).strict();
export type ExternalProfile = z.infer<typeof ExternalProfile>;

export const TagAssignment = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("id"), id: NonBlank }).strict(),
    z.object({ type: z.literal("name"), name: NonBlank }).strict(),
  ],
  { errorMap: discriminatorMessage('"id" or "name"') },
);
export type TagAssignment = z.infer<typeof TagAssignment>;

const YMD = /^\d{4}-\d{2}-\d{2}$/;
const YmdDate = z
  .string()
  .regex(YMD, "must be a date in YYYY-MM-DD form")
  .refine((s) => !YMD.test(s) || isRealDate(s), "must be a real calendar date (YYYY-MM-DD)");

/** One value, or an array of them for a multi-value field; errors point at the bad item. */
function oneOrMany<T extends z.ZodTypeAny>(item: T) {
  const many = z.array(item);
  return z
    .custom<z.infer<T> | z.infer<T>[]>(() => true)
    .superRefine((value, ctx) => {
      const result = (Array.isArray(value) ? many : item).safeParse(value);
      if (!result.success) {
        for (const issue of result.error.issues) ctx.addIssue({ ...issue, message: issue.message });
      }
    });
}

const CustomFieldValue = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("date"), value: oneOrMany(YmdDate) }).strict(),
    z
      .object({ type: z.literal("int"), value: oneOrMany(z.number().int("must be an integer")) })
      .strict(),
    z.object({ type: z.literal("number"), value: oneOrMany(z.number().finite()) }).strict(),
    z.object({ type: z.literal("boolean"), value: oneOrMany(z.boolean()) }).strict(),
    z.object({ type: z.literal("string"), value: oneOrMany(z.string()) }).strict(),
    z.object({ type: z.literal("url"), value: oneOrMany(z.string()) }).strict(),
    z.object({ type: z.literal("enum"), value: oneOrMany(z.string()) }).strict(),
  ],
  { errorMap: discriminatorMessage("one of enum, string, date, int, number, url, boolean") },
);

/**
 * One custom-field update. Leaving `value` out CLEARS the field in Common Room for good,
 * so it is never added or removed on the way: what the caller gives is what is sent.
 */
export const CustomFieldUpdate = z
  .object({
    id: integerInput(1),
    value: CustomFieldValue.optional(),
  })
  .strict();
export type CustomFieldUpdate = z.infer<typeof CustomFieldUpdate>;
export type CustomFieldValueType = CustomFieldValue["type"];
type CustomFieldValue = z.infer<typeof CustomFieldValue>;

const API_USER_SHAPE = {
  id: requiredId(),
  fullName: NullableString,
  firstName: NullableString,
  lastName: NullableString,
  username: NullableString,
  avatarUrl: NullableString,
  bio: NullableString,
  email: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, "must be an email address")
    .max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`)
    .nullable()
    .optional(),
  linkedin: Handle.nullable().optional(),
  github: Handle.nullable().optional(),
  twitter: Handle.nullable().optional(),
  discord: DiscordAccount.nullable().optional(),
  externalProfiles: z.array(ExternalProfile).nullable().optional(),
  roleAtCompany: NullableString,
  titleAtCompany: NullableString,
  companyName: NullableString,
  companyDomain: NullableString,
  country: NullableString,
  city: NullableString,
  region: NullableString,
  rawLocation: NullableString,
  // Arrays, not nullable (the spec does not allow null here).
  tags: z.array(TagAssignment).optional(),
  customFields: z.array(CustomFieldUpdate).optional(),
};
/**
 * A field the vendor schema does not have is named with the one it resembles
 * (`fulName`: did you mean fullName?): inside user and activity a typo would otherwise
 * only be "unrecognized".
 */
function unknownFieldsNamed(shape: z.ZodRawShape): { errorMap: z.ZodErrorMap } {
  const known = Object.keys(shape);
  return {
    errorMap: (issue, ctx) => {
      if (issue.code !== "unrecognized_keys") return { message: ctx.defaultError };
      const named = issue.keys.map((key) => {
        const meant = resemblance(key, known);
        return `\`${key}\`${meant ? ` (did you mean \`${meant}\`?)` : ""}`;
      });
      return { message: `not a field of this schema: ${named.join(", ")}` };
    },
  };
}

export const ApiUser = z.object(API_USER_SHAPE, unknownFieldsNamed(API_USER_SHAPE)).strict();
export type ApiUser = z.infer<typeof ApiUser>;

export const TextContent = z.object({ type: z.literal("text"), value: z.string() }).strict();
export const MarkdownContent = z
  .object({ type: z.literal("markdown"), value: z.string() })
  .strict();

const API_ACTIVITY_SHAPE = {
  id: requiredId(),
  activityType: requiredId(),
  user: ApiUser,
  activityTitle: TextContent.nullable().optional(),
  content: z
    .discriminatedUnion("type", [TextContent, MarkdownContent], {
      errorMap: discriminatorMessage('"text" or "markdown"'),
    })
    .nullable()
    .optional(),
  timestamp: Timestamp.optional(),
  url: NullableString,
  tags: z.array(TagAssignment).optional(),
  parentActivity: z.object({ id: NonBlank, activityType: NonBlank }).strict().nullable().optional(),
  subSource: z
    .object({ type: z.literal("name"), name: z.string() })
    .strict()
    .nullable()
    .optional(),
};
export const ApiActivity = z
  .object(API_ACTIVITY_SHAPE, unknownFieldsNamed(API_ACTIVITY_SHAPE))
  .strict();
export type ApiActivity = z.infer<typeof ApiActivity>;

// ---------------------------------------------------------------------------------------
// Response objects (extra fields are stripped, documented required ones are insisted on)

export const ApiToken = z.object({
  jti: z.string(),
  communityName: z.string(),
  communityId: z.string(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const ActivityType = z.object({
  id: z.string(),
  displayName: z.string(),
  /** Deprecated; equal to id when present. */
  name: z.string().optional(),
});
export type ActivityType = z.infer<typeof ActivityType>;

export const CustomField = z.object({
  id: z.number(),
  name: z.string(),
  type: z.string(),
  multivalue: z.boolean(),
  values: z.array(z.string()).nullish(),
});
export type CustomField = z.infer<typeof CustomField>;

export const Segment = z.object({ id: z.number(), name: z.string() });
export type Segment = z.infer<typeof Segment>;

export const SegmentStatus = z.object({ id: z.number(), name: z.string() });
export type SegmentStatus = z.infer<typeof SegmentStatus>;

export const ApiTag = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  entityTypes: z.array(TagEntityType),
  createdAt: z.string(),
  deletedAt: z.string().nullish(),
});
export type ApiTag = z.infer<typeof ApiTag>;

export const TagList = z.object({ labels: z.array(ApiTag) });
export type TagList = z.infer<typeof TagList>;

/** How v1 GET /members and POST /segments/{id} name a contact: by email or a social handle. */
export const SocialType = z.enum(["email", "twitter", "github", "linkedin"]);
export type SocialType = z.infer<typeof SocialType>;

/**
 * A contact as v1 GET /members returns it. The spec requires none of its fields (fullName,
 * segments, custom_fields, common_room_member_url, ...), so every one is kept as sent.
 */
export const Member = z.object({}).passthrough();
export type Member = z.infer<typeof Member>;

// ---------------------------------------------------------------------------------------
// v2 API: task inputs

/** A prefixed id such as `c_123`, checked as a task input. */
function prefixedId(prefix: string) {
  return z
    .string({ required_error: "required", invalid_type_error: "must be a string" })
    .regex(new RegExp(`^${prefix}_\\d+$`), `must look like ${prefix}_<number>`);
}

/** A v2 contact id, `c_<number>`. */
export const ContactId = prefixedId("c");
export type ContactId = z.infer<typeof ContactId>;

/** A v2 organization id, `o_<number>`. */
export const OrganizationId = prefixedId("o");
export type OrganizationId = z.infer<typeof OrganizationId>;

/** A v2 activity id, `a_<number>`. */
export const ActivityId = prefixedId("a");
export type ActivityId = z.infer<typeof ActivityId>;

/** A v2 custom object type id, `cot_<number>`. */
export const ObjectTypeId = prefixedId("cot");
export type ObjectTypeId = z.infer<typeof ObjectTypeId>;

/** A segment id in the v2 form `s_<number>`, from any form SegmentId takes. */
export const SegmentRef = z.preprocess(
  (value) => {
    const digits = segmentDigits(value);
    return digits === undefined ? value : `s_${digits}`;
  },
  z
    .string({ required_error: "required", invalid_type_error: SEGMENT_ID_MESSAGE })
    .regex(/^s_[1-9]\d*$/, SEGMENT_ID_MESSAGE),
);
export type SegmentRef = z.infer<typeof SegmentRef>;

/** An ISO 8601 date (2024-05-01) or date-time with `Z` or an offset (2024-05-01T12:00:00Z). */
export const IsoDateTime = z
  .string({ required_error: "required", invalid_type_error: "must be a string" })
  .refine(
    (s) =>
      YMD.test(s) ? isRealDate(s) : z.string().datetime({ offset: true }).safeParse(s).success,
    "must be an ISO 8601 date or date-time, e.g. 2024-05-01 or 2024-05-01T12:00:00Z",
  );
export type IsoDateTime = z.infer<typeof IsoDateTime>;

export const SortDirection = z.enum(["asc", "desc"]);
export type SortDirection = z.infer<typeof SortDirection>;

export const SegmentEntityType = z.enum(["contact", "object", "organization"]);
export type SegmentEntityType = z.infer<typeof SegmentEntityType>;

// ---------------------------------------------------------------------------------------
// v2 API: responses. Every v2 answer is wrapped as `{ success: true, data, meta? }`.
// Contacts and activities keep every field Common Room sends (`cols` adds columns that
// workflows need), but insist on the documented required ones.

/** A v2 Contact: `id` (`c_<number>`) and `name` required, every other field passed through. */
export const Contact = z.object({ id: z.string(), name: z.string() }).passthrough();
export type Contact = z.infer<typeof Contact>;

/** A v2 activity (the spec's ApiActivity, not the v1 request object of the same name). */
export const V2Activity = z
  .object({
    id: z.string(),
    type: z.string(),
    activityTime: z.string(),
    contactId: z.string().optional(),
    content: z.string().nullable().optional(),
    url: z.string().optional(),
  })
  .passthrough();
export type V2Activity = z.infer<typeof V2Activity>;

/** A v2 Organization: `id` (`o_<number>`), `name` and `primaryDomain` required, the rest kept. */
export const Organization = z
  .object({ id: z.string(), name: z.string(), primaryDomain: z.string() })
  .passthrough();
export type Organization = z.infer<typeof Organization>;

/** A v2 segment (ApiSegment): `id` (`s_<number>`), `name`, `entityType`; `cols` add more. */
export const V2Segment = z
  .object({ id: z.string(), name: z.string(), entityType: SegmentEntityType })
  .passthrough();
export type V2Segment = z.infer<typeof V2Segment>;

/** A v2 website visit (ApiWebsiteVisit): `id` (`w_<cursor>`) and `visitTime` required. */
export const WebsiteVisit = z.object({ id: z.string(), visitTime: z.string() }).passthrough();
export type WebsiteVisit = z.infer<typeof WebsiteVisit>;

const ListMeta = z.object({
  nextCursor: z.string().nullable(),
  recordCount: z.number().int().nonnegative().optional(),
});

function listEnvelope<T extends z.ZodTypeAny>(item: T) {
  return z.object({ success: z.literal(true), data: z.array(item), meta: ListMeta });
}

export const ContactList = listEnvelope(Contact);
export type ContactList = z.infer<typeof ContactList>;

export const ActivityList = listEnvelope(V2Activity);
export type ActivityList = z.infer<typeof ActivityList>;

export const OrganizationList = listEnvelope(Organization);
export type OrganizationList = z.infer<typeof OrganizationList>;

/**
 * WebsiteVisitList is the one v2 list whose spec leaves `meta.nextCursor` optional: absent
 * reads as the last page.
 */
export const WebsiteVisitList = z.object({
  success: z.literal(true),
  data: z.array(WebsiteVisit),
  meta: ListMeta.extend({
    nextCursor: z
      .string()
      .nullish()
      .transform((cursor) => cursor ?? null),
  }),
});
export type WebsiteVisitList = z.infer<typeof WebsiteVisitList>;

function itemEnvelope<T extends z.ZodTypeAny>(item: T) {
  return z.object({ success: z.literal(true), data: item });
}

export const ContactResponse = itemEnvelope(Contact);
export type ContactResponse = z.infer<typeof ContactResponse>;

export const OrganizationResponse = itemEnvelope(Organization);
export type OrganizationResponse = z.infer<typeof OrganizationResponse>;

export const SegmentResponse = itemEnvelope(V2Segment);
export type SegmentResponse = z.infer<typeof SegmentResponse>;

export const ActivityResponse = itemEnvelope(V2Activity);
export type ActivityResponse = z.infer<typeof ActivityResponse>;

export const CreateSegmentResponse = z.object({
  success: z.literal(true),
  data: z.object({ id: z.string(), name: z.string() }),
});
export type CreateSegmentResponse = z.infer<typeof CreateSegmentResponse>;

// ---------------------------------------------------------------------------------------

function isRealDate(ymd: string): boolean {
  const date = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === ymd;
}

function discriminatorMessage(allowed: string): z.ZodErrorMap {
  return (issue, ctx) =>
    issue.code === "invalid_union_discriminator"
      ? { message: `type must be ${allowed}` }
      : { message: ctx.defaultError };
}
