import { z } from "zod";
import { defineOperation } from "./define.js";

export const anonymizeContact = defineOperation({
  name: "Anonymize Contact",
  task: "anonymize_contact",
  description:
    "Asks Common Room to forget a contact by email (the right to be forgotten); Common Room queues it.",
  input: z.object({ email: z.string().trim().email("must be an email address") }),
  run: async ({ client, callOptions, logger }, { email }) => {
    // The email is never logged in any form (a hash of it is still personal data): the
    // task's own ids, on every line of its logger, say which request this was.
    logger.info("anonymization requested");
    await client.anonymizeContact(email, callOptions);
    return {
      status: "accepted",
      message: "Common Room queued the contact's anonymization; it completes within 15 days",
    };
  },
});
