/**
 * One valid input per operation, as rich as the operation allows: every object and list the
 * schema has is present, so tests that walk an operation's schema beside its sample reach
 * every optional field at every depth. The tests that use these fail for an operation that
 * has no sample here, so a new operation is covered the day it is listed.
 */
const user = {
  id: "sample-user-1",
  fullName: "Ada Lovelace",
  firstName: "Ada",
  lastName: "Lovelace",
  username: "ada",
  avatarUrl: "https://example.com/ada.png",
  bio: "Mathematician",
  email: "ada@example.com",
  linkedin: { type: "handle", value: "ada-lovelace" },
  github: { type: "handle", value: "ada" },
  twitter: { type: "handle", value: "ada" },
  discord: { type: "username", username: "ada", discriminator: "1815" },
  externalProfiles: [{ url: "https://example.com/ada", name: "Homepage" }],
  roleAtCompany: "Engineer",
  titleAtCompany: "Analyst",
  companyName: "Engines Ltd",
  companyDomain: "engines.example.com",
  country: "GB",
  city: "London",
  region: "England",
  rawLocation: "London, UK",
  tags: [{ type: "name", name: "Pioneer" }],
  customFields: [{ id: 103, value: { type: "string", value: "Enterprise" } }],
};

const activity = {
  id: "sample-activity-1",
  activityType: "made_post_topic",
  user,
  activityTitle: { type: "text", value: "Notes on the engine" },
  content: { type: "markdown", value: "The **engine** weaves patterns" },
  timestamp: "2026-11-27T10:00:00Z",
  url: "https://example.com/posts/1",
  tags: [{ type: "name", name: "Pioneer" }],
  parentActivity: { id: "sample-activity-0", activityType: "made_post_topic" },
  subSource: { type: "name", name: "Forum" },
};

export const SAMPLE_INPUTS: Record<string, Record<string, unknown>> = {
  check_api_token_status: {},
  add_or_edit_user: { destinationSourceId: 1001, user, validateAgainstCatalog: true },
  get_activity_types: {},
  add_or_edit_activity: { destinationSourceId: 1001, activity, validateAgainstCatalog: true },
  get_custom_fields: { destinationSourceId: 1001 },
  get_segments: {},
  get_segment_statuses: { segmentId: 201 },
  list_tags: {},
  create_tag: { name: "Sample tag", description: "A sample", entityTypes: ["member"] },
  update_tag: { tagId: "tag_2", name: "Bug report", description: "Reported bugs" },
  delete_tag: { tagId: "tag_3" },
  get_tag: { tagId: "tag_1" },
  anonymize_contact: { email: "forget.me@example.com" },
  create_segment: { name: "Sample segment", description: "A sample", entityType: "contact" },
  list_contacts: {
    segmentId: 201,
    organizationId: "o_2",
    direction: "asc",
    cols: "fullName,primaryEmail",
    limit: 5,
    fetchAll: true,
    maxItems: 10,
  },
  get_contact: { contactId: "c_1", cols: "fullName" },
  list_activities: {
    contactId: "c_1",
    // The window [2024-01-01, 2025-01-01): every seeded activity is in 2024.
    asOf: 1735689600000,
    lookbackSeconds: 366 * 86_400,
    direction: "desc",
    limit: 5,
    fetchAll: false,
    maxItems: 10,
  },
  bulk_add_or_edit_users: {
    destinationSourceId: 1001,
    users: [user],
    validateAgainstCatalog: true,
  },
  bulk_add_or_edit_activities: {
    destinationSourceId: 1001,
    activities: [activity],
    validateAgainstCatalog: true,
  },
  find_contact: { email: "grace.torvalds.1@example.com" },
  add_contacts_to_segment: {
    segmentId: 202,
    socialType: "email",
    values: ["grace.torvalds.1@example.com"],
    statusId: 4,
  },
  list_organizations: {
    name: "Acme",
    primaryDomain: "acme.example.com",
    sort: "id",
    direction: "asc",
    cols: "contactsCount,employees,recordCount",
    limit: 5,
    fetchAll: true,
    maxItems: 10,
  },
  get_organization: { organizationId: "o_1", cols: "employees,url" },
  find_organization: { domain: "https://www.acme.example.com/pricing" },
  get_segment: { segmentId: 201, cols: "entityCount" },
  get_activity: { activityId: "a_1", cols: "contactId,content" },
  list_website_visits: {
    organizationId: "o_2",
    cols: "contactId,organizationId",
    limit: 5,
    fetchAll: true,
    maxItems: 10,
  },
};

/**
 * The least input an operation completes with, where its schema's required fields are not
 * enough: Find Contact takes exactly one of four optional fields.
 */
export const MINIMAL_INPUTS: Record<string, Record<string, unknown>> = {
  find_contact: { email: "grace.torvalds.1@example.com" },
};
