/**
 * The framework-free core: a WHATWG Request in, a Response out. It checks each request
 * against the v1 Core API spec (or, under the v2 base, the v2 spec), records it, applies
 * injected faults and the rate limit, and serves the operations from a stateful store.
 */
import { FaultQueue, faultOutcome, type InjectedFault } from "./faults.js";
import { PerTokenLimiter, type RateLimitSnapshot } from "./rate-limit.js";
import {
  empty,
  invalidRequest,
  json,
  rateLimitedByWindow,
  styled,
  tokenNotValid,
  v2ErrorBody,
} from "./responses.js";
import {
  matchRoute,
  V2_ROUTES,
  type Route,
  type RouteMatch,
  type V2OperationName,
} from "./routes.js";
import { isPlainObject, type CheckContext } from "./rules.js";
import {
  DEFAULT_BASE_URL,
  DEFAULT_COMMUNITY,
  DEFAULT_DESTINATION_SOURCE_IDS,
  DEFAULT_TOKENS,
} from "./seed.js";
import {
  checkActivityBody,
  checkDestinationSourceId,
  checkEmailParam,
  checkMemberLookup,
  checkQuery,
  checkSegmentAddBody,
  checkSegmentId,
  SOCIAL_TYPES,
  type SocialType,
  checkTagCreateBody,
  checkTagId,
  checkTagUpdateBody,
  checkUserBody,
  type Catalog,
} from "./spec-checks.js";
import { checkCreateSegmentBody, checkV2Request, type V2CheckContext } from "./spec-checks-v2.js";
import { addToSegment, findMembers } from "./members.js";
import { SimulatorStore, type WriteEffects } from "./state.js";
import { serveV2 } from "./v2.js";
import type {
  ApiTokenInfo,
  BodyStyle,
  Fault,
  RecordedRequest,
  SimulatorOptions,
  SimulatorState,
  TagEntityType,
} from "./types.js";
import { recordBounded } from "../request-log.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type AuthResult = "ok" | "missing" | "malformed" | "unknown-token";
type Api = "v1" | "v2";

/** `…/v1` → `…/v2`; a base without a trailing `/v1` gets `/v2` appended. */
export function deriveV2BaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  return /\/v1$/.test(trimmed) ? trimmed.replace(/\/v1$/, "/v2") : `${trimmed}/v2`;
}

const V2_SERVED = V2_ROUTES.map((r) => `${r.method} ${r.template}`).join(", ");

interface Prepared {
  api: Api;
  record: RecordedRequest;
  route: Route<string> | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  auth: AuthResult;
  /** The bearer token as sent, whatever its validity: the key of its rate limit. */
  token: string | undefined;
  routing: "found" | "unknown" | "wrong-method";
  /** The methods the path does have, for a 405's Allow header. */
  allowed: string[];
  ctx: V2CheckContext;
}

export class SimulatorCore {
  readonly baseUrl: string;
  readonly v2BaseUrl: string;
  readonly tokens: readonly string[];
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly store: SimulatorStore;
  private readonly base: URL;
  private readonly v2Base: URL;
  private readonly community: ApiTokenInfo;
  private readonly sources: Set<number>;
  private readonly latencyMs: number;
  /** Common Room limits each API token on its own. */
  private readonly limiter: PerTokenLimiter;
  private readonly faults = new FaultQueue();
  private readonly bodies: { accepted: BodyStyle; tagDeleted: BodyStyle; anonymized: BodyStyle };

