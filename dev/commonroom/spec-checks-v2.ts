/**
 * Request checks for the v2 routes the simulator serves, written from the facts of the v2
 * spec (CreateSegmentRequest, the list and get parameters, the prefixed id formats).
 * Each issue is a spec violation; the first one also picks the v2 error code of the 400
 * that answers it. `SPEC_FACTS_V2` lists the facts so a test can hold them against the
 * vendor document.
 */
import {
  isPlainObject,
  kindOf,
  object,
  oneOf,
  str,
  type CheckContext,
  type Rule,
} from "./rules.js";
import type { V2OperationName } from "./routes.js";
import { checkQuery, isIsoDateTime } from "./spec-checks.js";

/** A CheckContext that also carries the v2 error code of its first issue. */
export type V2CheckContext = CheckContext & { code?: V2ErrorCode };

export const V2_ERROR_CODES = [
  "invalid_parameters",
  "invalid_organization_id",
  "org_not_found",
  "invalid_contact_id",
  "contact_not_found",
  "invalid_object_id",
  "object_not_found",
  "invalid_object_type_id",
  "invalid_segment_id",
  "segment_not_found",
  "invalid_activity_id",
  "activity_not_found",
  "conflict",
  "internal_server_error",
] as const;
export type V2ErrorCode = (typeof V2_ERROR_CODES)[number];

export const DIRECTIONS = ["asc", "desc"] as const;
export const SEGMENT_ENTITY_TYPES = ["contact", "object", "organization"] as const;
export type SegmentEntityType = (typeof SEGMENT_ENTITY_TYPES)[number];
export const LIMIT = { min: 1, max: 200, default: 50 } as const;
export const SEGMENT_NAME_MAX = 500;
export const CONTACT_COLS = [
  "activateMessage",
  "avatarUrl",
  "fullName",
  "location",
  "primaryEmail",
  "phoneNumbers",
  "title",
  "companyName",
  "companyWebsite",
  "connectedCustomObjects",
  "profiles",
  "jobHistory",
  "leadScores",
  "recentActivities",
  "recentWebPages",
  "recentWebVisitsNumber",
  "segments",
  "sparkSummary",
  "recentSparkSummaries",
  "tags",
  "url",
] as const;
export type ContactCol = (typeof CONTACT_COLS)[number];
export const ACTIVITY_COLS = [
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
export type ActivityCol = (typeof ACTIVITY_COLS)[number];
export const ORGANIZATION_COLS = [
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
export type OrganizationCol = (typeof ORGANIZATION_COLS)[number];
export const SEGMENT_COLS = ["entityCount", "url"] as const;
/** `url` comes without asking; the others only when asked. */
export const WEBSITE_VISIT_COLS = ["url", "contactId", "organizationId"] as const;
/** Besides these, `ls_<number>` and `cf_<number>`. */
export const CONTACT_SORTS = ["id", "latest_activity", "name"] as const;
export const ACTIVITY_SORTS = ["id", "activityTime"] as const;
/** Besides these, `ls_<number>` and `cf_<number>`. */
export const ORGANIZATION_SORTS = ["id", "member_count"] as const;
export const RECORD_COUNT_COL = "recordCount";

export const ID_FORMATS = {
  contact: /^c_\d+$/,
  organization: /^o_\d+$/,
  segment: /^s_\d+$/,
  activity: /^a_\d+$/,
  objectType: /^cot_\d+$/,
} as const;

const CREATE_SEGMENT_FIELDS = {
  name: { required: true },
  description: { required: false },
  entityType: { required: false },
  objectTypeId: { required: false },
} as const;

/** The facts the v2 checks enforce, for the spec-coverage test. */
export const SPEC_FACTS_V2 = {
  enums: {
    direction: [...DIRECTIONS],
    entityType: [...SEGMENT_ENTITY_TYPES],
    activitySort: [...ACTIVITY_SORTS],
  },
  limit: { ...LIMIT },
  contactCols: [...CONTACT_COLS],
  activityCols: [...ACTIVITY_COLS],
  organizationCols: [...ORGANIZATION_COLS],
  organizationSorts: [...ORGANIZATION_SORTS],
  segmentCols: [...SEGMENT_COLS],
  websiteVisitCols: [...WEBSITE_VISIT_COLS],
  errorCodes: [...V2_ERROR_CODES],
  fields: { CreateSegmentRequest: CREATE_SEGMENT_FIELDS },
};

function fail(ctx: V2CheckContext, code: V2ErrorCode, issue: string): void {
  ctx.issues.push(issue);
  ctx.code ??= code;
}

/** Runs a plain rule, giving each of its issues `code`. */
function withCode(ctx: V2CheckContext, code: V2ErrorCode, run: (c: CheckContext) => void): void {
  const probe: CheckContext = { issues: [], notes: [] };
  run(probe);
  ctx.notes.push(...probe.notes);
  for (const issue of probe.issues) fail(ctx, code, issue);
}

export function checkPrefixedId(
  raw: string,
  at: string,
  kind: keyof typeof ID_FORMATS,
  code: V2ErrorCode,
  ctx: V2CheckContext,
): void {
  const prefix = ID_FORMATS[kind].source.replace(/^\^|\\d\+\$$/g, "");
  if (!ID_FORMATS[kind].test(raw))
    fail(ctx, code, `${at} must be a ${kind} id like ${prefix}123 (got ${JSON.stringify(raw)})`);
}

function checkLimit(raw: string, ctx: V2CheckContext): void {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= LIMIT.min && n <= LIMIT.max))
    fail(
      ctx,
      "invalid_parameters",
      `query.limit must be an integer from ${LIMIT.min} to ${LIMIT.max} (got ${JSON.stringify(raw)})`,
    );
}

