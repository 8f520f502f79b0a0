import { z } from "zod";
import { integerInput } from "../commonroom/input-forms.js";
import { SegmentId, SocialType } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { InvalidInputError } from "./errors.js";

/** A status id from Get Segment Statuses, as a number or a string of digits. */
const StatusId = integerInput(1);

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
    segmentId: SegmentId,
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
  run: async ({ client, callOptions }, { segmentId, socialType, values, statusId }) => {
    const type = socialType ?? "email";
    if (type === "email") {
      const bad = values.findIndex((value) => !EMAIL.safeParse(value).success);
      if (bad >= 0) throw InvalidInputError.field(`values.${bad}`, "must be an email address");
    }
    await client.addContactsToSegment(
      segmentId,
      { socialType: type, value: values.join(","), ...(statusId != null && { statusId }) },
      callOptions,
    );
    return { status: "added", segmentId, count: values.length };
  },
});
