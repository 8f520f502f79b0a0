/**
 * Serving the v2 routes from the store: Create Segment, List / Get Contact, List
 * Activities, with the `cols` columns, filters, sorting and opaque cursors (the
 * account-level reads are in v2-accounts.ts, with the same helpers).
 * Requests reach here only when their spec checks passed.
 */
import { v2ErrorBody } from "./responses.js";
import type { V2OperationName } from "./routes.js";
import {
  ACTIVITY_COLS,
  CONTACT_COLS,
  LIMIT,
  RECORD_COUNT_COL,
  type ContactCol,
  type SegmentEntityType,
  type V2ErrorCode,
} from "./spec-checks-v2.js";
import type { SimulatorStore } from "./state.js";
import {
  getActivity,
  getOrganization,
  getSegment,
  listOrganizations,
  listWebsiteVisits,
} from "./v2-accounts.js";
import type { StoredContact, StoredContactActivity } from "./types.js";

export interface V2Answer {
  status: number;
  body: unknown;
}

export const error = (status: number, code: V2ErrorCode, message: string): V2Answer => ({
  status,
  body: v2ErrorBody(code, message),
});

export const numberOf = (prefixedId: string): number =>
  Number(prefixedId.slice(prefixedId.indexOf("_") + 1));

// ---------------------------------------------------------------- cursors

/** FNV-1a, to tie a cursor to the query it came from. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

const encodeCursor = (offset: number, signature: string): string =>
  Buffer.from(JSON.stringify({ o: offset, q: hash(signature) })).toString("base64url");

function decodeCursor(cursor: string, signature: string): number | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null) return undefined;
    const { o, q } = value as { o?: unknown; q?: unknown };
    if (typeof o !== "number" || !Number.isInteger(o) || o < 0 || q !== hash(signature))
      return undefined;
    return o;
  } catch {
    return undefined;
  }
}

/** The parameters that shape a list (not `limit`, `cols` or `cursor`), as a signature. */
export function signatureOf(operation: string, query: URLSearchParams, names: string[]): string {
  return [operation, ...names.map((name) => `${name}=${query.get(name) ?? ""}`)].join("&");
}

type Page<T> = { items: T[]; nextCursor: string | null } | { error: V2Answer };

export function paginate<T>(
  items: T[],
  query: URLSearchParams,
  signature: string,
  notes: string[],
): Page<T> {
  const limit = Number(query.get("limit") ?? LIMIT.default);
  const cursor = query.get("cursor");
  let offset = 0;
  if (cursor !== null) {
    const decoded = decodeCursor(cursor, signature);
    if (decoded === undefined) {
      notes.push(
        "query.cursor is not a cursor this list gave out (or the sort or filters changed since)",
      );
      return { error: error(400, "invalid_parameters", "Invalid cursor") };
    }
    offset = decoded;
  }
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length;
  return { items: slice, nextCursor: next < items.length ? encodeCursor(next, signature) : null };
}

// ---------------------------------------------------------------- columns

export interface ContactColumns {
  cols: Set<string>;
  allCustomFields: boolean;
  customFieldIds: Set<string>;
  recordCount: boolean;
}

export function parseCols(raw: string | null): ContactColumns {
  const cols = new Set((raw ?? "").split(",").filter((col) => col !== ""));
  return {
    cols,
    allCustomFields: cols.has("cf_*"),
    customFieldIds: new Set([...cols].filter((col) => /^cf_\d+$/.test(col))),
    recordCount: cols.has(RECORD_COUNT_COL),
  };
}

export function renderActivity(
  activity: StoredContactActivity,
  cols: Set<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: activity.id,
    type: activity.type,
    activityTime: activity.activityTime,
  };
  for (const col of ACTIVITY_COLS) if (cols.has(col)) out[col] = structuredClone(activity[col]);
  return out;
}

class ContactView {
  private latest?: Map<string, StoredContactActivity[]>;

  constructor(private readonly store: SimulatorStore) {}

  /** Each contact's activities, latest first. */
  activitiesOf(contactId: string): StoredContactActivity[] {
    if (!this.latest) {
      this.latest = new Map();
      for (const activity of this.store.state.contactActivities.values()) {
        const list = this.latest.get(activity.contactId) ?? [];
        list.push(activity);
        this.latest.set(activity.contactId, list);
      }
      for (const list of this.latest.values())
        list.sort((a, b) => b.activityTime.localeCompare(a.activityTime));
    }
    return this.latest.get(contactId) ?? [];
  }

