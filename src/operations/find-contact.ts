import { z } from "zod";
import { isCommonRoomError } from "../commonroom/errors.js";
import type { SocialType } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { InvalidInputError } from "./errors.js";

const LOOKUP_FIELDS = ["email", "twitter", "github", "linkedin"] as const satisfies SocialType[];

const handle = z
  .string({ invalid_type_error: "must be a string" })
  .trim()
  .max(500, "must be at most 500 characters");

export const findContact = defineOperation({
  name: "Find Contact",
  task: "find_contact",
  description:
    "Looks a contact up by exactly one of email, twitter, github or linkedin (v1 GET /members); none found is found: false.",
  input: z.object({
    // null is the same as absent: Conductor passes null for a workflow input left out.
    email: z.string().trim().email("must be an email address").nullish(),
    twitter: handle.nullish(),
    github: handle.nullish(),
    linkedin: handle.nullish(),
  }),
  run: async ({ client, callOptions }, input) => {
    const given = LOOKUP_FIELDS.filter((field) => input[field] != null && input[field] !== "");
    if (given.length !== 1) {
      throw InvalidInputError.field(
        given[1] ?? "email",
        `give exactly one of ${LOOKUP_FIELDS.join(", ")}${given.length > 1 ? ` (got ${given.join(" and ")})` : ""}`,
      );
    }
    const socialType = given[0] as SocialType;
    try {
      const contacts = await client.findMembers(
        socialType,
        input[socialType] as string,
        callOptions,
      );
      return { found: contacts.length > 0, contacts };
    } catch (error) {
      // The endpoint answers 404 when no contact matches: an answer, not a failure.
      if (isCommonRoomError(error) && error.kind === "not_found") {
        return { found: false, contacts: [] };
      }
      throw error;
    }
  },
});
