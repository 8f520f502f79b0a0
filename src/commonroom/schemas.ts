/**
 * zod schemas of the Common Room Core API (v1) objects used by the twelve operations.
 *
 * Request objects are strict: Common Room silently ignores a field it does not know, so a
 * misspelt field would otherwise be lost without a word. Response objects are lenient about
 * extra fields (they are stripped) but insist on the documented required ones.
 */
import { z } from "zod";

// ---------------------------------------------------------------------------------------
// Small building blocks

const NonBlank = z.string().regex(/\S/, "must not be empty");
const NullableString = z.string().nullable().optional();

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

/** A segment id from Get Segments. */
export const SegmentId = positiveIntegerId();
export type SegmentId = z.infer<typeof SegmentId>;

/** A tag id: an opaque string. */
export const TagId = z
  .string({ invalid_type_error: "must be a string" })
  .regex(/\S/, "must not be empty");
export type TagId = z.infer<typeof TagId>;

export const TagEntityType = z.enum(["member", "activity", "company"]);
export type TagEntityType = z.infer<typeof TagEntityType>;

/** ISO 8601 date-time, with `Z` or an offset, e.g. 2024-05-01T12:00:00.000Z. */
const IsoDateTime = z
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
    id: z.number({ invalid_type_error: "must be a number" }),
    value: CustomFieldValue.optional(),
  })
  .strict();
export type CustomFieldUpdate = z.infer<typeof CustomFieldUpdate>;
export type CustomFieldValueType = CustomFieldValue["type"];
type CustomFieldValue = z.infer<typeof CustomFieldValue>;

export const ApiUser = z
  .object({
    id: z
      .string({ required_error: "required", invalid_type_error: "must be a string" })
      .regex(/\S/, "must not be empty"),
    fullName: NullableString,
    firstName: NullableString,
    lastName: NullableString,
    username: NullableString,
    avatarUrl: NullableString,
    bio: NullableString,
    email: z
      .string()
      .regex(/^[^\s@]+@[^\s@]+$/, "must be an email address")
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
  })
  .strict();
export type ApiUser = z.infer<typeof ApiUser>;

export const TextContent = z.object({ type: z.literal("text"), value: z.string() }).strict();
export const MarkdownContent = z
  .object({ type: z.literal("markdown"), value: z.string() })
  .strict();

export const ApiActivity = z
  .object({
    id: z
      .string({ required_error: "required", invalid_type_error: "must be a string" })
      .regex(/\S/, "must not be empty"),
    activityType: z
      .string({ required_error: "required", invalid_type_error: "must be a string" })
      .regex(/\S/, "must not be empty"),
    user: ApiUser,
    activityTitle: TextContent.nullable().optional(),
    content: z
      .discriminatedUnion("type", [TextContent, MarkdownContent], {
        errorMap: discriminatorMessage('"text" or "markdown"'),
      })
      .nullable()
      .optional(),
    timestamp: IsoDateTime.optional(),
    url: NullableString,
    tags: z.array(TagAssignment).optional(),
    parentActivity: z
      .object({ id: NonBlank, activityType: NonBlank })
      .strict()
      .nullable()
      .optional(),
    subSource: z
      .object({ type: z.literal("name"), name: z.string() })
      .strict()
      .nullable()
      .optional(),
  })
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
