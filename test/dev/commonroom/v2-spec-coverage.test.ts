/**
 * Holds the simulator's v2 routes and checks against the vendor's v2 OpenAPI document:
 * each route is a path+method of the spec with the same query parameters and success
 * status, and the enums, ranges, columns and error codes checked are the spec's.
 */
import { expect, it } from "vitest";
import {
  createCommonRoomSimulator,
  SPEC_FACTS_V2,
  V2_ROUTES,
} from "../../../dev/commonroom/index.js";
import { describeAgainstSpec, readVendorSpec, vendorSpecPath } from "../../support/vendor-spec.js";

const specPath = vendorSpecPath("common-room-v2-openapi.yml");

/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is untyped YAML */
const spec: any = readVendorSpec(specPath);

const sortedEq = (actual: readonly string[], expected: readonly string[]) =>
  expect([...actual].sort()).toEqual([...expected].sort());

const operation = (method: string, template: string): any =>
  spec.paths[template][method.toLowerCase()];
const queryParam = (method: string, template: string, name: string): any =>
  operation(method, template).parameters.find((p: any) => p.in === "query" && p.name === name);
/** The backticked names in a parameter's description, e.g. the valid `cols`. */
const backticked = (text: string): string[] =>
  [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

const samples: Record<string, { url: string; body?: unknown }> = {
  createSegment: { url: "/segments", body: { name: "Spec segment" } },
  listContacts: { url: "/contacts" },
  getContact: { url: "/contacts/c_1" },
  listActivities: { url: "/activities" },
  getActivity: { url: "/activities/a_1" },
  listOrganizations: { url: "/organizations" },
  getOrganization: { url: "/organizations/o_1" },
  getSegment: { url: "/segments/s_201" },
  listWebsiteVisits: { url: "/website-visits" },
};

describeAgainstSpec(specPath, `the v2 routes match the vendor v2 spec (${specPath})`, () => {
  it("the spec is the v2 API", () => {
    expect(spec.servers[0].url).toBe("https://api.commonroom.io/community/v2");
  });

  it("every v2 route is a path+method of the spec, with the same query parameters", () => {
    for (const route of V2_ROUTES) {
      const op = operation(route.method, route.template);
      expect(op, `${route.method} ${route.template}`).toBeDefined();
      sortedEq(
        route.query,
        (op.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => p.name),
      );
      expect(Boolean(op.requestBody), `${route.template} body`).toBe(route.body);
    }
  });

  it("serves each v2 route with the spec's success status and no violation", async () => {
    for (const route of V2_ROUTES) {
      const success = Object.keys(operation(route.method, route.template).responses).find((c) =>
        c.startsWith("2"),
      );
      const sample = samples[route.operation];
      expect(sample, route.operation).toBeDefined();
      const sim = createCommonRoomSimulator();
      const response = await sim.handle(
        new Request(`${sim.v2BaseUrl}${sample?.url ?? ""}`, {
          method: route.method,
          headers: {
            Authorization: "Bearer test-token",
            ...(sample?.body ? { "Content-Type": "application/json" } : {}),
          },
          body: sample?.body === undefined ? undefined : JSON.stringify(sample.body),
        }),
      );
      expect(sim.violations, route.operation).toEqual([]);
      expect(String(response.status), route.operation).toBe(success);
    }
  });

  it("direction, entityType and activity sort enums are the spec's", () => {
    for (const template of ["/contacts", "/activities", "/organizations"])
      sortedEq(SPEC_FACTS_V2.enums.direction, queryParam("GET", template, "direction").schema.enum);
    sortedEq(
      SPEC_FACTS_V2.enums.entityType,
      spec.components.schemas.CreateSegmentRequest.properties.entityType.enum,
    );
    sortedEq(
      SPEC_FACTS_V2.enums.activitySort,
      queryParam("GET", "/activities", "sort").schema.enum,
    );
  });

  it("the limit range and default are the spec's", () => {
    for (const template of ["/contacts", "/activities", "/organizations", "/website-visits"]) {
      const schema = queryParam("GET", template, "limit").schema;
      expect(SPEC_FACTS_V2.limit).toEqual({
        min: schema.minimum,
        max: schema.maximum,
        default: schema.default,
      });
    }
  });

  it("the cols checked are the spec's valid values, and Contact / ApiActivity fields", () => {
    const extras = ["cf_*", "cf_<id>", "recordCount", "meta.recordCount"];
    for (const template of ["/contacts", "/contacts/{id}"]) {
      const listed = backticked(queryParam("GET", template, "cols").description);
      sortedEq(
        SPEC_FACTS_V2.contactCols,
        listed.filter((col) => !extras.includes(col)),
      );
    }
    sortedEq(
      SPEC_FACTS_V2.activityCols,
      backticked(queryParam("GET", "/activities", "cols").description).filter(
        (col) => !extras.includes(col),
      ),
    );
    const contact = Object.keys(spec.components.schemas.Contact.properties);
    for (const col of SPEC_FACTS_V2.contactCols) expect(contact, col).toContain(col);
    const activity = Object.keys(spec.components.schemas.ApiActivity.properties);
    for (const col of SPEC_FACTS_V2.activityCols) expect(activity, col).toContain(col);
    sortedEq(spec.components.schemas.ApiActivity.required, ["id", "type", "activityTime"]);
  });

  it("the organization, segment, activity and website-visit cols and sorts are the spec's", () => {
    const extras = ["cf_*", "cf_<id>", "recordCount", "meta.recordCount"];
    const cols = (template: string) =>
      backticked(queryParam("GET", template, "cols").description).filter(
        (col) => !extras.includes(col),
      );
    for (const template of ["/organizations", "/organizations/{id}"])
      sortedEq(SPEC_FACTS_V2.organizationCols, cols(template));
    const organization = spec.components.schemas.Organization;
    for (const col of SPEC_FACTS_V2.organizationCols)
      expect(Object.keys(organization.properties), col).toContain(col);
    sortedEq(organization.required, ["id", "name", "primaryDomain"]);
    sortedEq(SPEC_FACTS_V2.segmentCols, cols("/segments/{id}"));
    sortedEq(spec.components.schemas.ApiSegment.required, ["id", "name", "entityType"]);
    sortedEq(SPEC_FACTS_V2.activityCols, cols("/activities/{id}"));
    sortedEq(SPEC_FACTS_V2.websiteVisitCols, cols("/website-visits"));
    sortedEq(spec.components.schemas.ApiWebsiteVisit.required, ["id", "visitTime"]);
    // The spec names the sorts in prose: `id`, `member_count`, then ls_ and cf_ ids.
    const sorts = backticked(queryParam("GET", "/organizations", "sort").description);
    for (const sort of SPEC_FACTS_V2.organizationSorts) expect(sorts, sort).toContain(sort);
    // Visits are the one list whose meta may leave nextCursor out.
    expect(spec.components.schemas.WebsiteVisitList.properties.meta.required).toBeUndefined();
  });

  it("CreateSegmentRequest fields and required fields are the spec's", () => {
    const schema = spec.components.schemas.CreateSegmentRequest;
    const table = SPEC_FACTS_V2.fields.CreateSegmentRequest;
    sortedEq(Object.keys(table), Object.keys(schema.properties));
    sortedEq(
      Object.entries(table)
        .filter(([, f]) => f.required)
        .map(([name]) => name),
      schema.required,
    );
    expect(schema.properties.name.description).toMatch(/max 500 characters/);
    expect(schema.properties.objectTypeId.description).toMatch(/cot_<number>/);
  });

  it("every error code the simulator can answer is in ApiV2Error's enum", () => {
    const codes: string[] = spec.components.schemas.ApiV2Error.properties.code.enum;
    for (const code of SPEC_FACTS_V2.errorCodes) expect(codes, code).toContain(code);
  });

  it("the success bodies and error statuses are the ones the spec declares", () => {
    expect(operation("POST", "/segments").responses).toHaveProperty("409");
    for (const template of [
      "/contacts/{id}",
      "/organizations/{id}",
      "/segments/{id}",
      "/activities/{id}",
    ])
      expect(operation("GET", template).responses, template).toHaveProperty("404");
    for (const route of V2_ROUTES) {
      const responses = operation(route.method, route.template).responses;
      expect(responses["400"].content["application/json"].schema.$ref).toMatch(
        /ApiV2ErrorResponse$/,
      );
      expect(responses["403"].content["application/json"].schema.$ref).toMatch(/Status$/);
      expect(responses["429"].$ref).toMatch(/RateLimited$/);
    }
  });
});
