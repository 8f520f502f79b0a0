import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { COLUMNS } from "../../src/commonroom/columns.js";
import { describeAgainstSpec, readVendorSpec, vendorSpecPath } from "../support/vendor-spec.js";
import { API_V2, makeClient, recorder, useServer } from "./support.js";

const server = useServer();

const organization = { id: "o_1", name: "Acme", primaryDomain: "acme.com" };

describe("the account-level v2 reads of the client", () => {
  it("listOrganizations sends only the given filters under the spec's names and unwraps the page", async () => {
    const rec = recorder();
    server.use(
      http.get(`${API_V2}/organizations`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({
          success: true,
          data: [{ ...organization, employees: 40 }],
          meta: { nextCursor: "next", recordCount: 7 },
        });
      }),
    );
    const { client } = makeClient();
    const page = await client.listOrganizations({ primaryDomain: "acme.com", limit: 1 });
    expect(page).toEqual({
      items: [{ ...organization, employees: 40 }],
      nextCursor: "next",
      recordCount: 7,
    });
    await client.listOrganizations({ name: "A & B", sort: "member_count", direction: "desc" });
    expect(rec.seen.map((r) => [...r.url.searchParams.entries()])).toEqual([
      [
        ["primaryDomain", "acme.com"],
        ["limit", "1"],
      ],
      [
        ["name", "A & B"],
        ["sort", "member_count"],
        ["direction", "desc"],
      ],
    ]);
  });

  it("an organization without its primaryDomain is an unexpected response naming the field", async () => {
    server.use(
      http.get(`${API_V2}/organizations/:id`, () =>
        HttpResponse.json({ success: true, data: { id: "o_1", name: "Acme" } }),
      ),
    );
    const { client } = makeClient();
    await expect(client.getOrganization("o_1")).rejects.toMatchObject({
      kind: "unexpected_response",
      message: expect.stringContaining("data.primaryDomain"),
    });
  });

  it("getSegment, getActivity and getOrganization URL-encode the id and send cols only when given", async () => {
    const rec = recorder();
    server.use(
      http.get(`${API_V2}/segments/:id`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({
          success: true,
          data: { id: "s_1", name: "S", entityType: "contact", entityCount: 3 },
        });
      }),
      http.get(`${API_V2}/activities/:id`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({
          success: true,
          data: { id: "a_1", type: "tweet", activityTime: "2024-01-01T00:00:00Z" },
        });
      }),
      http.get(`${API_V2}/organizations/:id`, async ({ request }) => {
        await rec.record(request);
        return HttpResponse.json({ success: true, data: organization });
      }),
    );
    const { client } = makeClient();
    expect(await client.getSegment("s_1", { cols: "entityCount" })).toEqual({
      id: "s_1",
      name: "S",
      entityType: "contact",
      entityCount: 3,
    });
    await client.getActivity("a/1");
    await client.getOrganization("o_1", { cols: "url" });
    expect(rec.seen.map((r) => `${r.url.pathname}${r.url.search}`)).toEqual([
      "/community/v2/segments/s_1?cols=entityCount",
      "/community/v2/activities/a%2F1",
      "/community/v2/organizations/o_1?cols=url",
    ]);
  });

  it("a website-visit page without meta.nextCursor is the last page (the spec leaves it optional)", async () => {
    server.use(
      http.get(`${API_V2}/website-visits`, () =>
        HttpResponse.json({
          success: true,
          data: [{ id: "w_1", visitTime: "2024-01-01T00:00:00Z", url: "https://x.test/" }],
          meta: {},
        }),
      ),
    );
    const { client } = makeClient();
    expect(await client.listWebsiteVisits({ organizationId: "o_1" })).toEqual({
      items: [{ id: "w_1", visitTime: "2024-01-01T00:00:00Z", url: "https://x.test/" }],
      nextCursor: null,
    });
  });

  it("org_not_found is not_found; invalid_organization_id is bad_request", async () => {
    server.use(
      http.get(`${API_V2}/organizations/o_9`, () =>
        HttpResponse.json(
          { success: false, error: { code: "org_not_found", message: "Organization not found" } },
          { status: 404 },
        ),
      ),
      http.get(`${API_V2}/organizations/9`, () =>
        HttpResponse.json(
          { success: false, error: { code: "invalid_organization_id", message: "Invalid id" } },
          { status: 400 },
        ),
      ),
    );
    const { client } = makeClient();
    await expect(client.getOrganization("o_9")).rejects.toMatchObject({ kind: "not_found" });
    await expect(client.getOrganization("9")).rejects.toMatchObject({ kind: "bad_request" });
  });
});

const specPath = vendorSpecPath("common-room-v2-openapi.yml");
/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is untyped YAML */
const spec: any = readVendorSpec(specPath);

describeAgainstSpec(specPath, "the columns the worker checks are the v2 spec's", () => {
  const colsOf = (template: string): string[] => {
    const param = spec.paths[template].get.parameters.find((p: any) => p.name === "cols");
    return [...(param.description as string).matchAll(/`([^`]+)`/g)]
      .map((m) => m[1] as string)
      .filter((col) => !["cf_*", "cf_<id>", "recordCount", "meta.recordCount"].includes(col));
  };
  it.each([
    ["listOrganizations", "/organizations"],
    ["getOrganization", "/organizations/{id}"],
    ["getSegment", "/segments/{id}"],
    ["getActivity", "/activities/{id}"],
    ["listWebsiteVisits", "/website-visits"],
  ] as const)("%s: the columns of GET %s", (read, template) => {
    const rule = COLUMNS[read];
    expect([...rule.names].sort()).toEqual(colsOf(template).sort());
    const text = spec.paths[template].get.parameters.find((p: any) => p.name === "cols")
      .description as string;
    expect(rule.recordCount, "recordCount").toBe(text.includes("recordCount"));
    expect(rule.customFields, "cf_*").toBe(text.includes("cf_*"));
  });
});
