import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { kindOfV2Code } from "../../src/commonroom/classify.js";
import { CommonRoomError } from "../../src/commonroom/errors.js";
import { API, API_V2, TOKEN, makeClient, rejectionOf, useServer } from "./support.js";

const server = useServer();

async function failure(promise: Promise<unknown>): Promise<CommonRoomError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(CommonRoomError);
  return error as CommonRoomError;
}

function v2Error(status: number, code: string, message: string) {
  return HttpResponse.json({ success: false, error: { code, message } }, { status });
}

function responses(events: { all: Array<{ type: string }> }) {
  return events.all.filter((e) => e.type === "response").length;
}

describe("v2 error codes", () => {
  it("kindOfV2Code maps by pattern and leaves other codes to the status", () => {
    expect(kindOfV2Code("contact_not_found")).toBe("not_found");
    expect(kindOfV2Code("prospector_company_not_found")).toBe("not_found");
    expect(kindOfV2Code("invalid_contact_id")).toBe("bad_request");
    expect(kindOfV2Code("invalid_parameters")).toBe("bad_request");
    expect(kindOfV2Code("conflict")).toBe("conflict");
    expect(kindOfV2Code("internal_server_error")).toBe("upstream");
    expect(kindOfV2Code("rate_limited")).toBeUndefined();
    expect(kindOfV2Code("not_found_at_all")).toBeUndefined();
  });

  it("409 conflict on createSegment → conflict, code in reason, message in message", async () => {
    server.use(
      http.post(`${API_V2}/segments`, () =>
        v2Error(409, "conflict", "A segment with this name already exists"),
      ),
    );
    const { client, events } = makeClient();
    const error = await failure(client.createSegment({ name: "Champions" }));
    expect(error).toMatchObject({
      kind: "conflict",
      httpStatus: 409,
      reason: "conflict",
      operation: "createSegment",
      retryable: false,
      details: { method: "POST", path: "/segments" },
    });
    expect(error.message).toBe(
      "Common Room answered 409 to createSegment: A segment with this name already exists (conflict)",
    );
    expect(responses(events)).toBe(1);
  });

  it("404 contact_not_found → not_found with Common Room's message", async () => {
    server.use(
      http.get(`${API_V2}/contacts/:id`, () =>
        v2Error(404, "contact_not_found", "Contact c_9 was not found"),
      ),
    );
    const { client } = makeClient();
    const error = await failure(client.getContact("c_9", {}));
    expect(error).toMatchObject({
      kind: "not_found",
      reason: "contact_not_found",
      httpStatus: 404,
    });
    expect(error.message).toBe(
      "Common Room answered 404 to getContact: Contact c_9 was not found (contact_not_found)",
    );
  });

  it("the code wins over the status: segment_not_found in a 400 → not_found", async () => {
    server.use(
      http.get(`${API_V2}/contacts`, () =>
        v2Error(400, "segment_not_found", "Segment s_5 does not exist"),
      ),
    );
    const { client } = makeClient();
    const error = await failure(client.listContacts({ segmentId: "s_5" }));
    expect(error.kind).toBe("not_found");
    expect(error.httpStatus).toBe(400);
    expect(error.reason).toBe("segment_not_found");
  });

  it.each([
    ["conflict", 400, "conflict"],
    ["invalid_contact_id", 404, "bad_request"],
    ["internal_server_error", 400, "upstream"],
    ["object_type_not_found", 409, "not_found"],
  ] as const)("code %s in a %i → %s, whatever the status", async (code, status, kind) => {
    server.use(http.post(`${API_V2}/segments`, () => v2Error(status, code, "said")));
    const { client } = makeClient({ retry: { maxAttempts: 1 } });
    const error = await failure(client.createSegment({ name: "x" }));
    expect(error).toMatchObject({ kind, reason: code, httpStatus: status });
    expect(error.message).toBe(`Common Room answered ${status} to createSegment: said (${code})`);
  });

  it("400 invalid_* → bad_request, not retried", async () => {
    server.use(
      http.get(`${API_V2}/activities`, () =>
        v2Error(400, "invalid_parameters", "startDate must be a date-time"),
      ),
    );
    const { client, events } = makeClient();
    const error = await failure(client.listActivities({ startDate: "yesterday" }));
    expect(error).toMatchObject({
      kind: "bad_request",
      reason: "invalid_parameters",
      retryable: false,
    });
    expect(error.message).toBe(
      "Common Room answered 400 to listActivities: startDate must be a date-time (invalid_parameters)",
    );
    expect(responses(events)).toBe(1);
  });

  it("500 internal_server_error → retried, then upstream", async () => {
    let calls = 0;
    server.use(
      http.get(`${API_V2}/contacts`, () => {
        calls += 1;
        return v2Error(500, "internal_server_error", "Something went wrong");
      }),
    );
    const { client, events } = makeClient();
    const error = await failure(client.listContacts({}));
    expect(error).toMatchObject({
      kind: "upstream",
      retryable: true,
      reason: "internal_server_error",
    });
    expect(error.message).toBe(
      "Common Room answered 500 to listContacts: Something went wrong (internal_server_error)",
    );
    expect(calls).toBe(3);
    expect(events.all.filter((e) => e.type === "retry")).toHaveLength(2);
  });

  it("an unmapped code falls back to the status, keeping code and message", async () => {
    server.use(
      http.get(`${API_V2}/contacts`, () => v2Error(422, "too_many_columns", "Too many cols")),
      http.get(`${API_V2}/activities`, () => v2Error(503, "maintenance", "Back soon")),
    );
    const { client } = makeClient({ retry: { maxAttempts: 1 } });
    const bad = await failure(client.listContacts({}));
    expect(bad).toMatchObject({ kind: "bad_request", reason: "too_many_columns" });
    expect(bad.message).toBe(
      "Common Room answered 422 to listContacts: Too many cols (too_many_columns)",
    );
    const down = await failure(client.listActivities({}));
    expect(down).toMatchObject({ kind: "upstream", reason: "maintenance" });
  });

  it("v2 403 with a Status body → unauthorized; bare 404 on /contacts/{id} names the contact", async () => {
    server.use(
      http.get(`${API_V2}/contacts`, () =>
        HttpResponse.json({ status: "forbidden" }, { status: 403 }),
      ),
      http.get(`${API_V2}/contacts/:id`, () => new HttpResponse(null, { status: 404 })),
    );
    const { client, events } = makeClient();
    const denied = await failure(client.listContacts({}));
    expect(denied).toMatchObject({ kind: "unauthorized", httpStatus: 403, retryable: false });
    expect(denied.message).toBe("Common Room answered 403 to listContacts: forbidden");
    expect(responses(events)).toBe(1);
    const missing = await failure(client.getContact("c_1"));
    expect(missing.kind).toBe("not_found");
    expect(missing.message).toBe("Common Room answered 404 to getContact: Contact not found");
  });
});

