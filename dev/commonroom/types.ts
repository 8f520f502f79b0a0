/**
 * Types shared by the Common Room simulator's modules and its users.
 * Field shapes follow the v1 Core API (see shared/docs/commonroom-api.md §4).
 */

export type TagEntityType = "member" | "activity" | "company";

export interface ApiTag {
  id: string;
  name: string;
  description: string | null;
  entityTypes: TagEntityType[];
  createdAt: string;
  deletedAt: string | null;
}

export interface ApiTokenInfo {
  jti: string;
  communityName: string;
  communityId: string;
}

export interface ActivityTypeDef {
  id: string;
  displayName: string;
}

export interface CustomFieldDef {
  id: number;
  name: string;
  type: string;
  multivalue: boolean;
  values?: string[];
}

/** A seeded custom field; `writableBy` (simulator-only, never sent) limits which sources may write it. */
export interface SeedCustomField extends CustomFieldDef {
  writableBy?: number[];
}

export interface IdName {
  id: number;
  name: string;
}

export interface SimulatorSeed {
  activityTypes?: ActivityTypeDef[];
  customFields?: SeedCustomField[];
  segments?: IdName[];
  segmentStatuses?: Record<number, IdName[]>;
  tags?: ApiTag[];
}

/** How a body-less success (202 accepted, tag deleted, anonymize) is answered. */
export type BodyStyle = "empty" | "text" | "json" | { json: unknown } | { text: string };

export interface SimulatorOptions {
  /** Default "https://api.commonroom.io/community/v1"; only paths under it are handled. */
  baseUrl?: string;
  /** Bearer tokens accepted; default ["test-token"]. Any other gets 401 {"reason":"Token not valid"}. */
  tokens?: string[];
  community?: ApiTokenInfo;
  /** Valid destination sources; others get 404 "Destination Source Not Found". Default [1001]. */
  destinationSourceIds?: number[];
  /** Added to every response. Default 0. */
  latencyMs?: number;
  /** Fixed-window limiter across all requests; excess gets a real 429. Absent: headers only, never 429. */
  rateLimit?: { limit: number; intervalMs: number };
  seed?: SimulatorSeed;
  /** Bodies of the operations whose success body the spec leaves undeclared. */
  responseBodies?: {
    /** 202 of Add or Edit User / Activity. Default {"status":"ok"}. */
    accepted?: BodyStyle;
    /** 200 of Delete Tag. Default {"status":"ok"}. */
    tagDeleted?: BodyStyle;
    /** 200 of Anonymize Contact (DELETE /user/{email}). Default {"status":"success"}. */
    anonymized?: BodyStyle;
  };
}

export interface RecordedRequest {
  method: string;
  /** Relative to baseUrl, exactly as sent (still percent-encoded), e.g. "/tags/abc". */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON, else the raw text, else undefined when there was no body. */
  body: unknown;
  /** True when the bearer token was well formed and accepted. */
  authorized: boolean;
  /** What the simulator answered; 0 for a simulated network error. */
  status: number;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  /** Spec violations found in this request (also in `sim.violations`). */
  violations: string[];
  /** Legal but noteworthy facts, e.g. a custom field sent without `value` (which clears it). */
  notes: string[];
  /** Ids of custom fields this request cleared by leaving out `value`. */
  clearedCustomFields: number[];
}

export type Fault = {
  /** Default: any request. `path` is relative to baseUrl; a string must match exactly. */
  match?: { method?: string; path?: string | RegExp };
  /** Default 1; Infinity allowed. */
  times?: number;
} & (
  | { status: 400 | 401 | 403 | 404 | 409 | 500 | 502 | 503; body?: unknown }
  | {
      status: 429;
      waitMs?: number;
      /** Epoch seconds. */
      resetAt?: number;
      /** A date-time string. */
      retryAfter?: string;
      omit?: ("body" | "reset" | "retryAfter")[];
    }
  | { delayMs: number }
  | { malformedJson: true }
  | { networkError: true }
);

export interface StoredUser {
  destinationSourceId: number;
  id: string;
  /** Latest value of every field sent, merged over earlier writes. */
  fields: Record<string, unknown>;
  /** Current custom-field values by field id (a cleared field is removed). */
  customFields: Map<number, unknown>;
  tagIds: string[];
  writes: number;
  updatedAt: string;
}

export interface StoredActivity {
  destinationSourceId: number;
  id: string;
  activityType: string;
  userId: string;
  /** The latest body sent for this (id, activityType). */
  body: Record<string, unknown>;
  /** The body's timestamp, or the time of the write when it had none. */
  timestamp: string;
  tagIds: string[];
  writes: number;
  updatedAt: string;
}

export interface SimulatorState {
  tags: Map<string, ApiTag>;
  /** Keyed by `${destinationSourceId}:${user.id}`. */
  users: Map<string, StoredUser>;
  /** Keyed by `${destinationSourceId}:${id}:${activityType}`. */
  activities: Map<string, StoredActivity>;
  /** Emails of Anonymize Contact requests, in order. */
  anonymizations: string[];
}
