/**
 * A typed client of the Common Room Core API (v1): one method per endpoint. It knows HTTP
 * and nothing of Conductor. Every failure comes out as a CommonRoomError (see classify.ts);
 * 429s, 5xx and network errors are handled by the retry layer (retry.ts) around each call.
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { Logger } from "pino";
import type { z } from "zod";
import {
  classifyHttpError,
  classifyTransportError,
  snippet,
  unexpectedResponse,
} from "./classify.js";
import { resolveRetryPolicy, withRetry, type RetryPolicy } from "./retry.js";
import {
  ActivityType,
  ApiTag,
  ApiToken,
  CustomField,
  Segment,
  SegmentStatus,
  TagList,
  type ApiActivity,
  type ApiUser,
  type TagEntityType,
} from "./schemas.js";

export interface CommonRoomClientOptions {
  apiUrl: string;
  apiToken: string;
  /** Per-request timeout. */
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  observer?: CommonRoomObserver;
  /** Never given the token or headers. */
  logger?: Logger;
}

export interface CallOptions {
  /** Epoch ms: the task's time budget. Without it the policy's defaultBudgetMs applies. */
  deadline?: number;
  signal?: AbortSignal;
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

export interface UpdateTagBody {
  name: string;
  description?: string | null;
}

/** A request timeout is never cut below this by a nearly spent budget. */
const MIN_REQUEST_TIMEOUT_MS = 1000;

type Method = "GET" | "POST" | "DELETE";

interface Request {
  operation: string;
  method: Method;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export class CommonRoomClient {
  private readonly http: AxiosInstance;
  private readonly policy: RetryPolicy;
  private readonly secrets: readonly string[];

  constructor(private readonly opts: CommonRoomClientOptions) {
    this.policy = resolveRetryPolicy(opts.retry);
    this.secrets = [opts.apiToken];
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
        path: `/source/${segment(destinationSourceId)}/user`,
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
        path: `/source/${segment(destinationSourceId)}/activity`,
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
        path: `/segments/${segment(segmentId)}/status`,
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
      { operation: "updateTag", method: "POST", path: `/tags/${segment(tagId)}`, body },
      ApiTag,
      o,
    );
  }

  deleteTag(tagId: string, o?: CallOptions): Promise<Accepted> {
    return this.accepted(
      { operation: "deleteTag", method: "DELETE", path: `/tags/${segment(tagId)}` },
      o,
    );
  }

  getTag(tagId: string, o?: CallOptions): Promise<ApiTag> {
    return this.json(
      { operation: "getTag", method: "GET", path: `/tags/${segment(tagId)}` },
      ApiTag,
      o,
    );
  }

  // -------------------------------------------------------------------------------------

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
          },
          onRetry: (e) => {
            this.opts.logger?.warn(e, "Common Room call failed: retrying");
            observer?.onRetry?.(e);
          },
        },
      },
      (remainingMs) => this.once(req, remainingMs, o.signal),
    );
  }

  private async once(
    req: Request,
    remainingMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; bodyText: string }> {
    const { operation, method, path } = req;
    const timeoutMs = Math.min(this.opts.timeoutMs, Math.max(remainingMs, MIN_REQUEST_TIMEOUT_MS));
    const started = performance.now();
    let res: AxiosResponse<unknown>;
    try {
      res = await this.http.request({
        method,
        url: path,
        params: req.query,
        timeout: timeoutMs,
        signal,
        ...(req.body !== undefined && {
          data: JSON.stringify(req.body),
          headers: { "Content-Type": "application/json" },
        }),
      });
    } catch (error) {
      const durationMs = performance.now() - started;
      this.opts.observer?.onResponse?.({ operation, httpStatus: "network", durationMs });
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
    this.opts.logger?.debug(
      { operation, method, path, httpStatus: res.status, durationMs },
      "Common Room answered",
    );
    const bodyText =
      typeof res.data === "string" ? res.data : res.data == null ? "" : String(res.data);
    if (res.status >= 200 && res.status < 300) return { status: res.status, bodyText };
    throw classifyHttpError({
      operation,
      method,
      path,
      status: res.status,
      headers: { ...(res.headers as Record<string, unknown>) },
      bodyText,
      now: this.policy.now(),
      secrets: this.secrets,
    });
  }
}

/** A path parameter, URL-encoded. */
function segment(value: string | number): string {
  return encodeURIComponent(String(value));
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
  listTags: "TagList",
  createTag: "ApiTag",
  updateTag: "ApiTag",
  getTag: "ApiTag",
};

function schemaName(operation: string): string {
  return SCHEMA_NAMES[operation] ?? "the documented shape";
}