  constructor(opts: SimulatorOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.base = new URL(this.baseUrl);
    this.v2BaseUrl = (opts.v2BaseUrl ?? deriveV2BaseUrl(this.baseUrl)).replace(/\/+$/, "");
    this.v2Base = new URL(this.v2BaseUrl);
    if (this.v2BaseUrl === this.baseUrl) throw new Error("v2BaseUrl must differ from baseUrl");
    this.tokens = [...(opts.tokens ?? DEFAULT_TOKENS)];
    this.community = { ...(opts.community ?? DEFAULT_COMMUNITY) };
    this.sources = new Set(opts.destinationSourceIds ?? DEFAULT_DESTINATION_SOURCE_IDS);
    this.latencyMs = opts.latencyMs ?? 0;
    this.limiter = new PerTokenLimiter(opts.rateLimit);
    this.store = new SimulatorStore(opts.seed);
    this.bodies = {
      accepted: opts.responseBodies?.accepted ?? "json",
      tagDeleted: opts.responseBodies?.tagDeleted ?? "json",
      anonymized: opts.responseBodies?.anonymized ?? "json",
    };
  }

  get state(): SimulatorState {
    return this.store.state;
  }

  inject(fault: Fault): InjectedFault {
    return this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  reset(): void {
    this.store.reset();
    this.requests.length = 0;
    this.violations.length = 0;
    this.faults.clear();
    this.limiter.reset();
  }

  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const list = this.violations.map((v) => `  - ${v}`).join("\n");
    throw new Error(
      `Common Room simulator saw ${this.violations.length} spec violation(s):\n${list}`,
    );
  }

  /** The path relative to the v1 base URL (percent-encoded as sent), or undefined when outside it. */
  relativePath(url: URL): string | undefined {
    return this.locate(url)?.api === "v1" ? relativeTo(this.base, url) : undefined;
  }

  /** Which API a URL is under, and its path relative to that API's base. */
  locate(url: URL): { api: Api; path: string } | undefined {
    // The longer base first, so a v2 base nested in the v1 base still wins.
    const bases: [Api, URL][] = [
      ["v1", this.base],
      ["v2", this.v2Base],
    ];
    bases.sort(([, a], [, b]) => b.pathname.length - a.pathname.length);
    for (const [api, base] of bases) {
      const path = relativeTo(base, url);
      if (path !== undefined) return { api, path };
    }
    return undefined;
  }

