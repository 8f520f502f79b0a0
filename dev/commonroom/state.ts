/** The simulator's data: tags, users, activities, and the seeded read-only catalogs. */
import type {
  ActivityTypeDef,
  ApiTag,
  CreatedSegment,
  IdName,
  SeedCustomField,
  SimulatorSeed,
  SimulatorState,
  StoredActivity,
  StoredUser,
  TagEntityType,
} from "./types.js";
import {
  DEFAULT_ACTIVITY_TYPES,
  DEFAULT_CUSTOM_FIELDS,
  DEFAULT_SEGMENTS,
  DEFAULT_SEGMENT_STATUSES,
  DEFAULT_TAGS,
} from "./seed.js";
import {
  defaultContactActivities,
  defaultContacts,
  defaultOrganizations,
  defaultWebsiteVisits,
} from "./seed-v2.js";

export type TagAssignment = { type: "id"; id: string } | { type: "name"; name: string };

/** What a write did besides storing its record, for the request's notes. */
export interface WriteEffects {
  createdTags: string[];
  unknownTagIds: string[];
  clearedCustomFields: number[];
}

const clone = <T>(value: T): T => structuredClone(value);

export class SimulatorStore {
  readonly state: SimulatorState = {
    tags: new Map(),
    users: new Map(),
    activities: new Map(),
    anonymizations: [],
    contacts: new Map(),
    contactActivities: new Map(),
    organizations: new Map(),
    websiteVisits: new Map(),
    createdSegments: [],
    segmentAdditions: [],
  };
  activityTypes: ActivityTypeDef[] = [];
  customFields: SeedCustomField[] = [];
  segments: IdName[] = [];
  segmentStatuses: Record<number, IdName[]> = {};
  private nextTagNumber = 1;

  constructor(private readonly seed: SimulatorSeed = {}) {
    this.reset();
  }

  /** Back to the seed; the maps keep their identity so tests may hold on to them. */
  reset(): void {
    this.activityTypes = clone(this.seed.activityTypes ?? DEFAULT_ACTIVITY_TYPES);
    this.customFields = clone(this.seed.customFields ?? DEFAULT_CUSTOM_FIELDS);
    this.segments = clone(this.seed.segments ?? DEFAULT_SEGMENTS);
    this.segmentStatuses = clone(this.seed.segmentStatuses ?? DEFAULT_SEGMENT_STATUSES);
    this.state.tags.clear();
    this.state.users.clear();
    this.state.activities.clear();
    this.state.anonymizations.length = 0;
    for (const tag of clone(this.seed.tags ?? DEFAULT_TAGS)) this.state.tags.set(tag.id, tag);
    this.nextTagNumber = this.state.tags.size + 1;
    this.state.contacts.clear();
    for (const contact of clone(this.seed.contacts ?? defaultContacts()))
      this.state.contacts.set(contact.id, contact);
    this.state.contactActivities.clear();
    for (const activity of clone(this.seed.contactActivities ?? defaultContactActivities()))
      this.state.contactActivities.set(activity.id, activity);
    this.state.organizations.clear();
    for (const organization of clone(this.seed.organizations ?? defaultOrganizations()))
      this.state.organizations.set(organization.id, organization);
    this.state.websiteVisits.clear();
    for (const visit of clone(this.seed.websiteVisits ?? defaultWebsiteVisits()))
      this.state.websiteVisits.set(visit.id, visit);
    this.state.createdSegments.length = 0;
    this.state.segmentAdditions.length = 0;
  }

  /**
   * v2 Create Segment. A name equal to an existing segment's (v1 seed or created; compared
   * trimmed and case-insensitively) is a conflict. The new segment gets the next number
   * after the highest segment id and shows in v1 Get Segments (with no statuses).
   */
  createSegment(input: Omit<CreatedSegment, "id" | "createdAt">): CreatedSegment | "conflict" {
    const key = (name: string) => name.trim().toLowerCase();
    if (this.segments.some((segment) => key(segment.name) === key(input.name))) return "conflict";
    const id = Math.max(0, ...this.segments.map((segment) => segment.id)) + 1;
    const created: CreatedSegment = { ...input, id, createdAt: new Date().toISOString() };
    this.segments.push({ id, name: input.name });
    this.segmentStatuses[id] = [];
    this.state.createdSegments.push(created);
    return clone(created);
  }

  customFieldsFor(
    destinationSourceId: number | undefined,
    knownSource: boolean,
  ): Omit<SeedCustomField, "writableBy">[] {
    return this.customFields
      .filter((field) => {
        if (destinationSourceId === undefined) return true;
        if (!knownSource) return false;
        return field.writableBy === undefined || field.writableBy.includes(destinationSourceId);
      })
      .map(({ writableBy: _hidden, ...field }) => clone(field));
  }

