import { z } from "zod";
import { BooleanInput } from "../commonroom/input-forms.js";
import { ApiUser, DestinationSourceId } from "../commonroom/schemas.js";
import { userCatalogIssues } from "./catalog.js";
import { defineOperation } from "./define.js";
import { resolveDestinationSourceId } from "./destination.js";

export const addOrEditUser = defineOperation({
  name: "Add or Edit User",
  task: "add_or_edit_user",
  description: "Adds a user to a destination source, or updates the one with the same user.id.",
  input: z.object({
    destinationSourceId: DestinationSourceId.optional(),
    user: ApiUser,
    validateAgainstCatalog: BooleanInput.default(false),
  }),
  run: async ({ client, callOptions, integration, catalog }, input) => {
    const { destinationSourceId, user } = input;
    const sourceId = resolveDestinationSourceId(destinationSourceId, integration);
    if (input.validateAgainstCatalog) {
      await catalog.require(user, userCatalogIssues, "user", callOptions);
    }
    await client.addOrEditUser(sourceId, user, callOptions);
    return {
      status: "accepted",
      message: "Common Room accepted the user and will process it shortly",
      destinationSourceId: sourceId,
      userId: user.id,
    };
  },
});