  column(contact: StoredContact, col: ContactCol): unknown {
    switch (col) {
      case "segments":
        return contact.segmentIds.map((id) => ({
          id: `s_${id}`,
          name: this.store.segments.find((segment) => segment.id === id)?.name ?? `Segment ${id}`,
        }));
      case "recentActivities":
        return this.activitiesOf(contact.id)
          .slice(0, 3)
          .map((activity) => renderActivity(activity, new Set(["contactId"])));
      case "jobHistory":
        return contact.companyName
          ? [
              {
                company: contact.companyName,
                title: contact.title,
                startDate: "2022-01-01",
                endDate: null,
              },
            ]
          : [];
      case "phoneNumbers":
      case "connectedCustomObjects":
      case "profiles":
      case "recentWebPages":
      case "recentSparkSummaries":
        return [];
      case "recentWebVisitsNumber":
        return 0;
      case "activateMessage":
      case "sparkSummary":
        return null;
      default:
        return structuredClone(contact[col]);
    }
  }

  render(contact: StoredContact, columns: ContactColumns): Record<string, unknown> {
    const out: Record<string, unknown> = { id: contact.id, name: contact.name };
    for (const col of CONTACT_COLS) if (columns.cols.has(col)) out[col] = this.column(contact, col);
    if (columns.allCustomFields || columns.customFieldIds.size > 0) {
      out.customFields = Object.fromEntries(
        Object.entries(contact.customFields)
          .filter(([id]) => columns.allCustomFields || columns.customFieldIds.has(id))
          .map(([id, value]) => [id, structuredClone(value)]),
      );
    }
    return out;
  }
}

// ---------------------------------------------------------------- sorting

export type Key = string | number | null;

function compareKeys(a: Key, b: Key, desc: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1; // nulls last
  const order =
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
  return desc ? -order : order;
}

export function sortBy<T extends { id: string }>(
  items: T[],
  key: (item: T) => Key,
  desc: boolean,
): T[] {
  return items.sort((a, b) => compareKeys(key(a), key(b), desc) || numberOf(a.id) - numberOf(b.id));
}

function contactSortKey(view: ContactView, sort: string): (contact: StoredContact) => Key {
  if (sort === "name") return (c) => c.name;
  if (sort === "latest_activity") return (c) => view.activitiesOf(c.id)[0]?.activityTime ?? null;
  if (sort.startsWith("ls_")) {
    const scoreId = numberOf(sort);
    return (c) => c.leadScores.find((score) => score.scoreId === scoreId)?.score ?? null;
  }
  if (sort.startsWith("cf_")) {
    return (c) => {
      const value = c.customFields[sort]?.value;
      return typeof value === "number" || typeof value === "string" ? value : null;
    };
  }
  return (c) => numberOf(c.id);
}

// ---------------------------------------------------------------- operations

export function serveV2(
  operation: V2OperationName,
  store: SimulatorStore,
  params: Record<string, string>,
  query: URLSearchParams,
  body: unknown,
  notes: string[],
): V2Answer {
  switch (operation) {
    case "createSegment":
      return createSegment(store, body as Record<string, unknown>, notes);
    case "getContact": {
      const contact = store.state.contacts.get(params.id as string);
      if (!contact)
        return error(404, "contact_not_found", `Contact ${params.id as string} not found`);
      const view = new ContactView(store);
      return {
        status: 200,
        body: { success: true, data: view.render(contact, parseCols(query.get("cols"))) },
      };
    }
    case "listContacts":
      return listContacts(store, query, notes);
    case "listActivities":
      return listActivities(store, query, notes);
    case "getActivity":
      return getActivity(store, params.id as string, query);
    case "listOrganizations":
      return listOrganizations(store, query, notes);
    case "getOrganization":
      return getOrganization(store, params.id as string, query);
    case "getSegment":
      return getSegment(store, params.id as string, query);
    case "listWebsiteVisits":
      return listWebsiteVisits(store, query, notes);
  }
}

