/** The Common Room v1 Core API simulator: public API. */
export { createCommonRoomSimulator, type CommonRoomSimulator } from "./create.js";
export { startCommonRoomServer, type RunningServer } from "./http-server.js";
export { ROUTES, type Route, type OperationName } from "./routes.js";
export { SPEC_FACTS } from "./spec-checks.js";
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
  CustomFieldDef,
  Fault,
  IdName,
  RecordedRequest,
  SeedCustomField,
  SimulatorOptions,
  SimulatorSeed,
  SimulatorState,
  StoredActivity,
  StoredUser,
  TagEntityType,
} from "./types.js";
