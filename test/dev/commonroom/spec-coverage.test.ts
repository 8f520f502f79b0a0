/**
 * Holds the simulator against the vendor's v1 OpenAPI document, so the two cannot drift:
 * every operation is served with the spec's success status, and the enums, required
 * fields and nullable fields the checks enforce are the spec's.
 */
import { expect, it } from "vitest";
import { createCommonRoomSimulator, ROUTES, SPEC_FACTS } from "../../../dev/commonroom/index.js";
import { describeAgainstSpec, readVendorSpec, vendorSpecPath } from "../../support/vendor-spec.js";

const specPath = vendorSpecPath("common-room-core-openapi.yml");

/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is untyped YAML */
const spec: any = readVendorSpec(specPath);

const TWELVE: [string, string][] = [
  ["get", "/api-token-status"],
  ["post", "/source/{destinationSourceId}/user"],
  ["get", "/activityTypes"],
  ["post", "/source/{destinationSourceId}/activity"],
  ["get", "/members/customFields"],
  ["get", "/segments"],
  ["get", "/segments/{id}/status"],
  ["get", "/tags"],
  ["post", "/tags"],
  ["post", "/tags/{id}"],
  ["delete", "/tags/{id}"],
  ["get", "/tags/{id}"],
];

function deref(schema: any): any {
  if (schema && typeof schema.$ref === "string") {
    const name = schema.$ref.replace("#/components/schemas/", "");
    return deref(spec.components.schemas[name]);
  }
  return schema;
}

function flatten(input: any): { properties: Record<string, any>; required: Set<string> } {
  const schema = deref(input);
  const properties: Record<string, any> = {};
  const required = new Set<string>(schema.required ?? []);
  for (const part of schema.allOf ?? []) {
    const flat = flatten(part);
    Object.assign(properties, flat.properties);
    flat.required.forEach((name) => required.add(name));
  }
  Object.assign(properties, schema.properties ?? {});
  return { properties, required };
}

const schemaProps = (name: string) => flatten(spec.components.schemas[name]).properties;
const enumOf = (schema: any): string[] => deref(schema).properties.type.enum;
const unionEnums = (schemas: any[]): string[] => schemas.flatMap(enumOf);

const BASE_URL = "https://api.commonroom.io/community/v1";

const sortedEq = (actual: readonly string[], expected: readonly string[]) =>
  expect([...actual].sort()).toEqual([...expected].sort());

