/**
 * The two deprecated v1 contact endpoints, served from the store: GET /members (look a
 * contact up by email or handle) and POST /segments/{id} (add contacts to a segment).
 * Contacts are the v2 contacts (matched by primaryEmail) and the users written through
 * Add or Edit User (matched by email or handle), so a workflow sees its own writes.
 */
import type { SocialType } from "./spec-checks.js";
import type { SimulatorStore } from "./state.js";
import type { SegmentAddition, StoredContact, StoredUser } from "./types.js";

type Match = { kind: "contact"; contact: StoredContact } | { kind: "user"; user: StoredUser };

const normalize = (type: SocialType, value: string): string => {
  const trimmed = value.trim().toLowerCase();
  return type === "twitter" ? trimmed.replace(/^@/, "") : trimmed;
};

function userValue(user: StoredUser, type: SocialType): string | undefined {
  const field = user.fields[type];
  if (type === "email") return typeof field === "string" ? field : undefined;
  const handle = field as { value?: unknown } | null | undefined;
  return typeof handle?.value === "string" ? handle.value : undefined;
}

function matchesOf(store: SimulatorStore, type: SocialType, value: string): Match[] {
  const wanted = normalize(type, value);
  const contacts: Match[] =
    type === "email"
      ? [...store.state.contacts.values()]
          .filter((c) => c.primaryEmail !== null && normalize(type, c.primaryEmail) === wanted)
          .map((contact) => ({ kind: "contact", contact }))
      : [];
  // Common Room merges profiles by email: a user with a room contact's email is that contact.
  if (contacts.length > 0) return contacts;
  return [...store.state.users.values()]
    .filter((user) => {
      const own = userValue(user, type);
      return own !== undefined && normalize(type, own) === wanted;
    })
    .map((user) => ({ kind: "user", user }));
}

function segmentsOf(store: SimulatorStore, ids: number[]): { id: number; name: string }[] {
  return ids.flatMap((id) => store.segments.filter((s) => s.id === id));
}

/** Only the fields the spec's GET /members item declares, and only those with a value. */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== null && v !== undefined && v !== ""),
  );
}

function renderContact(store: SimulatorStore, c: StoredContact): Record<string, unknown> {
  return compact({
    fullName: c.fullName ?? c.name,
    avatar: c.avatarUrl,
    organization: c.companyName,
    title: c.title,
    location: c.location ?? {},
    member_tags: c.tags,
    segments: segmentsOf(store, c.segmentIds),
    url: c.url,
    common_room_member_url: c.url,
    custom_fields: [],
  });
}

function renderUser(store: SimulatorStore, u: StoredUser): Record<string, unknown> {
  const f = u.fields;
  const names = [f.firstName, f.lastName].filter((n) => typeof n === "string").join(" ");
  return compact({
    fullName: f.fullName ?? (names || f.username),
    avatar: f.avatarUrl,
    bio: f.bio,
    organization: f.companyName,
    title: f.titleAtCompany,
    location: compact({ city: f.city, region: f.region, country: f.country }),
    member_tags: u.tagIds
      .map((id) => store.state.tags.get(id))
      .filter((tag) => tag !== undefined)
      .map((tag) => ({ id: tag.id, name: tag.name })),
    segments: segmentsOf(store, u.segmentIds),
    twitter: userValue(u, "twitter"),
    github: userValue(u, "github"),
    linkedin: userValue(u, "linkedin"),
    last_active: u.updatedAt,
    custom_fields: [],
  });
}

/** GET /members: the matching contacts in the spec's shape; empty when none (the route 404s). */
export function findMembers(
  store: SimulatorStore,
  type: SocialType,
  value: string,
): Record<string, unknown>[] {
  return matchesOf(store, type, value).map((m) =>
    m.kind === "contact" ? renderContact(store, m.contact) : renderUser(store, m.user),
  );
}

/** POST /segments/{id}: adds each matching contact once; every value is recorded. */
export function addToSegment(
  store: SimulatorStore,
  segmentId: number,
  type: SocialType,
  values: string[],
  statusId: number | undefined,
): SegmentAddition[] {
  return values.map((value) => {
    const [match] = matchesOf(store, type, value);
    let matched: string | null = null;
    if (match) {
      const holder = match.kind === "contact" ? match.contact : match.user;
      if (!holder.segmentIds.includes(segmentId)) holder.segmentIds.push(segmentId);
      matched =
        match.kind === "contact"
          ? match.contact.id
          : `${match.user.destinationSourceId}:${match.user.id}`;
    }
    const addition: SegmentAddition = {
      segmentId,
      socialType: type,
      value,
      ...(statusId !== undefined && { statusId }),
      matched,
    };
    store.state.segmentAdditions.push(addition);
    return addition;
  });
}
