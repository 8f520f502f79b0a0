/**
 * Serving the account-level v2 reads from the store: List / Get Organization, Get Segment,
 * Get Activity and List Website Visits, with the spec's `cols`, exact filters, sorts and
 * the same opaque cursors as the other lists. Requests reach here only when their spec
 * checks passed.
 */
import { ACTIVITY_COLS, ORGANIZATION_COLS, type OrganizationCol } from "./spec-checks-v2.js";
import type { SimulatorStore } from "./state.js";
import type { StoredOrganization } from "./types.js";
import {
  error,
  numberOf,
  paginate,
  parseCols,
  renderActivity,
  signatureOf,
  sortBy,
  type ContactColumns,
  type Key,
  type V2Answer,
} from "./v2.js";

const found = (data: unknown): V2Answer => ({ status: 200, body: { success: true, data } });

function listAnswer(
  data: unknown[],
  nextCursor: string | null,
  columns: ContactColumns,
  total: number,
): V2Answer {
  return {
    status: 200,
    body: {
      success: true,
      data,
      meta: { nextCursor, ...(columns.recordCount ? { recordCount: total } : {}) },
    },
  };
}

// ---------------------------------------------------------------- organizations

function contactsOf(store: SimulatorStore, organizationId: string) {
  return [...store.state.contacts.values()].filter((c) => c.organizationId === organizationId);
}

function organizationColumn(
  store: SimulatorStore,
  organization: StoredOrganization,
  col: OrganizationCol,
): unknown {
  switch (col) {
    case "contactsCount":
      return contactsOf(store, organization.id).length;
    case "topContacts":
      return contactsOf(store, organization.id)
        .slice(0, 3)
        .map((contact) => ({ id: contact.id, name: contact.name }));
    case "recentJobOpenings":
    case "recentNews":
    case "researchResults":
    case "surgingTopics":
      return [];
    default:
      return structuredClone(organization[col]);
  }
}

function renderOrganization(
  store: SimulatorStore,
  organization: StoredOrganization,
  columns: ContactColumns,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: organization.id,
    name: organization.name,
    primaryDomain: organization.primaryDomain,
  };
  for (const col of ORGANIZATION_COLS)
    if (columns.cols.has(col)) out[col] = organizationColumn(store, organization, col);
  if (columns.allCustomFields || columns.customFieldIds.size > 0) {
    out.customFields = Object.fromEntries(
      Object.entries(organization.customFields)
        .filter(([id]) => columns.allCustomFields || columns.customFieldIds.has(id))
        .map(([id, value]) => [id, structuredClone(value)]),
    );
  }
  return out;
}

function organizationSortKey(
  store: SimulatorStore,
  sort: string,
): (organization: StoredOrganization) => Key {
  if (sort === "member_count") return (o) => contactsOf(store, o.id).length;
  if (sort.startsWith("ls_")) {
    const scoreId = numberOf(sort);
    return (o) => o.leadScores.find((score) => score.scoreId === scoreId)?.score ?? null;
  }
  if (sort.startsWith("cf_")) {
    return (o) => {
      const value = o.customFields[sort]?.value;
      return typeof value === "number" || typeof value === "string" ? value : null;
    };
  }
  return (o) => numberOf(o.id);
}

export function listOrganizations(
  store: SimulatorStore,
  query: URLSearchParams,
  notes: string[],
): V2Answer {
  const columns = parseCols(query.get("cols"));
  const name = query.get("name");
  const domain = query.get("primaryDomain");
  const matching = [...store.state.organizations.values()].filter(
    (o) => (name === null || o.name === name) && (domain === null || o.primaryDomain === domain),
  );
  if (domain !== null && matching.length === 0 && /[A-Z]|^https?:|^www\./.test(domain))
    notes.push(`query.primaryDomain ${JSON.stringify(domain)} is matched exactly, as given`);
  const sorted = sortBy(
    matching,
    organizationSortKey(store, query.get("sort") ?? "id"),
    query.get("direction") === "desc",
  );
  const signature = signatureOf("organizations", query, [
    "sort",
    "direction",
    "name",
    "primaryDomain",
  ]);
  const page = paginate(sorted, query, signature, notes);
  if ("error" in page) return page.error;
  const data = page.items.map((o) => renderOrganization(store, o, columns));
  return listAnswer(data, page.nextCursor, columns, sorted.length);
}

export function getOrganization(
  store: SimulatorStore,
  id: string,
  query: URLSearchParams,
): V2Answer {
  const organization = store.state.organizations.get(id);
  if (!organization) return error(404, "org_not_found", `Organization ${id} not found`);
  return found(renderOrganization(store, organization, parseCols(query.get("cols"))));
}

// ---------------------------------------------------------------- segments and activities

export function getSegment(store: SimulatorStore, id: string, query: URLSearchParams): V2Answer {
  const number = numberOf(id);
  const segment = store.segments.find((s) => s.id === number);
  if (!segment) return error(404, "segment_not_found", `Segment ${id} not found`);
  const created = store.state.createdSegments.find((s) => s.id === number);
  const cols = parseCols(query.get("cols")).cols;
  return found({
    id: `s_${segment.id}`,
    name: segment.name,
    entityType: created?.entityType ?? "contact",
    ...(cols.has("entityCount") && {
      entityCount: [...store.state.contacts.values()].filter((c) => c.segmentIds.includes(number))
        .length,
    }),
    ...(cols.has("url") && {
      url: `https://app.commonroom.io/community/uncommon/segments/${segment.id}`,
    }),
  });
}

export function getActivity(store: SimulatorStore, id: string, query: URLSearchParams): V2Answer {
  const activity = store.state.contactActivities.get(id);
  if (!activity) return error(404, "activity_not_found", `Activity ${id} not found`);
  const asked = parseCols(query.get("cols")).cols;
  const cols = new Set<string>(ACTIVITY_COLS.filter((col) => asked.has(col)));
  return found(renderActivity(activity, cols));
}

// ---------------------------------------------------------------- website visits

export function listWebsiteVisits(
  store: SimulatorStore,
  query: URLSearchParams,
  notes: string[],
): V2Answer {
  const columns = parseCols(query.get("cols"));
  const contactId = query.get("contactId");
  const org = query.get("organizationId");
  const matching = [...store.state.websiteVisits.values()].filter(
    (v) =>
      (contactId === null || v.contactId === contactId) &&
      (org === null || v.organizationId === org),
  );
  const signature = signatureOf("website-visits", query, ["contactId", "organizationId"]);
  const page = paginate(matching, query, signature, notes);
  if ("error" in page) return page.error;
  const data = page.items.map((visit) => ({
    id: visit.id,
    visitTime: visit.visitTime,
    url: visit.url,
    ...(columns.cols.has("contactId") &&
      visit.contactId !== null && {
        contactId: visit.contactId,
      }),
    ...(columns.cols.has("organizationId") &&
      visit.organizationId !== null && {
        organizationId: visit.organizationId,
      }),
  }));
  return listAnswer(data, page.nextCursor, columns, matching.length);
}