describe("429 on v2", () => {
  it("is waited out (body waitMs) and then succeeds", async () => {
    let calls = 0;
    server.use(
      http.post(`${API_V2}/segments`, () => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(
            { reason: "Too Many Requests", rateLimit: { waitMs: 1500 } },
            { status: 429 },
          );
        }
        return HttpResponse.json(
          { success: true, data: { id: "s_1", name: "n" } },
          { status: 201 },
        );
      }),
    );
    const { client, clock, events } = makeClient();
    await expect(client.createSegment({ name: "n" })).resolves.toEqual({ id: "s_1", name: "n" });
    expect(calls).toBe(2);
    // 1500 asked + jitter of 0.5 * 100.
    expect(clock.time.sleeps).toEqual([1550]);
    expect(events.all.filter((e) => e.type === "wait")).toEqual([
      {
        type: "wait",
        operation: "createSegment",
        waitMs: 1550,
        reason: expect.stringContaining("429"),
      },
    ]);
  });

  it("uses X-RateLimit-Reset when the body has no waitMs; past the budget → rate_limited", async () => {
    const { client, clock } = makeClient();
    const resetAt = Math.ceil((clock.time.now + 60_000) / 1000);
    server.use(
      http.get(`${API_V2}/activities`, () =>
        HttpResponse.json(
          { success: false, error: { code: "rate_limited", message: "slow down" } },
          { status: 429, headers: { "X-RateLimit-Reset": String(resetAt) } },
        ),
      ),
    );
    const error = await failure(client.listActivities({}, { deadline: clock.time.now + 10_000 }));
    expect(error).toMatchObject({ kind: "rate_limited", retryable: true, httpStatus: 429 });
    expect(error.waitMs).toBe(resetAt * 1000 - clock.time.now);
    expect(clock.time.sleeps).toEqual([]);
  });
});

describe("the token never leaks from v2 calls", () => {
  it("not in errors or observer events, even when echoed back", async () => {
    server.use(
      http.post(`${API_V2}/segments`, ({ request }) =>
        v2Error(409, "conflict", `dup for ${request.headers.get("authorization")}`),
      ),
      http.get(`${API_V2}/contacts/:id`, () => v2Error(400, `invalid_${TOKEN}`, TOKEN)),
      http.get(`${API_V2}/contacts`, ({ request }) =>
        HttpResponse.text(`weird ${request.headers.get("authorization")}`),
      ),
      http.get(`${API_V2}/activities`, () => HttpResponse.json({ reason: TOKEN }, { status: 401 })),
      http.delete(`${API}/user/:email`, () =>
        HttpResponse.json({ reason: TOKEN }, { status: 500 }),
      ),
    );
    const { client, events } = makeClient({ retry: { maxAttempts: 1 } });
    const errors = [
      await failure(client.createSegment({ name: "x" })),
      await failure(client.getContact("c_1")),
      await failure(client.listContacts({})),
      await failure(client.listActivities({})),
      await failure(client.anonymizeContact("a@b.c")),
    ];
    expect(errors.map((e) => e.kind)).toEqual([
      "conflict",
      "bad_request",
      "unexpected_response",
      "unauthorized",
      "upstream",
    ]);
    for (const e of errors) {
      for (const text of [JSON.stringify(e), String(e), e.stack ?? "", e.reason ?? ""]) {
        expect(text).not.toContain(TOKEN);
      }
    }
    expect(errors[0]!.message).toContain("[REDACTED]");
    expect(errors[1]!.reason).toBe("invalid_[REDACTED]");
    expect(JSON.stringify(events.all)).not.toContain(TOKEN);
  });
});
