/** The v1 Core API and v2 API operations the simulator serves, and matching a path to one. */

export type OperationName =
  | "getApiTokenStatus"
  | "addUpdateUserToSource"
  | "getActivityTypes"
  | "addUpdateActivityToSource"
  | "getCustomFields"
  | "getSegments"
  | "getSegmentStatuses"
  | "listTags"
  | "createTag"
  | "getTag"
  | "updateTag"
  | "deleteTag"
  | "anonymizeContact"
  | "findMembers"
  | "addContactsToSegment";

/** The v2 operations the simulator serves (paths relative to the v2 base). */
export type V2OperationName =
  | "createSegment"
  | "listContacts"
  | "getContact"
  | "listActivities"
  | "getActivity"
  | "listOrganizations"
  | "getOrganization"
  | "getSegment"
  | "listWebsiteVisits";

export interface Route<Op extends string = OperationName> {
  method: "GET" | "POST" | "DELETE";
  /** The spec's path template, e.g. "/tags/{id}". */
  template: string;
  operation: Op;
  /** Query parameters the spec declares. */
  query: readonly string[];
  /** True when the operation takes a JSON request body. */
  body: boolean;
}

export const ROUTES: readonly Route[] = [
  {
    method: "GET",
    template: "/api-token-status",
    operation: "getApiTokenStatus",
    query: [],
    body: false,
  },
  {
    method: "POST",
    template: "/source/{destinationSourceId}/user",
    operation: "addUpdateUserToSource",
    query: [],
    body: true,
  },
  {
    method: "GET",
    template: "/activityTypes",
    operation: "getActivityTypes",
    query: [],
    body: false,
  },
  {
    method: "POST",
    template: "/source/{destinationSourceId}/activity",
    operation: "addUpdateActivityToSource",
    query: [],
    body: true,
  },
  {
    method: "GET",
    template: "/members/customFields",
    operation: "getCustomFields",
    query: ["destinationSourceId"],
    body: false,
  },
  { method: "GET", template: "/segments", operation: "getSegments", query: [], body: false },
  {
    method: "GET",
    template: "/segments/{id}/status",
    operation: "getSegmentStatuses",
    query: [],
    body: false,
  },
  { method: "GET", template: "/tags", operation: "listTags", query: [], body: false },
  { method: "POST", template: "/tags", operation: "createTag", query: [], body: true },
  { method: "GET", template: "/tags/{id}", operation: "getTag", query: [], body: false },
  { method: "POST", template: "/tags/{id}", operation: "updateTag", query: [], body: true },
  { method: "DELETE", template: "/tags/{id}", operation: "deleteTag", query: [], body: false },
  {
    method: "DELETE",
    template: "/user/{email}",
    operation: "anonymizeContact",
    query: [],
    body: false,
  },
  {
    method: "GET",
    template: "/members",
    operation: "findMembers",
    query: ["twitter", "email", "github", "linkedin"],
    body: false,
  },
  {
    method: "POST",
    template: "/segments/{id}",
    operation: "addContactsToSegment",
    query: [],
    body: true,
  },
];

export const V2_ROUTES: readonly Route<V2OperationName>[] = [
  { method: "POST", template: "/segments", operation: "createSegment", query: [], body: true },
  {
    method: "GET",
    template: "/contacts",
    operation: "listContacts",
    query: ["limit", "cursor", "sort", "direction", "cols", "organizationId", "segmentId"],
    body: false,
  },
  {
    method: "GET",
    template: "/contacts/{id}",
    operation: "getContact",
    query: ["cols"],
    body: false,
  },
  {
    method: "GET",
    template: "/activities",
    operation: "listActivities",
    query: [
      "limit",
      "cursor",
      "sort",
      "direction",
      "cols",
      "contactId",
      "organizationId",
      "startDate",
      "endDate",
    ],
    body: false,
  },
  {
    method: "GET",
    template: "/activities/{id}",
    operation: "getActivity",
    query: ["cols"],
    body: false,
  },
  {
    method: "GET",
    template: "/organizations",
    operation: "listOrganizations",
    query: ["limit", "cursor", "sort", "direction", "cols", "name", "primaryDomain"],
    body: false,
  },
  {
    method: "GET",
    template: "/organizations/{id}",
    operation: "getOrganization",
    query: ["cols"],
    body: false,
  },
  {
    method: "GET",
    template: "/segments/{id}",
    operation: "getSegment",
    query: ["cols"],
    body: false,
  },
  {
    method: "GET",
    template: "/website-visits",
    operation: "listWebsiteVisits",
    query: ["limit", "cursor", "cols", "contactId", "organizationId"],
    body: false,
  },
];

export type RouteMatch<Op extends string = OperationName> =
  | { kind: "found"; route: Route<Op>; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "unknown" }
  | { kind: "bad-encoding"; segment: string };

function matchTemplate(template: string, segments: string[]): Record<string, string> | undefined {
  const parts = template.split("/").slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] as string;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (segment === "") return undefined;
      params[name] = segment;
    } else if (part !== segment) return undefined;
  }
  return params;
}

/** `path` is relative to the base URL and still percent-encoded; params come back decoded. */
export function matchRoute<Op extends string = OperationName>(
  method: string,
  path: string,
  routes: readonly Route<Op>[] = ROUTES as unknown as readonly Route<Op>[],
): RouteMatch<Op> {
  const segments = path.split("/").slice(1);
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchTemplate(route.template, segments);
    if (!params) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const decoded: Record<string, string> = {};
    for (const [name, raw] of Object.entries(params)) {
      try {
        decoded[name] = decodeURIComponent(raw);
      } catch {
        return { kind: "bad-encoding", segment: raw };
      }
    }
    return { kind: "found", route, params: decoded };
  }
  return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "unknown" };
}
