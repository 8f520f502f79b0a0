import { z } from "zod";
import { SocialType } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { InvalidInputError } from "./input-error.js";

const SEGMENT_MESSAGE =
  "must be a segment id: a positive integer, a string of digits, or s_<number>";

/**
 * A segment id in any form a workflow holds one: 201 (Get Segments), "201" (an
 * expression's text) or "s_201" (v2 Create Segment, List Contacts). Becomes the number
 * the v1 path takes.
 */
export const SegmentNumber = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    const match = /^\s*(?:s_)?(\d+)\s*$/.exec(value);
    return match ? Number(match[1]) : value;
  },
  z
    .number({ required_error: "required", invalid_type_error: SEGMENT_MESSAGE })
    .int(SEGMENT_MESSAGE)
    .positive(SEGMENT_MESSAGE)
    .safe(SEGMENT_MESSAGE),
);

const StatusId = z.preprocess(
  (value) => (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z
    .number({
      invalid_type_error: "must be a positive integer (a status id from Get Segment Statuses)",
    })
    .int("must be a positive integer")
    .positive("must be a positive integer"),
);

/** The spec takes the values as one comma-separated string, so a value holds no comma. */
const Value = z
  .string({ invalid_type_error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(500, "must be at most 500 characters")
  .refine(
    (value) => !value.includes(","),
    "must not contain a comma (values are sent comma-separated)",
  );

const EMAIL = z.string().email();

export const addContactsToSegment = defineOperation({
  name: "Add Contacts to Segment",
  task: "add_contacts_to_segment",
  description:
    "Adds existing contacts, by email or social handle, to a segment (v1 POST /segments/{id}); adding again is harmless.",
  input: z.object({
    segmentId: SegmentNumber,
    socialType: SocialType.nullish(),
    values: z
      .array(Value, {
        required_error: "required",
        invalid_type_error: "must be an array of strings",
      })
      .min(1, "must list at least one value")
      .max(100, "must list at most 100 values"),
    statusId: StatusId.nullish(),
  }),
  run: async ({ client, call }, { segmentId, socialType, values, statusId }) => {
    const type = socialType ?? "email";
    if (type === "email") {
      const bad = values.findIndex((value) => !EMAIL.safeParse(value).success);
      if (bad >= 0) throw InvalidInputError.field(`values.${bad}`, "must be an email address");
    }
    await client.addContactsToSegment(
      segmentId,
      { socialType: type, value: values.join(","), ...(statusId != null && { statusId }) },
      call,
    );
    return { status: "added", segmentId, count: values.length };
  },
});
