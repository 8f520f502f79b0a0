/**
 * A typed client of the Common Room Core API (v1) and of the parts of the v2 API that the
 * operations beyond the connected app use: one method per endpoint. It knows HTTP and
 * nothing of Conductor. Both versions go through the same layers, so callers cannot tell
 * which one answered. Every request goes through the one pipeline in transport.ts (pacer,
 * rate-limit policy, classification into CommonRoomError, retries).
 * v2 answers come wrapped as `{ success: true, data, meta? }`; the methods unwrap them.
 */
import type { z } from "zod";
import { Transport, type Accepted, type CallOptions, type TransportOptions } from "./transport.js";
import {
  ActivityList,
  ActivityResponse,
  ActivityType,
  ApiTag,
  ApiToken,
  ContactList,
  ContactResponse,
  CreateSegmentResponse,
  CustomField,
  Member,
  OrganizationList,
  OrganizationResponse,
  Segment,
  SegmentResponse,
  SegmentStatus,
  TagList,
  WebsiteVisitList,
  type ApiActivity,
  type ApiUser,
  type Contact,
  type Organization,
  type SegmentEntityType,
  type SocialType,
  type SortDirection,
  type TagEntityType,
  type V2Activity,
  type V2Segment,
  type WebsiteVisit,
} from "./schemas.js";

export type { Accepted, CallOptions, CallTrace, CommonRoomObserver } from "./transport.js";
export type CommonRoomClientOptions = TransportOptions;

export interface CreateTagBody {
  name: string;
  description?: string | null;
  entityTypes: TagEntityType[];
}

/** Body of addContactsToSegment (v1 POST /segments/{id}). */
export interface AddToSegmentBody {
  socialType: SocialType;
  /** Emails or handles, comma-separated, as the spec asks. */
  value: string;
  statusId?: number;
}

export interface UpdateTagBody {
  name: string;
  description?: string | null;
}

/** Body of createSegment (v2 CreateSegmentRequest): only the fields given are sent. */
export interface CreateSegmentBody {
  name: string;
  description?: string;
  entityType?: SegmentEntityType;
  /** `cot_<number>`; Common Room requires it when entityType is "object". */
  objectTypeId?: string;
}

/** One page of a v2 list. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
  /** The total number of matches, only when `cols` asked for `recordCount`. */
  recordCount?: number;
}

/** Query of listContacts (v2 GET /contacts); only the parameters given are sent. */
export interface ContactQuery {
  segmentId?: string;
  organizationId?: string;
  sort?: string;
  direction?: SortDirection;
  cols?: string;
  limit?: number;
  cursor?: string;
}

/** Query of listActivities (v2 GET /activities); only the parameters given are sent. */
export interface ActivityQuery {
  contactId?: string;
  organizationId?: string;
  /** ISO 8601: activities at or after it. */
  startDate?: string;
  /** ISO 8601: activities at or before it. */
  endDate?: string;
  /** The spec allows `id` and `activityTime` (its default). */
  sort?: string;
  direction?: SortDirection;
  cols?: string;
  limit?: number;
  cursor?: string;
}

/** Query of listOrganizations (v2 GET /organizations); only the parameters given are sent. */
export interface OrganizationQuery {
  /** Exact name. */
  name?: string;
  /** Exact primary domain. */
  primaryDomain?: string;
  sort?: string;
  direction?: SortDirection;
  cols?: string;
  limit?: number;
  cursor?: string;
}

/** Query of listWebsiteVisits (v2 GET /website-visits); only the parameters given are sent. */
export interface WebsiteVisitQuery {
  contactId?: string;
  organizationId?: string;
  cols?: string;
  limit?: number;
  cursor?: string;
}

const CONTACT_QUERY_KEYS = [
  "segmentId",
  "organizationId",
  "sort",
  "direction",
  "cols",
  "limit",
  "cursor",
] as const satisfies readonly (keyof ContactQuery)[];

const ACTIVITY_QUERY_KEYS = [
  "contactId",
  "organizationId",
  "startDate",
  "endDate",
  "sort",
  "direction",
  "cols",
  "limit",
  "cursor",
] as const satisfies readonly (keyof ActivityQuery)[];

const ORGANIZATION_QUERY_KEYS = [
  "name",
  "primaryDomain",
  "sort",
  "direction",
  "cols",
  "limit",
  "cursor",
] as const satisfies readonly (keyof OrganizationQuery)[];

const WEBSITE_VISIT_QUERY_KEYS = [
  "contactId",
  "organizationId",
  "cols",
  "limit",
  "cursor",
] as const satisfies readonly (keyof WebsiteVisitQuery)[];

/** A request timeout is never cut below this by a nearly spent budget. */
export class CommonRoomClient {
  private readonly transport: Transport;

  constructor(opts: CommonRoomClientOptions) {
    this.transport = new Transport(opts);
  }

