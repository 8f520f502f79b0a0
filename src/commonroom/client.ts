/**
 * A typed client of the Common Room Core API (v1) and of the parts of the v2 API that the
 * operations beyond the connected app use: one method per endpoint. It knows HTTP and
 * nothing of Conductor. Both versions go through the same layers, so callers cannot tell
 * which one answered: every failure comes out as a CommonRoomError (see classify.ts), and
 * 429s, 5xx and network errors are handled by the retry layer (retry.ts) around each call.
 * Every HTTP request, whatever the method, page or bulk item, first asks the token's pacer
 * (pacer.ts) and tells it what Common Room said of the rate limit.
 * v2 answers come wrapped as `{ success: true, data, meta? }`; the methods unwrap them.
 */
import { deriveV2Url } from "../config.js";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { Logger } from "pino";
import type { z } from "zod";
import {
  classifyHttpError,
  classifyTransportError,
  snippet,
  unexpectedResponse,
} from "./classify.js";
import { CommonRoomError } from "./errors.js";
import { Pacer, PacerRefusal, type Permit } from "./pacer.js";
import { readRateReport } from "./rate-report.js";
import {
  budgetSpent,
  resolveRetryPolicy,
  withRetry,
  type RetryHooks,
  type RetryPolicy,
} from "./retry.js";
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

export interface CommonRoomClientOptions {
  /** The Core API (v1) base, e.g. https://api.commonroom.io/community/v1. */
  apiUrl: string;
  /** The v2 API base; default: apiUrl with its trailing `/v1` replaced by `/v2`. */
  apiV2Url?: string;
  apiToken: string;
  /** Per-request timeout. */
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  observer?: CommonRoomObserver;
  /**
   * The pacer of this client's API token, shared by every client of the same token in the
   * process. Default: one of its own.
   */
  pacer?: Pacer;
  /** Never given the token or headers. */
  logger?: Logger;
}

export interface CallOptions {
  /** Epoch ms: the task's time budget. Without it the policy's defaultBudgetMs applies. */
  deadline?: number;
  signal?: AbortSignal;
  /** Told of this call's requests, waits and retries (the task's own log). */
  trace?: CallTrace;
}

/**
 * One task's view of its calls, beside the client-wide observer: each request as sent
 * (`path` is the real one, below the API base: the listener masks what it shows), each
 * rate-limit wait and each retry, with the reason.
 */
export interface CallTrace extends RetryHooks {
  onRequest?(e: {
    method: string;
    api: "v1" | "v2";
    path: string;
    httpStatus: number | "network";
    durationMs: number;
  }): void;
}

export interface CommonRoomObserver {
  onResponse?(e: { operation: string; httpStatus: number | "network"; durationMs: number }): void;
  onRateLimitWait?(e: { operation: string; waitMs: number }): void;
  onRetry?(e: { operation: string; attempt: number; kind: string; delayMs: number }): void;
}

/** A 2xx without a documented body: empty → undefined, JSON → parsed, else the text. */
export interface Accepted {
  httpStatus: number;
  body: unknown;
}

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
const MIN_REQUEST_TIMEOUT_MS = 1000;

type Method = "GET" | "POST" | "DELETE";

interface Request {
  operation: string;
  method: Method;
  /** Below the API base, URL-encoded. */
  path: string;
  /** Which base: v1 unless said. */
  api?: "v1" | "v2";
  /** The path as logs and errors show it, when `path` holds something private (an email). */
  shownPath?: string;
  query?: Record<string, string>;
  body?: unknown;
}

export class CommonRoomClient {
  private readonly http: AxiosInstance;
  private readonly policy: RetryPolicy;
  private readonly secrets: readonly string[];
  private readonly v2BaseUrl: string;
  private readonly pacer: Pacer;