  async handle(request: Request): Promise<Response> {
    let response: Response;
    let record: RecordedRequest | undefined;
    try {
      const prepared = await this.prepare(request);
      record = prepared.record;
      response = await this.answer(prepared);
    } catch (error) {
      const message = `${request.method} ${request.url}: simulator error: ${error instanceof Error ? error.message : String(error)}`;
      this.violations.push(message);
      const v2 = this.locate(new URL(request.url))?.api === "v2";
      response = json(
        500,
        v2
          ? v2ErrorBody("internal_server_error", "simulator error")
          : { reason: "simulator error" },
        this.limiter.peek(bearerToken(request.headers.get("authorization"))),
      );
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (record) record.status = response.type === "error" ? 0 : response.status;
    return response;
  }

  // ------------------------------------------------------------ checking

  private async prepare(request: Request): Promise<Prepared> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const located = this.locate(url);
    const api: Api = located?.api ?? "v1";
    const path = located?.path ?? url.pathname;
    const raw = method === "GET" || method === "HEAD" ? "" : await request.text();
    const ctx: V2CheckContext = { issues: [], notes: [] };
    let body: unknown = undefined;
    let bodyIsJson = false;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
        bodyIsJson = true;
      } catch {
        body = raw;
      }
    }
    const record: RecordedRequest = {
      api,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body,
      authorized: false,
      status: 0,
      at: Date.now(),
      violations: [],
      notes: [],
      clearedCustomFields: [],
    };
    recordBounded(this.requests, record);

    const auth = this.checkAuth(request.headers.get("authorization"), ctx);
    record.authorized = auth === "ok";

    let route: Route<string> | undefined;
    let params: Record<string, string> = {};
    let routing: Prepared["routing"] = "unknown";
    let allowed: string[] = [];
    const match: RouteMatch<string> =
      located === undefined
        ? { kind: "unknown" }
        : api === "v2"
          ? matchRoute<V2OperationName>(method, path, V2_ROUTES)
          : matchRoute(method, path);
    if (match.kind === "found") {
      route = match.route;
      params = match.params;
      routing = "found";
    } else if (match.kind === "wrong-method") {
      routing = "wrong-method";
      allowed = match.allowed;
      ctx.issues.push(`method not allowed here (the API has ${match.allowed.join(", ")} ${path})`);
    } else if (match.kind === "bad-encoding") {
      ctx.issues.push(
        `path segment ${JSON.stringify(match.segment)} is not valid percent-encoding`,
      );
    } else if (api === "v2") {
      ctx.issues.push(`no such endpoint among the v2 routes the simulator serves (${V2_SERVED})`);
    } else {
      ctx.issues.push("no such endpoint in the v1 Core API");
    }

    if (route && api === "v2") {
      checkV2Request(
        route.operation as V2OperationName,
        route.query,
        params,
        url.searchParams,
        ctx,
      );
    } else if (route) {
      checkQuery(url.searchParams, route.query, ctx);
      this.checkParams(route as Route, params, url.searchParams, ctx);
    }
    if (route) {
      if (route.body) {
        const contentType = request.headers.get("content-type") ?? "";
        if (raw === "") ctx.issues.push("a JSON request body is required");
        else {
          if (!/^application\/json\s*(;|$)/i.test(contentType))
            ctx.issues.push(
              `Content-Type must be application/json (got ${JSON.stringify(contentType || null)})`,
            );
          if (!bodyIsJson) ctx.issues.push("body is not valid JSON");
          else if (api === "v2") checkCreateSegmentBody(body, ctx);
          else this.checkBody(route as Route, body, ctx);
        }
        if (bodyIsJson && api === "v1")
          record.clearedCustomFields = clearedCustomFields(route as Route, body);
      } else if (raw !== "") {
        ctx.issues.push("this operation takes no request body");
      }
    }

    const where = api === "v2" ? `${method} ${path} (v2)` : `${method} ${path}`;
    for (const issue of ctx.issues) {
      const violation = `${where}: ${issue}`;
      record.violations.push(violation);
      this.violations.push(violation);
    }
    record.notes.push(...ctx.notes);
    const token = bearerToken(request.headers.get("authorization"));
    return {
      api,
      record,
      route,
      params,
      query: url.searchParams,
      auth,
      token,
      routing,
      allowed,
      ctx,
    };
  }

  private checkAuth(header: string | null, ctx: CheckContext): AuthResult {
    if (header === null) {
      ctx.issues.push('Authorization header is missing (expected "Bearer <token>")');
      return "missing";
    }
    const match = /^Bearer ([^\s]+)$/.exec(header);
    if (!match) {
      const scheme = header.split(" ")[0] ?? "";
      ctx.issues.push(
        `Authorization header must be "Bearer <token>" (got scheme ${JSON.stringify(scheme)})`,
      );
      return "malformed";
    }
    return this.tokens.includes(match[1] as string) ? "ok" : "unknown-token";
  }

  private checkParams(
    route: Route,
    params: Record<string, string>,
    query: URLSearchParams,
    ctx: CheckContext,
  ): void {
    if (params.destinationSourceId !== undefined)
      checkDestinationSourceId(params.destinationSourceId, "path.destinationSourceId", ctx);
    if (
      (route.operation === "getSegmentStatuses" || route.operation === "addContactsToSegment") &&
      params.id !== undefined
    )
      checkSegmentId(params.id, ctx);
    if (route.operation === "findMembers") checkMemberLookup(query, ctx);
    if (route.template === "/tags/{id}" && params.id !== undefined) checkTagId(params.id, ctx);
    if (params.email !== undefined) checkEmailParam(params.email, ctx);
    const filter = query.get("destinationSourceId");
    if (route.operation === "getCustomFields" && filter !== null)
      checkDestinationSourceId(filter, "query.destinationSourceId", ctx);
  }

  private catalog(): Catalog {
    return {
      activityTypes: new Set(this.store.activityTypes.map((t) => t.id)),
      customFields: new Map(this.store.customFields.map((f) => [f.id, f])),
    };
  }

  private checkBody(route: Route, body: unknown, ctx: CheckContext): void {
    switch (route.operation) {
      case "addUpdateUserToSource":
        return checkUserBody(body, this.catalog(), ctx);
      case "addUpdateActivityToSource":
        return checkActivityBody(body, this.catalog(), ctx);
      case "createTag":
        return checkTagCreateBody(body, ctx);
      case "updateTag":
        return checkTagUpdateBody(body, ctx);
      case "addContactsToSegment":
        return checkSegmentAddBody(body, ctx);
      default:
        return;
    }
  }

  // ------------------------------------------------------------ answering

  private async answer(p: Prepared): Promise<Response> {
    const rate = this.limiter.take(p.token);
    const fault = this.faults.take(p.record.method, p.record.path, p.api, p.token);
    if (fault) {
      const outcome = faultOutcome(fault, rate, Date.now(), { api: p.api, path: p.record.path });
      if (outcome.kind === "network") return Response.error();
      if (outcome.kind === "respond") return outcome.response;
      if (outcome.kind === "lost") {
        this.respond(p, rate);
        return Response.error();
      }
      await sleep(outcome.ms);
    }
    return this.respond(p, rate);
  }

  /** The answer to a request that no fault stands in for. */
  private respond(p: Prepared, rate: RateLimitSnapshot): Response {
    if (!rate.allowed) return rateLimitedByWindow(rate, Date.now());
    if (p.auth !== "ok") return tokenNotValid(rate);
    if (p.routing === "wrong-method")
      return json(405, { reason: "Method Not Allowed" }, rate, { Allow: p.allowed.join(", ") });
    if (p.routing === "unknown" || !p.route) return json(404, { reason: "Not Found" }, rate);
    if (p.api === "v2") {
      if (p.ctx.issues.length > 0) {
        const message = p.ctx.issues[0] as string;
        return json(400, v2ErrorBody(p.ctx.code ?? "invalid_parameters", message), rate);
      }
      const answer = serveV2(
        p.route.operation as V2OperationName,
        this.store,
        p.params,
        p.query,
        p.record.body,
        p.record.notes,
      );
      return json(answer.status, answer.body, rate);
    }
    if (p.ctx.issues.length > 0) return invalidRequest(rate);
    return this.serve(p.route as Route, p.params, p.query, p.record, rate);
  }

  private serve(
    route: Route,
    params: Record<string, string>,
    query: URLSearchParams,
    record: RecordedRequest,
    rate: RateLimitSnapshot,
  ): Response {
    const store = this.store;
    const body = record.body as Record<string, unknown>;
    switch (route.operation) {
      case "getApiTokenStatus":
        return json(200, this.community, rate);
      case "getActivityTypes":
        return json(200, store.activityTypes, rate);
      case "getSegments":
        return json(200, store.segments, rate);
      case "getSegmentStatuses": {
        const id = Number(params.id);
        if (!store.segments.some((s) => s.id === id))
          return json(404, { reason: "Segment Not Found" }, rate);
        return json(200, store.segmentStatuses[id] ?? [], rate);
      }
      case "getCustomFields": {
        const filter = query.get("destinationSourceId");
        const source = filter === null ? undefined : Number(filter);
        return json(
          200,
          store.customFieldsFor(source, source !== undefined && this.sources.has(source)),
          rate,
        );
      }
      case "addUpdateUserToSource":
      case "addUpdateActivityToSource": {
        const source = Number(params.destinationSourceId);
        if (!this.sources.has(source))
          return json(404, { reason: "Destination Source Not Found" }, rate);
        const effects: WriteEffects = {
          createdTags: [],
          unknownTagIds: [],
          clearedCustomFields: [],
        };
        if (route.operation === "addUpdateUserToSource") store.upsertUser(source, body, effects);
        else store.upsertActivity(source, body, effects);
        for (const name of effects.createdTags)
          record.notes.push(`tag ${JSON.stringify(name)} was created by name`);
        for (const id of effects.unknownTagIds)
          record.notes.push(
            `tag id ${JSON.stringify(id)} does not exist or is deleted (Common Room skips it)`,
          );
        return styled(
          202,
          this.bodies.accepted,
          { json: { status: "ok" }, text: "Accepted" },
          rate,
        );
      }
      case "listTags":
        return json(200, { labels: store.listTags() }, rate);
      case "createTag":
        return json(
          200,
          store.createTag(
            body.name as string,
            body.description as string | null | undefined,
            body.entityTypes as TagEntityType[],
          ),
          rate,
        );
      case "getTag": {
        const tag = store.getTag(params.id as string);
        return tag ? json(200, tag, rate) : json(404, { reason: "Tag Not Found" }, rate);
      }
      case "updateTag": {
        const tag = store.updateTag(
          params.id as string,
          body.name as string,
          body.description as string | null | undefined,
        );
        return tag ? json(200, tag, rate) : json(404, { reason: "Tag Not Found" }, rate);
      }
      case "deleteTag":
        return store.deleteTag(params.id as string)
          ? styled(200, this.bodies.tagDeleted, { json: { status: "ok" }, text: "OK" }, rate)
          : json(404, { reason: "Tag Not Found" }, rate);
      case "findMembers": {
        const type = SOCIAL_TYPES.find((t) => query.has(t)) as SocialType;
        const members = findMembers(store, type, query.get(type) as string);
        return members.length > 0
          ? json(200, members, rate)
          : json(404, { reason: "Not Found" }, rate);
      }
      case "addContactsToSegment": {
        const id = Number(params.id);
        if (!store.segments.some((s) => s.id === id))
          return json(404, { reason: "Segment Not Found" }, rate);
        const values = (body.value as string).split(",").map((value) => value.trim());
        const additions = addToSegment(
          store,
          id,
          body.socialType as SocialType,
          values,
          body.statusId as number | undefined,
        );
        for (const addition of additions.filter((a) => a.matched === null))
          record.notes.push(
            `${addition.socialType} ${JSON.stringify(addition.value)} matches no contact (nothing added)`,
          );
        return styled(200, this.bodies.accepted, { json: { status: "ok" }, text: "OK" }, rate);
      }
      case "anonymizeContact":
        store.anonymize(params.email as string);
        return styled(
          200,
          this.bodies.anonymized,
          { json: { status: "success" }, text: "OK" },
          rate,
        );
    }
    return empty(500, rate);
  }
}

function bearerToken(header: string | null): string | undefined {
  return header === null ? undefined : /^Bearer ([^\s]+)$/.exec(header)?.[1];
}

function relativeTo(base: URL, url: URL): string | undefined {
  if (url.origin !== base.origin) return undefined;
  const basePath = base.pathname.replace(/\/+$/, "");
  if (url.pathname === basePath) return "";
  if (!url.pathname.startsWith(`${basePath}/`)) return undefined;
  return url.pathname.slice(basePath.length);
}

/** Ids of the custom-field items sent without `value` (each clears its field). */
function clearedCustomFields(route: Route, body: unknown): number[] {
  const user =
    route.operation === "addUpdateUserToSource"
      ? body
      : route.operation === "addUpdateActivityToSource" && isPlainObject(body)
        ? body.user
        : undefined;
  if (!isPlainObject(user) || !Array.isArray(user.customFields)) return [];
  return user.customFields
    .filter((item): item is Record<string, unknown> => isPlainObject(item) && !("value" in item))
    .map((item) => item.id as number);
}
