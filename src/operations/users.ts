import { z } from "zod";
import { ApiUser, DestinationSourceId } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { resolveDestinationSourceId } from "./destination.js";

export const addOrEditUser = defineOperation({
  name: "Add or Edit User",
  task: "add_or_edit_user",
  description: "Adds a user to a destination source, or updates the one with the same user.id.",
  input: z.object({ destinationSourceId: DestinationSourceId.optional(), user: ApiUser }),
  run: async ({ client, call, integration }, { destinationSourceId, user }) => {
    const sourceId = resolveDestinationSourceId(destinationSourceId, integration);
    await client.addOrEditUser(sourceId, user, call);
    return {
      status: "accepted",
      message: "Common Room accepted the user and will process it shortly",
      destinationSourceId: sourceId,
      userId: user.id,
    };
  },
});