  constructor(private readonly opts: CommonRoomClientOptions) {
    this.policy = resolveRetryPolicy(opts.retry);
    this.pacer =
      opts.pacer ??
      new Pacer({
        name: "default",
        now: this.policy.now,
        sleep: this.policy.sleep,
      });
    this.secrets = [opts.apiToken];
    this.v2BaseUrl = (opts.apiV2Url ?? deriveV2Url(opts.apiUrl)).replace(/\/+$/, "");
    this.http = axios.create({
      baseURL: opts.apiUrl.replace(/\/+$/, ""),
      headers: { Authorization: `Bearer ${opts.apiToken}`, Accept: "application/json" },
      // Every status comes back as a response, every body as text: we classify and parse.
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
  }

  getApiTokenStatus(o?: CallOptions): Promise<ApiToken> {
    return this.json(
      { operation: "getApiTokenStatus", method: "GET", path: "/api-token-status" },
      ApiToken,
      o,
    );
  }

  addOrEditUser(destinationSourceId: number, user: ApiUser, o?: CallOptions): Promise<Accepted> {
    return this.accepted(
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
    return this.json(
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
    return this.accepted(
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
    return this.json(
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
    return this.json(
      { operation: "getSegments", method: "GET", path: "/segments" },
      Segment.array(),
      o,
    );
  }

  getSegmentStatuses(segmentId: number, o?: CallOptions): Promise<SegmentStatus[]> {
    return this.json(
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
    return this.json({ operation: "listTags", method: "GET", path: "/tags" }, TagList, o);
  }

  createTag(body: CreateTagBody, o?: CallOptions): Promise<ApiTag> {
    return this.json({ operation: "createTag", method: "POST", path: "/tags", body }, ApiTag, o);
  }

  updateTag(tagId: string, body: UpdateTagBody, o?: CallOptions): Promise<ApiTag> {
    return this.json(
      { operation: "updateTag", method: "POST", path: `/tags/${pathSegment(tagId)}`, body },
      ApiTag,
      o,
    );
  }

  deleteTag(tagId: string, o?: CallOptions): Promise<Accepted> {
    return this.accepted(
      { operation: "deleteTag", method: "DELETE", path: `/tags/${pathSegment(tagId)}` },
      o,
    );
  }

  getTag(tagId: string, o?: CallOptions): Promise<ApiTag> {
    return this.json(
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
    return this.accepted(
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
    return this.json(
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
    return this.accepted(
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
    const res = await this.json(
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
    const res = await this.json(
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
    const res = await this.json(
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
    return pageOf(await this.json({ operation, method: "GET", path, api: "v2", query }, schema, o));
  }

  /** A call whose 2xx body must match `schema`. */
  private async json<S extends z.ZodTypeAny>(
    req: Request,
    schema: S,
    o: CallOptions | undefined,
  ): Promise<z.infer<S>> {
    const res = await this.send(req, o);
    const text = res.bodyText;
    const typeName = schemaName(req.operation);
    if (text.trim() === "") {
      throw unexpectedResponse(
        req.operation,
        res.status,
        `an empty body (expected ${typeName})`,
        this.secrets,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw unexpectedResponse(
        req.operation,
        res.status,
        `a body that is not JSON: ${snippet(text, this.secrets)}`,
        this.secrets,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = (parsed.error as z.ZodError).issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(body)";
      throw unexpectedResponse(
        req.operation,
        res.status,
        `a body that does not match ${typeName}: ${where}: ${issue?.message ?? "invalid"}`,
        this.secrets,
      );
    }
    return parsed.data as z.infer<S>;
  }

  /** A call whose 2xx body is undocumented: read it defensively. */
  private async accepted(req: Request, o: CallOptions | undefined): Promise<Accepted> {
    const res = await this.send(req, o);
    const text = res.bodyText;
    if (text.trim() === "") return { httpStatus: res.status, body: undefined };
    try {
      return { httpStatus: res.status, body: JSON.parse(text) as unknown };
    } catch {
      return { httpStatus: res.status, body: text };
    }
  }

  /** Sends one request through the retry layer; resolves only with a 2xx. */
  private send(req: Request, o: CallOptions = {}): Promise<{ status: number; bodyText: string }> {
    const { observer } = this.opts;
    return withRetry(
      {
        operation: req.operation,
        policy: this.policy,
        deadline: o.deadline,
        signal: o.signal,
        hooks: {
          onRateLimitWait: (e) => {
            this.opts.logger?.warn(e, "Common Room rate limit: waiting");
            observer?.onRateLimitWait?.(e);
            o.trace?.onRateLimitWait?.(e);
          },
          onRetry: (e) => {
            this.opts.logger?.warn(e, "Common Room call failed: retrying");
            observer?.onRetry?.(e);
            o.trace?.onRetry?.(e);
          },
        },
      },
      (remainingMs) => this.once(req, remainingMs, o),
    );
  }

  private async once(
    req: Request,
    remainingMs: number,
    { signal, trace }: CallOptions,
  ): Promise<{ status: number; bodyText: string }> {
    const { operation, method } = req;
    const traced = (httpStatus: number | "network", durationMs: number) =>
      trace?.onRequest?.({
        method,
        api: req.api ?? "v1",
        path: decodedPath(req.path),
        httpStatus,
        durationMs,
      });
    const path = req.shownPath ?? req.path;
    const deadline = this.policy.now() + remainingMs;
    const permit = await this.paced(req, path, deadline, signal);
    const timeoutMs = Math.min(
      this.opts.timeoutMs,
      Math.max(deadline - this.policy.now(), MIN_REQUEST_TIMEOUT_MS),
    );
    const started = performance.now();
    let res: AxiosResponse<unknown>;
    try {
      res = await this.http.request({
        method,
        url: req.path,
        ...(req.api === "v2" && { baseURL: this.v2BaseUrl }),
        params: req.query,
        timeout: timeoutMs,
        signal,
        ...(req.body !== undefined && {
          data: JSON.stringify(req.body),
          headers: { "Content-Type": "application/json" },
        }),
      });
    } catch (error) {
      permit.done();
      const durationMs = performance.now() - started;
      this.opts.observer?.onResponse?.({ operation, httpStatus: "network", durationMs });
      traced("network", durationMs);
      const failure = classifyTransportError({
        code: errorCode(error),
        operation,
        method,
        path,
        timeoutMs,
      });
      this.opts.logger?.debug(
        { operation, method, path, code: failure.details?.code, durationMs },
        "Common Room call got no answer",
      );
      throw failure;
    }
    const durationMs = performance.now() - started;
    this.opts.observer?.onResponse?.({ operation, httpStatus: res.status, durationMs });
    traced(res.status, durationMs);
    this.opts.logger?.debug(
      { operation, method, path, httpStatus: res.status, durationMs },
      "Common Room answered",
    );
    const bodyText =
      typeof res.data === "string" ? res.data : res.data == null ? "" : String(res.data);
    const headers = { ...(res.headers as Record<string, unknown>) };
    const now = this.policy.now();
    permit.done(readRateReport(res.status, headers, bodyText, now));
    if (res.status >= 200 && res.status < 300) return { status: res.status, bodyText };
    throw classifyHttpError({
      operation,
      method,
      path,
      status: res.status,
      headers,
      bodyText,
      now,
      secrets: this.secrets,
    });
  }

  /**
   * Waits for the pacer's go. A hold the token's limit stretches past the deadline is
   * rate_limited, with no answer; one that reaches the deadline before Common Room's first
   * answer is the budget spent (the request was not sent).
   */
  private async paced(
    req: Request,
    path: string,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<Permit> {
    const { operation, method } = req;
    try {
      return await this.pacer.acquire(deadline, signal);
    } catch (error) {
      if (!(error instanceof PacerRefusal)) throw error;
      // Held before any verdict on the limit: the budget ran out, not the token's limit.
      if (error.reason === "deadline") throw budgetSpent(operation);
      if (error.reason === "cancelled") {
        throw classifyTransportError({
          code: "ERR_CANCELED",
          operation,
          method,
          path,
          timeoutMs: 0,
        });
      }
      throw new CommonRoomError({
        kind: "rate_limited",
        operation,
        waitMs: error.waitMs,
        details: { method, path, heldBy: "pacer" },
        message: `Common Room's rate limit for this API token leaves no room for ${operation} for another ${error.waitMs} ms, past this call's time budget`,
      });
    }
  }
}

/** The path as a reader wants it (the email in /user/{email} unescaped, for masking). */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
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

/** Only the error's code is kept: the axios error carries the request config and headers. */
function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

const SCHEMA_NAMES: Record<string, string> = {
  getApiTokenStatus: "ApiToken",
  getActivityTypes: "ActivityType[]",
  getCustomFields: "CustomField[]",
  getSegments: "Segment[]",
  getSegmentStatuses: "SegmentStatus[]",
  findMembers: "Member[]",
  listTags: "TagList",
  createTag: "ApiTag",
  updateTag: "ApiTag",
  getTag: "ApiTag",
  createSegment: "CreateSegmentResponse",
  listContacts: "ContactList",
  getContact: "ContactResponse",
  listActivities: "ActivityList",
  getActivity: "ActivityResponse",
  listOrganizations: "OrganizationList",
  getOrganization: "OrganizationResponse",
  getSegment: "SegmentResponse",
  listWebsiteVisits: "WebsiteVisitList",
};

function schemaName(operation: string): string {
  return SCHEMA_NAMES[operation] ?? "the documented shape";
}