function sampleRequest(method: string, template: string): Request {
  const id = template.startsWith("/segments") ? "201" : "tag_1";
  const url = template
    .replace("{destinationSourceId}", "1001")
    .replace("{id}", id)
    .replace("{email}", encodeURIComponent("someone@example.com"));
  const bodies: Record<string, unknown> = {
    "post /source/{destinationSourceId}/user": { id: "u1" },
    "post /source/{destinationSourceId}/activity": {
      id: "a1",
      activityType: "other",
      user: { id: "u1" },
    },
    "post /tags": { name: "Spec", entityTypes: ["member"] },
    "post /tags/{id}": { name: "Spec" },
  };
  const body = bodies[`${method} ${template}`];
  return new Request(`https://api.commonroom.io/community/v1${url}`, {
    method: method.toUpperCase(),
    headers: {
      Authorization: "Bearer test-token",
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describeAgainstSpec(specPath, `the simulator matches the vendor spec (${specPath})`, () => {
  it("the spec is the v1 Core API", () => {
    expect(spec.servers[0].url).toBe("https://api.commonroom.io/community/v1");
  });

  it("every route the simulator serves is a path+method of the spec", () => {
    for (const route of ROUTES) {
      expect(
        spec.paths[route.template]?.[route.method.toLowerCase()],
        `${route.method} ${route.template}`,
      ).toBeDefined();
    }
  });

  it("serves each of the twelve operations with the spec's success status", async () => {
    for (const [method, template] of TWELVE) {
      const operation = spec.paths[template]?.[method];
      expect(operation, `${method} ${template} in spec`).toBeDefined();
      expect(
        ROUTES.some((r) => r.method === method.toUpperCase() && r.template === template),
        `${method} ${template} in ROUTES`,
      ).toBe(true);
      const success = Object.keys(operation.responses).find((code) => code.startsWith("2"));
      const sim = createCommonRoomSimulator();
      const response = await sim.handle(sampleRequest(method, template));
      expect(sim.violations, `${method} ${template}`).toEqual([]);
      expect(String(response.status), `${method} ${template}`).toBe(success);
    }
  });

  it("DELETE /user/{email} answers the spec's success status too", async () => {
    const success = Object.keys(spec.paths["/user/{email}"].delete.responses).find((code) =>
      code.startsWith("2"),
    );
    const sim = createCommonRoomSimulator();
    expect(String((await sim.handle(sampleRequest("delete", "/user/{email}"))).status)).toBe(
      success,
    );
  });

  it("the two contact endpoints beyond the twelve answer the spec's success status", async () => {
    const sim = createCommonRoomSimulator();
    const lookup = await sim.handle(
      new Request(
        `${BASE_URL}/members?email=${encodeURIComponent("barbara.thompson.4@example.com")}`,
        {
          headers: { Authorization: "Bearer test-token" },
        },
      ),
    );
    const add = await sim.handle(
      new Request(`${BASE_URL}/segments/202`, {
        method: "POST",
        headers: { Authorization: "Bearer test-token", "Content-Type": "application/json" },
        body: JSON.stringify({ socialType: "email", value: "a@example.com, b@example.com" }),
      }),
    );
    expect(sim.violations).toEqual([]);
    for (const [template, method, response] of [
      ["/members", "get", lookup],
      ["/segments/{id}", "post", add],
    ] as const) {
      const success = Object.keys(spec.paths[template][method].responses).find((code) =>
        code.startsWith("2"),
      );
      expect(String(response.status), `${method} ${template}`).toBe(success);
    }
  });

  it("GET /members: its lookups are the social types; its items carry only the spec's fields", async () => {
    const item = spec.paths["/members"];
    sortedEq(
      SPEC_FACTS.enums.socialTypes,
      item.parameters.filter((p: any) => p.in === "query").map((p: any) => p.name),
    );
    const declared = Object.keys(
      item.get.responses["200"].content["application/json"].schema.items.properties,
    );
    const sim = createCommonRoomSimulator();
    await sim.handle(
      new Request(`${BASE_URL}/source/1001/user`, {
        method: "POST",
        headers: { Authorization: "Bearer test-token", "Content-Type": "application/json" },
        body: JSON.stringify({
          id: "u1",
          email: "u1@example.com",
          fullName: "U One",
          bio: "b",
          companyName: "C",
          titleAtCompany: "T",
          city: "Oslo",
          github: { type: "handle", value: "uone" },
          tags: [{ type: "id", id: "tag_1" }],
        }),
      }),
    );
    for (const query of ["email=u1%40example.com", "email=barbara.thompson.4%40example.com"]) {
      const response = await sim.handle(
        new Request(`${BASE_URL}/members?${query}`, {
          headers: { Authorization: "Bearer test-token" },
        }),
      );
      const [member] = (await response.json()) as Record<string, unknown>[];
      expect(Object.keys(member ?? {}).length, query).toBeGreaterThan(3);
      for (const key of Object.keys(member ?? {}))
        expect(declared, `${query}: ${key}`).toContain(key);
    }
  });

  it("POST /segments/{id}: the body's fields and required fields are the spec's inline schema", () => {
    const schema = spec.paths["/segments/{id}"].post.requestBody.content["application/json"].schema;
    const table = SPEC_FACTS.inlineBodies["POST /segments/{id}"];
    sortedEq(Object.keys(table), Object.keys(schema.properties));
    sortedEq(
      Object.entries(table)
        .filter(([, f]) => f.required)
        .map(([field]) => field),
      schema.required,
    );
    // The spec names the social types in prose: "Must be email, twitter, github, or linkedin".
    for (const type of SPEC_FACTS.enums.socialTypes)
      expect(schema.properties.socialType.description).toContain(type);
    expect(schema.properties.value.description).toMatch(/comma separated/i);
  });

  it("declared query parameters are the ones the simulator allows", () => {
    for (const route of ROUTES) {
      const item = spec.paths[route.template];
      const params = [
        ...(item.parameters ?? []),
        ...(item[route.method.toLowerCase()].parameters ?? []),
      ];
      sortedEq(
        route.query,
        params.filter((p: any) => p.in === "query").map((p: any) => p.name),
      );
    }
  });

  it("path parameter types: destinationSourceId integer, tag id string", () => {
    for (const template of [
      "/source/{destinationSourceId}/user",
      "/source/{destinationSourceId}/activity",
    ]) {
      const param = spec.paths[template].post.parameters.find(
        (p: any) => p.name === "destinationSourceId",
      );
      expect(param.schema.type).toBe("integer");
    }
    for (const method of ["get", "post", "delete"]) {
      expect(spec.paths["/tags/{id}"][method].parameters[0].schema.type).toBe("string");
    }
  });

  it("the enums checked are the spec's enums", () => {
    const user = schemaProps("ApiUser");
    const activity = schemaProps("ApiActivity");
    const e = SPEC_FACTS.enums;
    sortedEq(e.tagEntityTypes, schemaProps("ApiTagCreationProperties").entityTypes.items.enum);
    sortedEq(e.tagAssignmentTypes, unionEnums(spec.components.schemas.ApiTagAssignment.oneOf));
    for (const social of ["linkedin", "github", "twitter"])
      sortedEq(e.socialHandleTypes, user[social].properties.type.enum);
    sortedEq(e.discordTypes, user.discord.properties.type.enum);
    sortedEq(e.contentTypes, unionEnums(activity.content.oneOf));
    sortedEq(e.activityTitleTypes, unionEnums(activity.activityTitle.oneOf));
    sortedEq(e.subSourceTypes, activity.subSource.properties.type.enum);
    sortedEq(e.customFieldValueTypes, schemaProps("ApiCustomFields").value.properties.type.enum);
  });

  it("the fields, required fields and nullable fields checked are the spec's", () => {
    for (const [name, table] of Object.entries(SPEC_FACTS.fields)) {
      const flat = flatten(spec.components.schemas[name]);
      sortedEq(Object.keys(table), Object.keys(flat.properties));
      sortedEq(
        Object.entries(table)
          .filter(([, f]) => f.required)
          .map(([field]) => field),
        [...flat.required].filter((field) => field in flat.properties),
      );
      sortedEq(
        Object.entries(table)
          .filter(([, f]) => f.nullable)
          .map(([field]) => field),
        Object.entries(flat.properties)
          .filter(([, p]) => p.nullable === true)
          .map(([field]) => field),
      );
    }
  });

  it("custom-field items need id, and their value object needs type and value", () => {
    const cf = spec.components.schemas.ApiCustomFields;
    expect(cf.required).toEqual(["id"]);
    sortedEq(cf.properties.value.required, ["type", "value"]);
  });
});
