/** The Common Room API simulator (v1 Core API and the v2 routes the worker uses): public API. */
export { createCommonRoomSimulator, type CommonRoomSimulator } from "./create.js";
export type { InjectedFault } from "./faults.js";
export { startCommonRoomServer, type RunningServer } from "./http-server.js";
export {
  ROUTES,
  V2_ROUTES,
  type Route,
  type OperationName,
  type V2OperationName,
} from "./routes.js";
export { RATE_WINDOWS, type RateLimitConfig, type RateWindow } from "./rate-window.js";
export { rateLimitFromEnv } from "./rate-limit-env.js";
export { SPEC_FACTS } from "./spec-checks.js";
export { SPEC_FACTS_V2, type V2ErrorCode } from "./spec-checks-v2.js";
export {
  DEFAULT_CONTACT_ACTIVITY_COUNT,
  DEFAULT_CONTACT_COUNT,
  DEFAULT_ORGANIZATIONS,
  DEFAULT_WEBSITE_VISIT_COUNT,
  defaultContactActivities,
  defaultContacts,
  defaultOrganizations,
  defaultWebsiteVisits,
} from "./seed-v2.js";
export { deriveV2BaseUrl } from "./simulator.js";
export {
  DEFAULT_ACTIVITY_TYPES,
  DEFAULT_BASE_URL,
  DEFAULT_COMMUNITY,
  DEFAULT_CUSTOM_FIELDS,
  DEFAULT_DESTINATION_SOURCE_IDS,
  DEFAULT_SEGMENTS,
  DEFAULT_SEGMENT_STATUSES,
  DEFAULT_TAGS,
  DEFAULT_TOKENS,
  DOCS_URL,
} from "./seed.js";
export type {
  ActivityTypeDef,
  ApiTag,
  ApiTokenInfo,
  BodyStyle,
  CreatedSegment,
  CustomFieldDef,
  Fault,
  IdName,
  RecordedRequest,
  SeedCustomField,
  SegmentAddition,
  SimulatorOptions,
  SimulatorSeed,
  SimulatorState,
  StoredActivity,
  StoredContact,
  StoredContactActivity,
  StoredOrganization,
  StoredUser,
  StoredWebsiteVisit,
  TagEntityType,
  V2FieldValue,
} from "./types.js";