function checkEnum(raw: string, at: string, values: readonly string[], ctx: V2CheckContext): void {
  if (!values.includes(raw))
    fail(
      ctx,
      "invalid_parameters",
      `${at} must be one of ${values.join(", ")} (got ${JSON.stringify(raw)})`,
    );
}

function checkCols(
  raw: string,
  valid: readonly string[],
  opts: { customFields: boolean; recordCount: boolean },
  ctx: V2CheckContext,
): void {
  for (const col of raw.split(",")) {
    const ok =
      valid.includes(col) ||
      (opts.recordCount && col === RECORD_COUNT_COL) ||
      (opts.customFields && (col === "cf_*" || /^cf_\d+$/.test(col)));
    if (!ok)
      fail(
        ctx,
        "invalid_parameters",
        `query.cols has ${JSON.stringify(col)}, which is not a column of this operation`,
      );
  }
}

function checkDateTime(raw: string, at: string, ctx: V2CheckContext): void {
  if (!isIsoDateTime(raw))
    fail(
      ctx,
      "invalid_parameters",
      `${at} must be an ISO 8601 date-time like 2024-05-01T12:00:00Z (got ${JSON.stringify(raw)})`,
    );
}

/** The `contactId` and `organizationId` filters that activities and visits share. */
function checkContactAndOrganization(
  get: (name: string) => string | undefined,
  ctx: V2CheckContext,
): void {
  const contact = get("contactId");
  if (contact !== undefined)
    checkPrefixedId(contact, "query.contactId", "contact", "invalid_contact_id", ctx);
  const org = get("organizationId");
  if (org !== undefined)
    checkPrefixedId(org, "query.organizationId", "organization", "invalid_organization_id", ctx);
}

