/**
 * The `cols` each v2 read of the account-level operations takes, as the v2 spec lists them:
 * checked before any call, so a column the read does not have is INVALID_INPUT naming it
 * rather than Common Room's 400 after the call.
 */
export interface ColumnRule {
  names: readonly string[];
  /** `cf_*` and `cf_<number>`: custom fields. */
  customFields: boolean;
  /** `recordCount`: the total, on lists. */
  recordCount: boolean;
}

const ORGANIZATION = [
  "about",
  "contactsCount",
  "employees",
  "linkedInUrl",
  "profiles",
  "revenueRangeMax",
  "revenueRangeMin",
  "subIndustry",
  "location",
  "leadScores",
  "recentJobOpenings",
  "recentNews",
  "researchResults",
  "surgingTopics",
  "tags",
  "topContacts",
  "url",
] as const;

const ACTIVITY = [
  "contactId",
  "content",
  "isUserInitiated",
  "participantCount",
  "providerId",
  "providerName",
  "replyCount",
  "sentiment",
  "subSourceNames",
  "url",
] as const;

export const COLUMNS = {
  listOrganizations: { names: ORGANIZATION, customFields: true, recordCount: true },
  getOrganization: { names: ORGANIZATION, customFields: true, recordCount: false },
  getSegment: { names: ["entityCount", "url"], customFields: false, recordCount: false },
  getActivity: { names: ACTIVITY, customFields: false, recordCount: false },
  listWebsiteVisits: {
    names: ["url", "contactId", "organizationId"],
    customFields: false,
    recordCount: true,
  },
} as const satisfies Record<string, ColumnRule>;

/** The columns of `cols` (comma-separated) that `rule` does not have. */
export function unknownColumns(cols: string, rule: ColumnRule): string[] {
  return cols
    .split(",")
    .map((col) => col.trim())
    .filter(
      (col) =>
        !rule.names.includes(col) &&
        !(rule.recordCount && col === "recordCount") &&
        !(rule.customFields && (col === "cf_*" || /^cf_\d+$/.test(col))),
    );
}
