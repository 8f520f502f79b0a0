import { z } from "zod";
import { emailHash } from "../commonroom/client.js";
import { defineOperation } from "./define.js";

export const anonymizeContact = defineOperation({
  name: "Anonymize Contact",
  task: "anonymize_contact",
  description:
    "Asks Common Room to forget a contact by email (the right to be forgotten); Common Room queues it.",
  input: z.object({ email: z.string().trim().email("must be an email address") }),
  run: async ({ client, call, logger }, { email }) => {
    // Logs carry the email only as a hash: enough to correlate with the client's lines.
    logger.info({ emailHash: emailHash(email) }, "anonymization requested");
    await client.anonymizeContact(email, call);
    return {
      status: "accepted",
      message: "Common Room queued the contact's anonymization; it completes within 15 days",
    };
  },
});
