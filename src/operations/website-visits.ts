import { z } from "zod";
import { COLUMNS } from "../commonroom/columns.js";
import { ContactId, OrganizationId } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { columnsOf } from "./column-input.js";
import { listPages, PagingInput } from "./paging.js";

// Common Room filters visits by contact and organization only, not by time, and sorts none.
export const listWebsiteVisits = defineOperation({
  name: "List Website Visits",
  task: "list_website_visits",
  description:
    "Lists website visits (v2) of a contact or an organization, one page or, with fetchAll, every page up to maxItems.",
  input: z.object({
    contactId: ContactId.optional(),
    organizationId: OrganizationId.optional(),
    cols: columnsOf(COLUMNS.listWebsiteVisits),
    ...PagingInput,
  }),
  budgetMs: 120_000,
  run: async (ctx, input) => {
    const { items, ...where } = await listPages(
      input,
      (query) => ctx.client.listWebsiteVisits(query, ctx.callOptions),
      ctx,
      "visits",
    );
    return { visits: items, ...where };
  },
});
