import { z } from "zod";
import {
  ActivityType,
  ApiTag,
  ApiToken,
  Contact,
  Member,
  CustomField,
  Organization,
  Segment,
  SegmentStatus,
  V2Activity,
  V2Segment,
  WebsiteVisit,
} from "../commonroom/schemas.js";

/**
 * What each operation puts in `outputData` on COMPLETED, as zod schemas keyed by task.
 * `operations --json` publishes them as JSON Schema; a test runs every operation and checks
 * its output against them. Objects let extra fields through, so an operation that gains an
 * output field stays valid until its schema here names it too.
 */

const Accepted = {
  status: z.literal("accepted"),
  message: z.string(),
};

const ItemError = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });

/** A list's items under `key`, where to resume, and whether the walk stopped early. */
const listing = (key: string, item: z.ZodTypeAny) =>
  z
    .object({
      [key]: z.array(item),
      nextCursor: z.string().nullable(),
      truncated: z.boolean(),
      recordCount: z.number().int().nonnegative().optional(),
    })
    .passthrough();

const bulkResult = <T extends z.ZodRawShape>(extra: T) =>
  z
    .object({
      accepted: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      results: z.array(
        z
          .object({
            id: z.string().optional(),
            ...extra,
            status: z.enum(["accepted", "failed"]),
            error: ItemError.optional(),
          })
          .passthrough(),
      ),
    })
    .passthrough();

export const operationOutputs: Record<string, z.ZodTypeAny> = {
  check_api_token_status: ApiToken.passthrough(),
  add_or_edit_user: z
    .object({ ...Accepted, destinationSourceId: z.number().int(), userId: z.string() })
    .passthrough(),
  get_activity_types: z.object({ activityTypes: z.array(ActivityType) }).passthrough(),
  add_or_edit_activity: z
    .object({
      ...Accepted,
      destinationSourceId: z.number().int(),
      activityId: z.string(),
      activityType: z.string(),
    })
    .passthrough(),
  get_custom_fields: z.object({ customFields: z.array(CustomField) }).passthrough(),
  get_segments: z.object({ segments: z.array(Segment) }).passthrough(),
  get_segment_statuses: z
    .object({ statuses: z.array(SegmentStatus), segmentId: z.number().int() })
    .passthrough(),
  list_tags: z.object({ labels: z.array(ApiTag) }).passthrough(),
  create_tag: ApiTag.passthrough(),
  update_tag: ApiTag.passthrough(),
  delete_tag: z
    .object({
      status: z.literal("deleted"),
      message: z.string(),
      tagId: z.string(),
      alreadyDeleted: z.boolean().optional(),
    })
    .passthrough(),
  get_tag: ApiTag.passthrough(),
  anonymize_contact: z.object(Accepted).passthrough(),
  create_segment: z.object({ id: z.string(), name: z.string() }).passthrough(),
  list_contacts: z
    .object({ contacts: z.array(Contact), nextCursor: z.string().nullable() })
    .passthrough(),
  get_contact: Contact,
  list_activities: z
    .object({ activities: z.array(V2Activity), nextCursor: z.string().nullable() })
    .passthrough(),
  bulk_add_or_edit_users: bulkResult({}),
  bulk_add_or_edit_activities: bulkResult({ activityType: z.string().optional() }),
  find_contact: z.object({ found: z.boolean(), contacts: z.array(Member) }).passthrough(),
  add_contacts_to_segment: z
    .object({ status: z.literal("added"), segmentId: z.number().int(), count: z.number().int() })
    .passthrough(),
  list_organizations: listing("organizations", Organization),
  get_organization: Organization,
  find_organization: z
    .object({ found: z.boolean(), organization: Organization.nullable() })
    .passthrough(),
  get_segment: V2Segment,
  get_activity: V2Activity,
  list_website_visits: listing("visits", WebsiteVisit),
};