  listTags(): ApiTag[] {
    return [...this.state.tags.values()].filter((tag) => tag.deletedAt === null).map(clone);
  }

  getTag(id: string): ApiTag | undefined {
    const tag = this.state.tags.get(id);
    return tag && clone(tag);
  }

  /** Create Tag: the live tag with the same name wins over a new one. */
  createTag(
    name: string,
    description: string | null | undefined,
    entityTypes: TagEntityType[],
  ): ApiTag {
    const existing = [...this.state.tags.values()].find(
      (tag) => tag.deletedAt === null && tag.name === name,
    );
    if (existing) return clone(existing);
    let id = `tag_${this.nextTagNumber++}`;
    while (this.state.tags.has(id)) id = `tag_${this.nextTagNumber++}`;
    const tag: ApiTag = {
      id,
      name,
      description: description ?? null,
      entityTypes: [...new Set(entityTypes)],
      createdAt: new Date().toISOString(),
      deletedAt: null,
    };
    this.state.tags.set(id, tag);
    return clone(tag);
  }

  /** Update Tag sets name (and description when given) and undeletes. */
  updateTag(id: string, name: string, description: string | null | undefined): ApiTag | undefined {
    const tag = this.state.tags.get(id);
    if (!tag) return undefined;
    tag.name = name;
    if (description !== undefined) tag.description = description;
    tag.deletedAt = null;
    return clone(tag);
  }

  /** Soft delete; false when the tag is unknown or already deleted. */
  deleteTag(id: string): boolean {
    const tag = this.state.tags.get(id);
    if (!tag || tag.deletedAt !== null) return false;
    tag.deletedAt = new Date().toISOString();
    return true;
  }

  upsertUser(
    destinationSourceId: number,
    user: Record<string, unknown>,
    effects: WriteEffects,
  ): StoredUser {
    const id = String(user.id);
    const key = `${destinationSourceId}:${id}`;
    const now = new Date().toISOString();
    const stored: StoredUser = this.state.users.get(key) ?? {
      destinationSourceId,
      id,
      fields: {},
      customFields: new Map(),
      tagIds: [],
      segmentIds: [],
      writes: 0,
      updatedAt: now,
    };
    const { tags, customFields, ...fields } = user;
    Object.assign(stored.fields, clone(fields));
    for (const item of (customFields as { id: number; value?: { value: unknown } }[] | undefined) ??
      []) {
      if (item.value === undefined) {
        stored.customFields.delete(item.id);
        effects.clearedCustomFields.push(item.id);
      } else {
        stored.customFields.set(item.id, clone(item.value.value));
      }
    }
    this.assignTags(stored.tagIds, tags as TagAssignment[] | undefined, "member", effects);
    stored.writes += 1;
    stored.updatedAt = now;
    this.state.users.set(key, stored);
    return stored;
  }

  upsertActivity(
    destinationSourceId: number,
    activity: Record<string, unknown>,
    effects: WriteEffects,
  ): StoredActivity {
    const user = this.upsertUser(
      destinationSourceId,
      activity.user as Record<string, unknown>,
      effects,
    );
    const id = String(activity.id);
    const activityType = String(activity.activityType);
    const key = `${destinationSourceId}:${id}:${activityType}`;
    const now = new Date().toISOString();
    const stored: StoredActivity = this.state.activities.get(key) ?? {
      destinationSourceId,
      id,
      activityType,
      userId: user.id,
      body: {},
      timestamp: now,
      tagIds: [],
      writes: 0,
      updatedAt: now,
    };
    stored.body = clone(activity);
    stored.userId = user.id;
    stored.timestamp = typeof activity.timestamp === "string" ? activity.timestamp : now;
    this.assignTags(
      stored.tagIds,
      activity.tags as TagAssignment[] | undefined,
      "activity",
      effects,
    );
    stored.writes += 1;
    stored.updatedAt = now;
    this.state.activities.set(key, stored);
    return stored;
  }

  anonymize(email: string): void {
    this.state.anonymizations.push(email);
  }

  private assignTags(
    into: string[],
    assignments: TagAssignment[] | undefined,
    entityType: TagEntityType,
    effects: WriteEffects,
  ): void {
    for (const assignment of assignments ?? []) {
      let id: string;
      if (assignment.type === "id") {
        const tag = this.state.tags.get(assignment.id);
        if (!tag || tag.deletedAt !== null) {
          effects.unknownTagIds.push(assignment.id);
          continue;
        }
        id = tag.id;
      } else {
        const before = this.state.tags.size;
        id = this.createTag(assignment.name, undefined, [entityType]).id;
        if (this.state.tags.size > before) effects.createdTags.push(assignment.name);
      }
      if (!into.includes(id)) into.push(id);
    }
  }
}