  getApiTokenStatus(o?: CallOptions): Promise<ApiToken> {
    return this.transport.json(
      { operation: "getApiTokenStatus", method: "GET", path: "/api-token-status" },
      ApiToken,
      o,
    );
  }

  addOrEditUser(destinationSourceId: number, user: ApiUser, o?: CallOptions): Promise<Accepted> {
    return this.transport.accepted(
      {
        operation: "addOrEditUser",
        method: "POST",
        path: `/source/${pathSegment(destinationSourceId)}/user`,
        body: user,
      },
      o,
    );
  }

  getActivityTypes(o?: CallOptions): Promise<ActivityType[]> {
    return this.transport.json(
      { operation: "getActivityTypes", method: "GET", path: "/activityTypes" },
      ActivityType.array(),
      o,
    );
  }

  addOrEditActivity(
    destinationSourceId: number,
    activity: ApiActivity,
    o?: CallOptions,
  ): Promise<Accepted> {
    return this.transport.accepted(
      {
        operation: "addOrEditActivity",
        method: "POST",
        path: `/source/${pathSegment(destinationSourceId)}/activity`,
        body: activity,
      },
      o,
    );
  }

  getCustomFields(destinationSourceId?: number, o?: CallOptions): Promise<CustomField[]> {
    return this.transport.json(
      {
        operation: "getCustomFields",
        method: "GET",
        path: "/members/customFields",
        ...(destinationSourceId !== undefined && {
          query: { destinationSourceId: String(destinationSourceId) },
        }),
      },
      CustomField.array(),
      o,
    );
  }

  getSegments(o?: CallOptions): Promise<Segment[]> {
    return this.transport.json(
      { operation: "getSegments", method: "GET", path: "/segments" },
      Segment.array(),
      o,
    );
  }

  getSegmentStatuses(segmentId: number, o?: CallOptions): Promise<SegmentStatus[]> {
    return this.transport.json(
      {
        operation: "getSegmentStatuses",
        method: "GET",
        path: `/segments/${pathSegment(segmentId)}/status`,
      },
      SegmentStatus.array(),
      o,
    );
  }

  listTags(o?: CallOptions): Promise<TagList> {
    return this.transport.json({ operation: "listTags", method: "GET", path: "/tags" }, TagList, o);
  }

  createTag(body: CreateTagBody, o?: CallOptions): Promise<ApiTag> {
    return this.transport.json(
      { operation: "createTag", method: "POST", path: "/tags", body },
      ApiTag,
      o,
    );
  }

  updateTag(tagId: string, body: UpdateTagBody, o?: CallOptions): Promise<ApiTag> {
    return this.transport.json(
      { operation: "updateTag", method: "POST", path: `/tags/${pathSegment(tagId)}`, body },
      ApiTag,
      o,
    );
  }

  deleteTag(tagId: string, o?: CallOptions): Promise<Accepted> {
    return this.transport.accepted(
      { operation: "deleteTag", method: "DELETE", path: `/tags/${pathSegment(tagId)}` },
      o,
    );
  }

  getTag(tagId: string, o?: CallOptions): Promise<ApiTag> {
    return this.transport.json(
      { operation: "getTag", method: "GET", path: `/tags/${pathSegment(tagId)}` },
      ApiTag,
      o,
    );
  }

  // -------------------------------------------------------------------------------------
  // Beyond the connected app

  /**
   * v1 DELETE /user/{email}: asks Common Room to anonymize the contact (queued, done within
   * 15 days). Logs and errors show the path as `/user/{email}`: even a hash of the email
   * would be personal data.
   */
  anonymizeContact(email: string, o?: CallOptions): Promise<Accepted> {
    return this.transport.accepted(
      {
        operation: "anonymizeContact",
        method: "DELETE",
        path: `/user/${pathSegment(email)}`,
        shownPath: "/user/{email}",
      },
      o,
    );
  }

  /**
   * v1 GET /members (deprecated, and the only lookup by email or handle): the contacts
   * matching one email, twitter, github or linkedin value. Logs show the path only.
   */
  findMembers(socialType: SocialType, value: string, o?: CallOptions): Promise<Member[]> {
    return this.transport.json(
      { operation: "findMembers", method: "GET", path: "/members", query: { [socialType]: value } },
      Member.array(),
      o,
    );
  }

  /** v1 POST /segments/{id} (deprecated): adds existing contacts to a segment. */
  addContactsToSegment(
    segmentId: number,
    body: AddToSegmentBody,
    o?: CallOptions,
  ): Promise<Accepted> {
    return this.transport.accepted(
      {
        operation: "addContactsToSegment",
        method: "POST",
        path: `/segments/${pathSegment(segmentId)}`,
        body,
      },
      o,
    );
  }

