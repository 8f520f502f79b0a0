import { z } from "zod";
import { COLUMNS } from "../commonroom/columns.js";
import { BooleanInput } from "../commonroom/input-forms.js";
import {
  ActivityId,
  ApiActivity,
  ContactId,
  DestinationSourceId,
  IsoDateTime,
  OrganizationId,
} from "../commonroom/schemas.js";
import { activityCatalogIssues } from "./catalog.js";
import { defineOperation } from "./define.js";
import { resolveDestinationSourceId } from "./destination.js";
import { columnsOf } from "./column-input.js";
import { ListInput, listPages } from "./paging.js";
import { windowDates, WindowInput } from "./time-window.js";

export const getActivityTypes = defineOperation({
  name: "Get Activity Types",
  task: "get_activity_types",
  description: "Lists the activity types an activity may use.",
  input: z.object({}),
  run: async ({ client, callOptions }) => ({
    activityTypes: await client.getActivityTypes(callOptions),
  }),
});

export const addOrEditActivity = defineOperation({
  name: "Add or Edit Activity",
  task: "add_or_edit_activity",
  description: "Adds an activity (and its user), or updates the one with the same id and type.",
  input: z.object({
    destinationSourceId: DestinationSourceId.optional(),
    activity: ApiActivity,
    validateAgainstCatalog: BooleanInput.default(false),
  }),
  run: async ({ client, callOptions, integration, catalog }, input) => {
    const { destinationSourceId, activity } = input;
    const sourceId = resolveDestinationSourceId(destinationSourceId, integration);
    if (input.validateAgainstCatalog) {
      await catalog.require(activity, activityCatalogIssues, "activity", callOptions);
    }
    await client.addOrEditActivity(sourceId, activity, callOptions);
    return {
      status: "accepted",
      message: "Common Room accepted the activity and will process it shortly",
      destinationSourceId: sourceId,
      activityId: activity.id,
      activityType: activity.activityType,
    };
  },
});

export const listActivities = defineOperation({
  name: "List Activities",
  task: "list_activities",
  description:
    "Lists activities (v2), one page or, with fetchAll, every page up to maxItems; asOf with lookbackSeconds reads the window [asOf - lookbackSeconds, asOf).",
  input: z.object({
    contactId: ContactId.optional(),
    organizationId: OrganizationId.optional(),
    startDate: IsoDateTime.optional(),
    endDate: IsoDateTime.optional(),
    ...WindowInput,
    ...ListInput,
  }),
  budgetMs: 120_000,
  run: async (ctx, input) => {
    const { asOf, lookbackSeconds, startDate, endDate, ...rest } = input;
    const dates = windowDates({ asOf, lookbackSeconds, startDate, endDate });
    const { items, ...where } = await listPages(
      { ...rest, ...dates },
      (query) => ctx.client.listActivities(query, ctx.callOptions),
      ctx,
      "activities",
    );
    return { activities: items, ...where };
  },
});

export const getActivity = defineOperation({
  name: "Get Activity",
  task: "get_activity",
  description: "Reads one activity by its id (v2).",
  input: z.object({ activityId: ActivityId, cols: columnsOf(COLUMNS.getActivity) }),
  run: async ({ client, callOptions }, { activityId, cols }) => ({
    ...(await client.getActivity(activityId, cols !== undefined ? { cols } : {}, callOptions)),
  }),
});
