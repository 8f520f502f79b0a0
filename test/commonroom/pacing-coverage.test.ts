import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { CommonRoomClient, type CallOptions } from "../../src/commonroom/client.js";
import { CommonRoomError } from "../../src/commonroom/errors.js";
import { Pacer } from "../../src/commonroom/pacer.js";
import { API, API_V2, TOKEN, useServer } from "./support.js";

/**
 * No Common Room request in src/ goes around the pacer: HTTP leaves the worker for Common
 * Room in one place only (the transport's `once`, behind the pacer), and every client method
 * is held when the token's budget is spent.
 */

const SRC = join(import.meta.dirname, "..", "..", "src");
const CLIENT = "commonroom/transport.ts";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Files that speak HTTP, but never to Common Room. */
const NOT_COMMON_ROOM = new Set([
  // The image's HEALTHCHECK asks the worker's own /healthz on loopback.
  "container/healthcheck.ts",
  // `check` asks Conductor (CONDUCTOR_SERVER_URL) for a token and its task definitions.
  "worker/conductor-check.ts",
]);

describe("every Common Room request goes through the pacer", () => {
  it("only the transport speaks HTTP to Common Room, and only behind the pacer", () => {
    const outbound = [
      /from "axios"/,
      /\bfetch\(/,
      /from "node:https?"[^\n]*\b(request|get)\b/,
      /from "(undici|got|node-fetch|ky)"/,
      /\bnew XMLHttpRequest\b/,
    ];
    const speakers = sources(SRC)
      .filter((file) => {
        const text = readFileSync(file, "utf8");
        return outbound.some((pattern) => pattern.test(text));
      })
      .map((file) => relative(SRC, file))
      .filter((file) => !NOT_COMMON_ROOM.has(file));
    expect(speakers).toEqual([CLIENT]);

    const client = readFileSync(join(SRC, CLIENT), "utf8");
    const sends = [...client.matchAll(/this\.http\.request\(/g)];
    expect(sends).toHaveLength(1);
    // The one send is in `once`, after the pacer's permit and before its report.
    const once = client.slice(client.indexOf("private async once("));
    const body = once.slice(0, once.indexOf("\n  }\n"));
    const acquire = body.indexOf("await this.paced(");
    expect(acquire).toBeGreaterThan(0);
    expect(body.indexOf("this.http.request(")).toBeGreaterThan(acquire);
    expect(body).toContain("permit.done(readRateLimit(");
    expect(body).toContain("permit.done();");
  });

  const server = useServer();
  const held: CallOptions = {};
  /** Each public method with arguments it accepts. */
  const calls: Record<string, (c: CommonRoomClient) => Promise<unknown>> = {
    getApiTokenStatus: (c) => c.getApiTokenStatus(held),
    addOrEditUser: (c) => c.addOrEditUser(1001, { id: "u1" }, held),
    getActivityTypes: (c) => c.getActivityTypes(held),
    addOrEditActivity: (c) =>
      c.addOrEditActivity(1001, { id: "a1", activityType: "other", user: { id: "u1" } }, held),
    getCustomFields: (c) => c.getCustomFields(undefined, held),
    getSegments: (c) => c.getSegments(held),
    getSegmentStatuses: (c) => c.getSegmentStatuses(1, held),
    listTags: (c) => c.listTags(held),
    createTag: (c) => c.createTag({ name: "t", entityTypes: ["member"] }, held),
    updateTag: (c) => c.updateTag("t1", { name: "t" }, held),
    deleteTag: (c) => c.deleteTag("t1", held),
    getTag: (c) => c.getTag("t1", held),
    anonymizeContact: (c) => c.anonymizeContact("a@example.com", held),
    createSegment: (c) => c.createSegment({ name: "s" }, held),
    listContacts: (c) => c.listContacts({}, held),
    getContact: (c) => c.getContact("c_1", {}, held),
    listActivities: (c) => c.listActivities({}, held),
    getActivity: (c) => c.getActivity("a_1", {}, held),
    listOrganizations: (c) => c.listOrganizations({}, held),
    getOrganization: (c) => c.getOrganization("o_1", {}, held),
    getSegment: (c) => c.getSegment("s_1", {}, held),
    listWebsiteVisits: (c) => c.listWebsiteVisits({}, held),
    findMembers: (c) => c.findMembers("email", "a@example.com", held),
    addContactsToSegment: (c) =>
      c.addContactsToSegment(1, { socialType: "email", value: "a@example.com" }, held),
  };

  it("every client method is held while the token's budget is spent", async () => {
    const methods = Object.getOwnPropertyNames(CommonRoomClient.prototype).filter(
      (name) =>
        name !== "constructor" &&
        typeof (CommonRoomClient.prototype as unknown as Record<string, unknown>)[name] ===
          "function" &&
        !["json", "v2Page", "v2Item", "accepted", "send", "once", "paced"].includes(name),
    );
    // A new method needs a line above, so that this test proves it is paced too.
    expect(methods.sort()).toEqual(Object.keys(calls).sort());

    let requests = 0;
    server.use(
      http.all(`${API}/*`, () => {
        requests += 1;
        return HttpResponse.json(
          {
            reason: "Rate limit exceeded",
            rateLimit: { waitMs: 60_000, intervalResetSeconds: 60 },
          },
          { status: 429, headers: { "X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0" } },
        );
      }),
      http.all(`${API_V2}/*`, () => {
        requests += 1;
        return HttpResponse.json({}, { status: 500 });
      }),
    );
    const pacer = new Pacer({ name: "coverage" });
    const client = new CommonRoomClient({ apiUrl: API, apiToken: TOKEN, timeoutMs: 1000, pacer });
    // Common Room says the token's interval is spent for a minute.
    await expect(client.getSegments({ deadline: Date.now() + 1000 })).rejects.toMatchObject({
      kind: "rate_limited",
      httpStatus: 429,
    });
    expect(requests).toBe(1);

    for (const [name, call] of Object.entries(calls)) {
      held.deadline = Date.now() + 1000;
      const error = await call(client).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(CommonRoomError);
      expect(error, name).toMatchObject({ kind: "rate_limited", details: { heldBy: "pacer" } });
      expect((error as CommonRoomError).waitMs, name).toBeGreaterThan(55_000);
    }
    expect(requests).toBe(1);
  });
});
