import { z } from "zod";
import { ContactId, OrganizationId, SegmentRef } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { Columns, ListInput, listPages } from "./paging.js";

export const listContacts = defineOperation({
  name: "List Contacts",
  task: "list_contacts",
  description: "Lists contacts (v2), one page or, with fetchAll, every page up to maxItems.",
  input: z.object({
    segmentId: SegmentRef.optional(),
    organizationId: OrganizationId.optional(),
    ...ListInput,
  }),
  budgetMs: 120_000,
  run: async (ctx, input) => {
    const { items, ...where } = await listPages(
      input,
      (query) => ctx.client.listContacts(query, ctx.callOptions),
      ctx,
      "contacts",
    );
    return { contacts: items, ...where };
  },
});

export const getContact = defineOperation({
  name: "Get Contact",
  task: "get_contact",
  description: "Reads one contact by its id (v2).",
  input: z.object({ contactId: ContactId, cols: Columns }),
  run: async ({ client, callOptions }, { contactId, cols }) => ({
    ...(await client.getContact(contactId, cols !== undefined ? { cols } : {}, callOptions)),
  }),
});