function createSegment(
  store: SimulatorStore,
  body: Record<string, unknown>,
  notes: string[],
): V2Answer {
  const name = body.name as string;
  const entityType = (body.entityType as SegmentEntityType | undefined) ?? "contact";
  const objectTypeId = (body.objectTypeId as string | undefined) ?? null;
  if (name.trim() === "") {
    notes.push("body.name is blank");
    return error(400, "invalid_parameters", "name must not be empty");
  }
  if (entityType === "object" && objectTypeId === null) {
    notes.push("body.objectTypeId is required when entityType is object");
    return error(400, "invalid_parameters", "objectTypeId is required when entityType is object");
  }
  const created = store.createSegment({
    name,
    description: (body.description as string | undefined) ?? null,
    entityType,
    objectTypeId: entityType === "object" ? objectTypeId : null,
  });
  if (created === "conflict")
    return error(409, "conflict", "A segment with this name already exists");
  return {
    status: 201,
    body: { success: true, data: { id: `s_${created.id}`, name: created.name } },
  };
}

function listContacts(store: SimulatorStore, query: URLSearchParams, notes: string[]): V2Answer {
  const view = new ContactView(store);
  const columns = parseCols(query.get("cols"));
  const org = query.get("organizationId");
  const segment = query.get("segmentId");
  const segmentNumber = segment === null ? undefined : numberOf(segment);
  if (segmentNumber !== undefined && !store.segments.some((s) => s.id === segmentNumber))
    notes.push(`segment ${segment as string} does not exist: the list is empty`);
  const matching = [...store.state.contacts.values()].filter(
    (c) =>
      (org === null || c.organizationId === org) &&
      (segmentNumber === undefined || c.segmentIds.includes(segmentNumber)),
  );
  const sorted = sortBy(
    matching,
    contactSortKey(view, query.get("sort") ?? "id"),
    query.get("direction") === "desc",
  );
  const signature = signatureOf("contacts", query, [
    "sort",
    "direction",
    "organizationId",
    "segmentId",
  ]);
  const page = paginate(sorted, query, signature, notes);
  if ("error" in page) return page.error;
  return {
    status: 200,
    body: {
      success: true,
      data: page.items.map((contact) => view.render(contact, columns)),
      meta: {
        nextCursor: page.nextCursor,
        ...(columns.recordCount ? { recordCount: sorted.length } : {}),
      },
    },
  };
}

function listActivities(store: SimulatorStore, query: URLSearchParams, notes: string[]): V2Answer {
  const columns = parseCols(query.get("cols"));
  const contactId = query.get("contactId");
  const org = query.get("organizationId");
  const start = query.get("startDate");
  const end = query.get("endDate");
  const startMs = start === null ? -Infinity : Date.parse(start);
  const endMs = end === null ? Infinity : Date.parse(end);
  if (startMs > endMs) {
    notes.push("query.startDate is after query.endDate");
    return error(400, "invalid_parameters", "startDate must not be after endDate");
  }
  const contacts = store.state.contacts;
  const matching = [...store.state.contactActivities.values()].filter((a) => {
    const at = Date.parse(a.activityTime);
    return (
      (contactId === null || a.contactId === contactId) &&
      (org === null || contacts.get(a.contactId)?.organizationId === org) &&
      at >= startMs &&
      at <= endMs
    );
  });
  const sort = (query.get("sort") ?? "activityTime") as "id" | "activityTime";
  const sorted = sortBy(
    matching,
    (a) => (sort === "id" ? numberOf(a.id) : a.activityTime),
    query.get("direction") === "desc",
  );
  const signature = signatureOf("activities", query, [
    "sort",
    "direction",
    "contactId",
    "organizationId",
    "startDate",
    "endDate",
  ]);
  const page = paginate(sorted, query, signature, notes);
  if ("error" in page) return page.error;
  const cols = new Set<string>(
    [...columns.cols].filter((col) => (ACTIVITY_COLS as readonly string[]).includes(col)),
  );
  return {
    status: 200,
    body: {
      success: true,
      data: page.items.map((activity) => renderActivity(activity, cols)),
      meta: {
        nextCursor: page.nextCursor,
        ...(columns.recordCount ? { recordCount: sorted.length } : {}),
      },
    },
  };
}