  /** v2 POST /segments; answers the created segment's `id` (`s_<number>`) and `name`. */
  async createSegment(
    body: CreateSegmentBody,
    o?: CallOptions,
  ): Promise<{ id: string; name: string }> {
    const res = await this.transport.json(
      { operation: "createSegment", method: "POST", path: "/segments", api: "v2", body },
      CreateSegmentResponse,
      o,
    );
    return { id: res.data.id, name: res.data.name };
  }

  /** v2 GET /contacts: one page. */
  listContacts(query: ContactQuery, o?: CallOptions): Promise<Page<Contact>> {
    const params = queryOf(query, CONTACT_QUERY_KEYS);
    return this.v2Page("listContacts", "/contacts", params, ContactList, o);
  }

  /** v2 GET /contacts/{id}. */
  async getContact(
    contactId: string,
    query: { cols?: string } = {},
    o?: CallOptions,
  ): Promise<Contact> {
    const res = await this.transport.json(
      {
        operation: "getContact",
        method: "GET",
        path: `/contacts/${pathSegment(contactId)}`,
        api: "v2",
        query: queryOf(query, ["cols"] as const),
      },
      ContactResponse,
      o,
    );
    return res.data;
  }

  /** v2 GET /activities: one page. */
  listActivities(query: ActivityQuery, o?: CallOptions): Promise<Page<V2Activity>> {
    const params = queryOf(query, ACTIVITY_QUERY_KEYS);
    return this.v2Page("listActivities", "/activities", params, ActivityList, o);
  }

  /** v2 GET /activities/{id}. */
  getActivity(
    activityId: string,
    query: { cols?: string } = {},
    o?: CallOptions,
  ): Promise<V2Activity> {
    const path = `/activities/${pathSegment(activityId)}`;
    return this.v2Item("getActivity", path, query, ActivityResponse, o);
  }

  /** v2 GET /organizations: one page. */
  listOrganizations(query: OrganizationQuery, o?: CallOptions): Promise<Page<Organization>> {
    const params = queryOf(query, ORGANIZATION_QUERY_KEYS);
    return this.v2Page("listOrganizations", "/organizations", params, OrganizationList, o);
  }

  /** v2 GET /organizations/{id}. */
  getOrganization(
    organizationId: string,
    query: { cols?: string } = {},
    o?: CallOptions,
  ): Promise<Organization> {
    const path = `/organizations/${pathSegment(organizationId)}`;
    return this.v2Item("getOrganization", path, query, OrganizationResponse, o);
  }

  /** v2 GET /segments/{id} (`s_<number>`). */
  getSegment(
    segmentId: string,
    query: { cols?: string } = {},
    o?: CallOptions,
  ): Promise<V2Segment> {
    const path = `/segments/${pathSegment(segmentId)}`;
    return this.v2Item("getSegment", path, query, SegmentResponse, o);
  }

  /** v2 GET /website-visits: one page. */
  listWebsiteVisits(query: WebsiteVisitQuery, o?: CallOptions): Promise<Page<WebsiteVisit>> {
    const params = queryOf(query, WEBSITE_VISIT_QUERY_KEYS);
    return this.v2Page("listWebsiteVisits", "/website-visits", params, WebsiteVisitList, o);
  }

  // -------------------------------------------------------------------------------------

  /** One v2 object by its id: a GET whose body is `{ success: true, data }`, unwrapped. */
  private async v2Item<T>(
    operation: string,
    path: string,
    query: { cols?: string },
    schema: z.ZodType<{ data: T }, z.ZodTypeDef, unknown>,
    o: CallOptions | undefined,
  ): Promise<T> {
    const params = queryOf(query, ["cols"] as const);
    const res = await this.transport.json(
      { operation, method: "GET", path, api: "v2", query: params },
      schema,
      o,
    );
    return res.data;
  }

  /** One page of a v2 list: a GET whose body is the list envelope. */
  private async v2Page<T>(
    operation: string,
    path: string,
    query: Record<string, string> | undefined,
    schema: z.ZodType<ListEnvelope<T>, z.ZodTypeDef, unknown>,
    o: CallOptions | undefined,
  ): Promise<Page<T>> {
    return pageOf(
      await this.transport.json({ operation, method: "GET", path, api: "v2", query }, schema, o),
    );
  }
}

/** A path parameter, URL-encoded. */
function pathSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}

/** Only the keys given (not undefined), as strings, under the names the spec uses. */
function queryOf<Q extends object>(
  query: Q,
  keys: readonly (keyof Q & string)[],
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = query[key];
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The shape of every v2 list answer, as far as paging needs it. */
interface ListEnvelope<T> {
  data: T[];
  meta: { nextCursor: string | null; recordCount?: number };
}

function pageOf<T>(list: ListEnvelope<T>): Page<T> {
  return {
    items: list.data,
    nextCursor: list.meta.nextCursor,
    ...(list.meta.recordCount !== undefined && { recordCount: list.meta.recordCount }),
  };
}
