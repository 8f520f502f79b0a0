import fc from "fast-check";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommonRoomSimulator } from "../../dev/commonroom/index.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { operations } from "../../src/operations/index.js";
import { executeOperation } from "../../src/worker/execute.js";
import { Integrations } from "../../src/worker/integrations.js";
import { toTaskResult } from "../../src/worker/results.js";

/**
 * Property: whatever a workflow hands a task, the worker neither crashes nor hangs, and the
 * result is COMPLETED, a terminal INVALID_INPUT that names each field, or Common Room's own
 * NOT_FOUND for ids that do not exist. The simulator checks every request that does go out
 * against the vendor spec, so an input our schemas let through but Common Room would reject
 * fails the property too.
 */

const TOKEN = "fuzz-token-5be1";
const sim = createCommonRoomSimulator({ tokens: [TOKEN] });
const msw = setupServer(...sim.handlers);
const config = loadConfig({
  COMMON_ROOM_API_TOKEN: TOKEN,
  COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
});
const logger = createLogger({ level: "silent" });
const integrations = new Integrations(config, { logger });

beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterAll(() => msw.close());

/**
 * Each case starts from the seeded state. Re-seeding costs more than the case itself (the
 * v2 contacts and activities are rebuilt and cloned), and reads leave the state as it was,
 * so the simulator is reset only after a case that sent a write; each case reads the
 * requests and violations it added.
 */
function resetAfterWrites(): void {
  if (sim.requests.some((request) => request.method !== "GET")) sim.reset();
}

const garbage = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);
const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: garbage });

const handle = fc.record({
  type: maybe(fc.constant("handle")),
  value: maybe(fc.string({ minLength: 1, maxLength: 10 })),
});
const tagAssignment = fc.oneof(
  fc.record({ type: fc.constant("id"), id: maybe(fc.constantFrom("tag_1", "tag_3")) }),
  fc.record({ type: fc.constant("name"), name: maybe(fc.string({ minLength: 1, maxLength: 10 })) }),
);
const customField = fc.record(
  {
    id: maybe(fc.constantFrom(103, 104, 105, 106, 108)),
    value: maybe(
      fc.oneof(
        fc.record({ type: fc.constant("string"), value: fc.string({ maxLength: 8 }) }),
        fc.record({ type: fc.constant("date"), value: maybe(fc.constant("2026-11-27")) }),
        fc.record({ type: fc.constant("int"), value: maybe(fc.integer()) }),
        fc.record({
          type: fc.constant("number"),
          value: maybe(fc.double({ noNaN: true, noDefaultInfinity: true })),
        }),
        fc.record({ type: fc.constant("boolean"), value: maybe(fc.boolean()) }),
      ),
    ),
  },
  { requiredKeys: ["id"] },
);
const user = fc.record(
  {
    id: maybe(fc.string({ minLength: 1, maxLength: 12 })),
    fullName: maybe(fc.option(fc.string({ maxLength: 12 }), { nil: null })),
    email: maybe(fc.option(fc.emailAddress(), { nil: null })),
    linkedin: maybe(handle),
    tags: maybe(fc.array(tagAssignment, { maxLength: 2 })),
    customFields: maybe(fc.array(customField, { maxLength: 2 })),
    companyDomain: maybe(fc.string({ maxLength: 12 })),
  },
  { requiredKeys: [] },
);
const looseActivity = fc.record(
  {
    id: maybe(fc.string({ minLength: 1, maxLength: 12 })),
    activityType: maybe(fc.constantFrom("made_post_topic", "other")),
    user: maybe(user),
    content: maybe(
      fc.record({
        type: maybe(fc.constantFrom("text", "markdown")),
        value: fc.string({ maxLength: 10 }),
      }),
    ),
    timestamp: maybe(
      fc
        .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString()),
    ),
    url: maybe(fc.option(fc.webUrl(), { nil: null })),
  },
  { requiredKeys: [] },
);
// Complete activities too, so the property also reaches Common Room (required fields valid).
const completeActivity = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ""),
  activityType: fc.constantFrom("made_post_topic", "other"),
  user: fc.record({
    id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    email: fc.option(fc.emailAddress(), { nil: null }),
  }),
  url: fc.option(fc.webUrl(), { nil: null }),
});
const activity = fc.oneof(completeActivity, looseActivity);
const id = maybe(fc.oneof(fc.integer({ min: -5, max: 300 }), fc.stringMatching(/^[0-9]{1,4}$/)));
const tagId = maybe(fc.constantFrom("tag_1", "tag_2", "tag_3", "nope", ""));

