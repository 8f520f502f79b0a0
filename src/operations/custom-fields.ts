import { z } from "zod";
import { DestinationSourceId } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";

export const getCustomFields = defineOperation({
  name: "Get Custom Fields",
  task: "get_custom_fields",
  description:
    "Lists the contact custom fields, optionally only those a destination source writes.",
  // A filter: the integration's default source is deliberately not applied here.
  input: z.object({ destinationSourceId: DestinationSourceId.optional() }),
  run: async ({ client, callOptions }, { destinationSourceId }) => ({
    customFields: await client.getCustomFields(destinationSourceId, callOptions),
  }),
});