/** The query (and path) checks of a v2 route. */
export function checkV2Request(
  operation: V2OperationName,
  allowed: readonly string[],
  params: Record<string, string>,
  query: URLSearchParams,
  ctx: V2CheckContext,
): void {
  withCode(ctx, "invalid_parameters", (c) => checkQuery(query, allowed, c));
  const get = (name: string) => query.get(name) ?? undefined;
  const limit = get("limit");
  if (limit !== undefined && allowed.includes("limit")) checkLimit(limit, ctx);
  const direction = get("direction");
  if (direction !== undefined && allowed.includes("direction"))
    checkEnum(direction, "query.direction", DIRECTIONS, ctx);
  const cursor = get("cursor");
  if (cursor === "" && allowed.includes("cursor"))
    fail(ctx, "invalid_parameters", "query.cursor must not be empty (leave it out instead)");
  const cols = get("cols");
  const sort = get("sort");
  switch (operation) {
    case "listContacts":
    case "getContact": {
      if (operation === "getContact" && params.id !== undefined)
        checkPrefixedId(params.id, "path.id", "contact", "invalid_contact_id", ctx);
      if (cols !== undefined)
        checkCols(
          cols,
          CONTACT_COLS,
          { customFields: true, recordCount: operation === "listContacts" },
          ctx,
        );
      if (operation === "getContact") return;
      if (sort !== undefined && !(CONTACT_SORTS as readonly string[]).includes(sort))
        if (!/^(ls|cf)_\d+$/.test(sort))
          fail(
            ctx,
            "invalid_parameters",
            `query.sort must be one of ${CONTACT_SORTS.join(", ")}, ls_<number> or cf_<number> (got ${JSON.stringify(sort)})`,
          );
      const org = get("organizationId");
      if (org !== undefined)
        checkPrefixedId(
          org,
          "query.organizationId",
          "organization",
          "invalid_organization_id",
          ctx,
        );
      const segment = get("segmentId");
      if (segment !== undefined)
        checkPrefixedId(segment, "query.segmentId", "segment", "invalid_segment_id", ctx);
      return;
    }
    case "listActivities": {
      if (cols !== undefined)
        checkCols(cols, ACTIVITY_COLS, { customFields: false, recordCount: true }, ctx);
      if (sort !== undefined) checkEnum(sort, "query.sort", ACTIVITY_SORTS, ctx);
      checkContactAndOrganization(get, ctx);
      for (const name of ["startDate", "endDate"]) {
        const value = get(name);
        if (value !== undefined) checkDateTime(value, `query.${name}`, ctx);
      }
      return;
    }
    case "getActivity":
      if (params.id !== undefined)
        checkPrefixedId(params.id, "path.id", "activity", "invalid_activity_id", ctx);
      if (cols !== undefined)
        checkCols(cols, ACTIVITY_COLS, { customFields: false, recordCount: false }, ctx);
      return;
    case "listOrganizations":
    case "getOrganization": {
      if (operation === "getOrganization" && params.id !== undefined)
        checkPrefixedId(params.id, "path.id", "organization", "invalid_organization_id", ctx);
      if (cols !== undefined)
        checkCols(
          cols,
          ORGANIZATION_COLS,
          { customFields: true, recordCount: operation === "listOrganizations" },
          ctx,
        );
      if (sort !== undefined && !(ORGANIZATION_SORTS as readonly string[]).includes(sort))
        if (!/^(ls|cf)_\d+$/.test(sort))
          fail(
            ctx,
            "invalid_parameters",
            `query.sort must be one of ${ORGANIZATION_SORTS.join(", ")}, ls_<number> or cf_<number> (got ${JSON.stringify(sort)})`,
          );
      for (const name of ["name", "primaryDomain"]) {
        if (get(name) === "")
          fail(ctx, "invalid_parameters", `query.${name} must not be empty (leave it out instead)`);
      }
      return;
    }
    case "getSegment":
      if (params.id !== undefined)
        checkPrefixedId(params.id, "path.id", "segment", "invalid_segment_id", ctx);
      if (cols !== undefined)
        checkCols(cols, SEGMENT_COLS, { customFields: false, recordCount: false }, ctx);
      return;
    case "listWebsiteVisits": {
      if (cols !== undefined)
        checkCols(cols, WEBSITE_VISIT_COLS, { customFields: false, recordCount: true }, ctx);
      checkContactAndOrganization(get, ctx);
      return;
    }
    case "createSegment":
      return;
  }
}

const segmentName: Rule = (value, at, ctx) => {
  str()(value, at, ctx);
  if (typeof value === "string" && value.length > SEGMENT_NAME_MAX)
    ctx.issues.push(`${at} must be at most ${SEGMENT_NAME_MAX} characters (got ${value.length})`);
};

const createSegmentBody = object(
  {
    name: { rule: segmentName, required: true },
    description: { rule: str() },
    entityType: { rule: oneOf(SEGMENT_ENTITY_TYPES) },
    objectTypeId: { rule: str() },
  },
  { unknownKeys: "reject" },
);

export function checkCreateSegmentBody(body: unknown, ctx: V2CheckContext): void {
  withCode(ctx, "invalid_parameters", (c) => createSegmentBody(body, "body", c));
  if (!isPlainObject(body)) return;
  const objectTypeId = body.objectTypeId;
  if (typeof objectTypeId === "string")
    checkPrefixedId(objectTypeId, "body.objectTypeId", "objectType", "invalid_object_type_id", ctx);
  if (objectTypeId !== undefined && body.entityType !== "object")
    ctx.notes.push(
      `body.objectTypeId is only used when entityType is object (got entityType ${kindOf(body.entityType) === "string" ? JSON.stringify(body.entityType) : "contact by default"})`,
    );
}