/** Plausible values per input field, mixed with garbage; unknown keys ride along too. */
const FIELD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  user,
  activity,
  destinationSourceId: maybe(fc.constantFrom(1001, "1001", 5, 0, -1, "x")),
  segmentId: id,
  tagId,
  name: maybe(fc.string({ minLength: 0, maxLength: 12 })),
  description: maybe(fc.option(fc.string({ maxLength: 12 }), { nil: null })),
  entityTypes: maybe(
    fc.array(fc.constantFrom("member", "activity", "company", "contact"), { maxLength: 3 }),
  ),
  validateAgainstCatalog: maybe(fc.boolean()),
  email: maybe(fc.emailAddress()),
  entityType: maybe(fc.constantFrom("contact", "object", "organization")),
  objectTypeId: maybe(fc.constantFrom("cot_1", "cot_x")),
  contactId: maybe(fc.constantFrom("c_1", "c_2", "c_999999", "1")),
  organizationId: maybe(fc.constantFrom("o_1", "o_x")),
  activityId: maybe(fc.constantFrom("a_1", "a_99999", "1")),
  domain: maybe(fc.constantFrom("acme.example.com", "https://www.globex.example.com/x", "nope")),
  primaryDomain: maybe(fc.constantFrom("acme.example.com", "")),
  asOf: maybe(fc.constantFrom(1735689600000, "1735689600000", "2025-01-01T00:00:00Z", "soon")),
  lookbackSeconds: maybe(fc.constantFrom(3600, "86400", 0)),
  cols: maybe(
    fc.oneof(
      // `url` is a column of every v2 read; the others of contacts only.
      fc.constantFrom("fullName", "primaryEmail,title", "url"),
      fc.array(fc.constantFrom("fullName", "tags"), { minLength: 1, maxLength: 2 }),
    ),
  ),
  limit: maybe(fc.integer({ min: 0, max: 250 })),
  cursor: maybe(fc.string({ maxLength: 6 })),
  fetchAll: maybe(fc.boolean()),
  maxItems: maybe(fc.integer({ min: 0, max: 300 })),
  sort: maybe(fc.constantFrom("id", "name")),
  direction: maybe(fc.constantFrom("asc", "desc", "up")),
  startDate: maybe(fc.constantFrom("2026-01-01", "2026-01-01T00:00:00Z", "yesterday")),
  endDate: maybe(fc.constantFrom("2026-12-31", "2026-12-31T23:59:59Z")),
  users: maybe(fc.array(user, { minLength: 0, maxLength: 4 })),
  activities: maybe(fc.array(activity, { minLength: 0, maxLength: 4 })),
  twitter: maybe(fc.constantFrom("octocat", "@nine")),
  github: maybe(fc.constantFrom("octocat", "")),
  linkedin: maybe(fc.constantFrom("in/someone")),
  socialType: maybe(fc.constantFrom("email", "github", "phone")),
  values: maybe(
    fc.array(fc.constantFrom("grace.torvalds.1@example.com", "new@example.com", "octocat"), {
      maxLength: 3,
    }),
  ),
  statusId: maybe(fc.constantFrom(4, "5", 0)),
};

/** Outcomes that are Common Room's answer to a well-formed input, not an input problem. */
const ANSWERS = new Set(["NOT_FOUND", "CONFLICT", "BULK_FAILED"]);

describe("fuzzing every operation's input", () => {
  for (const operation of operations) {
    it(`${operation.name}: never crashes or hangs; COMPLETED, INVALID_INPUT naming a field, or Common Room's answer`, async () => {
      const fields = Object.keys(operation.input.shape);
      const input = fc.oneof(
        fc.record(Object.fromEntries(fields.map((f) => [f, FIELD_VALUES[f] ?? garbage])), {
          requiredKeys: [],
        }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        garbage,
      );
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(input, async (raw) => {
          resetAfterWrites();
          const requestsBefore = sim.requests.length;
          const violationsBefore = sim.violations.length;
          const outcome = await executeOperation(operation, raw, {
            integrations,
            logger,
            deadline: Date.now() + 2000,
          });
          const { result, error } = toTaskResult(outcome);
          seen.add(error?.code ?? result.status);
          const requests = sim.requests.slice(requestsBefore);
          if (result.status === "COMPLETED") {
            expect(sim.violations.slice(violationsBefore)).toEqual([]);
            return;
          }
          expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
          if (error?.code && ANSWERS.has(error.code)) return;
          // Cursors are opaque: only Common Room can tell a made-up one, and says so with a 400.
          if (
            error?.code === "BAD_REQUEST" &&
            typeof raw === "object" &&
            raw !== null &&
            "cursor" in raw
          )
            return;
          expect(error?.code, JSON.stringify({ raw, error })).toBe("INVALID_INPUT");
          const issues = (error?.details?.issues ?? []) as { path: string; message: string }[];
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) {
            expect(issue.message.length).toBeGreaterThan(0);
            // Each issue names a field, except when the input as a whole is not an object.
            if (typeof raw === "object" && raw !== null && !Array.isArray(raw))
              expect(issue.path).not.toBe("");
          }
          expect(requests).toEqual([]); // bad input sends nothing
        }),
        { numRuns: 300, seed: 20261127 },
      );
      // The generators reach both sides of the property (else it proves little).
      if (fields.length > 0) expect(seen.has("INVALID_INPUT")).toBe(true);
      expect([...seen].some((outcome) => outcome === "COMPLETED" || ANSWERS.has(outcome))).toBe(
        true,
      );
    });
  }
});
