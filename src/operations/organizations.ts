import { z } from "zod";
import { COLUMNS } from "../commonroom/columns.js";
import { OrganizationId } from "../commonroom/schemas.js";
import { defineOperation } from "./define.js";
import { DomainInput } from "./domain.js";
import { columnsOf } from "./column-input.js";
import { ListInput, listPages } from "./paging.js";

/** Name and domain filters are exact matches in Common Room. */
const ExactFilter = z
  .string({ invalid_type_error: "must be a string" })
  .trim()
  .min(1, "must not be blank")
  .max(500, "must be at most 500 characters");

/** The sorts GET /organizations takes (v2 spec), checked before the call. */
const OrganizationSort = z
  .string({ invalid_type_error: "must be a string" })
  .regex(
    /^(id|member_count|ls_\d+|cf_\d+)$/,
    "must be id, member_count, ls_<number> or cf_<number>",
  );

export const listOrganizations = defineOperation({
  name: "List Organizations",
  task: "list_organizations",
  description:
    "Lists organizations (v2), filtered by exact name or primary domain, one page or, with fetchAll, every page up to maxItems.",
  input: z.object({
    name: ExactFilter.optional(),
    primaryDomain: ExactFilter.optional(),
    ...ListInput,
    sort: OrganizationSort.optional(),
    cols: columnsOf(COLUMNS.listOrganizations),
  }),
  budgetMs: 120_000,
  run: async (ctx, input) => {
    const { items, ...where } = await listPages(
      input,
      (query) => ctx.client.listOrganizations(query, ctx.callOptions),
      ctx,
      "organizations",
    );
    return { organizations: items, ...where };
  },
});

export const getOrganization = defineOperation({
  name: "Get Organization",
  task: "get_organization",
  description: "Reads one organization by its id (v2).",
  input: z.object({ organizationId: OrganizationId, cols: columnsOf(COLUMNS.getOrganization) }),
  run: async ({ client, callOptions }, { organizationId, cols }) => ({
    ...(await client.getOrganization(
      organizationId,
      cols !== undefined ? { cols } : {},
      callOptions,
    )),
  }),
});

export const findOrganization = defineOperation({
  name: "Find Organization",
  task: "find_organization",
  description:
    "Finds the organization of a domain or URL (normalized, then v2 GET /organizations?primaryDomain=); none found is found: false.",
  input: z.object({ domain: DomainInput }),
  run: async ({ client, callOptions }, { domain }) => {
    const page = await client.listOrganizations({ primaryDomain: domain, limit: 1 }, callOptions);
    const organization = page.items[0] ?? null;
    return { found: organization !== null, organization };
  },
});
