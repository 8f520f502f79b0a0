/**
 * The request pipeline under every Common Room call: the token's pacer, one HTTP request
 * (axios), the rate-limit reading of its answer, classification into CommonRoomError, and
 * the retry layer whose decisions are the rate-limit policy's (rate-policy.ts). The client
 * (client.ts) is one method per endpoint on top of it; nothing else sends to Common Room.
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { Logger } from "pino";
import type { z } from "zod";
import { deriveV2Url } from "../config.js";
import {
  classifyHttpError,
  classifyTransportError,
  snippet,
  unexpectedResponse,
} from "./classify.js";
import { CommonRoomError } from "./errors.js";
import { Pacer, PacerRefusal, type Permit } from "./pacer.js";
import { readRateLimit } from "./rate-reading.js";
import {
  budgetSpent,
  resolveRetryPolicy,
  stopped,
  withRetry,
  type RetryHooks,
  type RetryPolicy,
} from "./retry.js";

export interface TransportOptions {
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
  /** Aborts the requests under way (the CLI's stop). */
  signal?: AbortSignal;
  /**
   * The attempt's stop (the worker drains, or its time is up): no new request or wait
   * starts, and a held one is given up with CallStopped; requests under way finish.
   */
  stop?: AbortSignal;
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

const MIN_REQUEST_TIMEOUT_MS = 1000;

export type Method = "GET" | "POST" | "DELETE";

export interface Request {
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

export class Transport {
  private readonly http: AxiosInstance;
  private readonly policy: RetryPolicy;
  private readonly secrets: readonly string[];
  private readonly v2BaseUrl: string;
  private readonly pacer: Pacer;

  constructor(private readonly opts: TransportOptions) {
    this.policy = resolveRetryPolicy(opts.retry);
    this.pacer =
      opts.pacer ??
      new Pacer({
        name: "default",
        now: this.policy.now,
        sleep: this.policy.sleep,
        maxWaitMs: this.policy.maxRateWaitMs,
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

  /** A call whose 2xx body must match `schema`. */
  async json<S extends z.ZodTypeAny>(
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
  async accepted(req: Request, o: CallOptions | undefined): Promise<Accepted> {
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
        stop: o.stop,
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
    { signal, stop, trace }: CallOptions,
  ): Promise<{ status: number; bodyText: string }> {
    const { operation, method } = req;
    const traced = (httpStatus: number | "network", durationMs: number) =>
      trace?.onRequest?.({
        method,
        api: req.api ?? "v1",
        // A private path (the email of Anonymize Contact) is shown by its template only.
        path: req.shownPath ?? decodedPath(req.path),
        httpStatus,
        durationMs,
      });
    const path = req.shownPath ?? req.path;
    const deadline = this.policy.now() + remainingMs;
    const permit = await this.paced(req, path, deadline, signal, stop);
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
    permit.done(readRateLimit(res.status, headers, bodyText, now));
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
    stop: AbortSignal | undefined,
  ): Promise<Permit> {
    const { operation, method } = req;
    try {
      const either = stop && signal ? AbortSignal.any([signal, stop]) : (stop ?? signal);
      return await this.pacer.acquire(deadline, either);
    } catch (error) {
      if (!(error instanceof PacerRefusal)) throw error;
      // Held before any verdict on the limit: the budget ran out, not the token's limit.
      if (error.reason === "deadline") throw budgetSpent(operation);
      if (error.reason === "cancelled" && stop?.aborted && !signal?.aborted) {
        throw stopped(operation, stop);
      }
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
