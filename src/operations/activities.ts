import { z } from "zod";
import { ApiActivity, DestinationSourceId } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { resolveDestinationSourceId } from "./destination.js";

export const getActivityTypes = defineOperation({
  name: "Get Activity Types",
  task: "get_activity_types",
  description: "Lists the activity types an activity may use.",
  input: z.object({}),
  run: async ({ client, call }) => ({ activityTypes: await client.getActivityTypes(call) }),
});

export const addOrEditActivity = defineOperation({
  name: "Add or Edit Activity",
  task: "add_or_edit_activity",
  description: "Adds an activity (and its user), or updates the one with the same id and type.",
  input: z.object({ destinationSourceId: DestinationSourceId.optional(), activity: ApiActivity }),
  run: async ({ client, call, integration }, { destinationSourceId, activity }) => {
    const sourceId = resolveDestinationSourceId(destinationSourceId, integration);
    await client.addOrEditActivity(sourceId, activity, call);
    return {
      status: "accepted",
      message: "Common Room accepted the activity and will process it shortly",
      destinationSourceId: sourceId,
      activityId: activity.id,
      activityType: activity.activityType,
    };
  },
});
