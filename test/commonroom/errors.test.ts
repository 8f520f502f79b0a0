import { delay, http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { CommonRoomError } from "../../src/commonroom/errors.js";
import { API, TOKEN, makeClient, rejectionOf, useServer } from "./support.js";

const server = useServer();

async function failure(promise: Promise<unknown>): Promise<CommonRoomError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(CommonRoomError);
  return error as CommonRoomError;
}

/** The token must not show anywhere in what an error exposes. */
function expectNoToken(error: unknown) {
  const e = error as Error;
  for (const text of [
    JSON.stringify(e),
    String(e),
    e.stack ?? "",
    e.message,
    JSON.stringify(e.cause ?? null),
  ]) {
    expect(text).not.toContain(TOKEN);
  }
  expect(e.cause).toBeUndefined();
}

describe("2xx bodies that are not what the API documents", () => {
  it("malformed JSON → unexpected_response", async () => {
    server.use(
      http.get(
        `${API}/tags/:id`,
        () =>
          new HttpResponse("<html>oops</html>", {
            headers: { "Content-Type": "application/json" },
          }),
      ),
    );
    const { client } = makeClient();
    const error = await failure(client.getTag("t1"));
    expect(error.kind).toBe("unexpected_response");
    expect(error.retryable).toBe(false);
    expect(error.httpStatus).toBe(200);
    expect(error.message).toBe(
      'Common Room answered 200 to getTag with a body that is not JSON: "<html>oops</html>"',
    );
  });

  it("wrong shape → unexpected_response naming the first bad field path", async () => {
    server.use(
      http.get(`${API}/tags`, () =>
        HttpResponse.json({ labels: [{ id: "t", name: "n", entityTypes: ["member"] }] }),
      ),
      http.get(`${API}/segments`, () => HttpResponse.json({ segments: [] })),
    );
    const { client } = makeClient();
    const error = await failure(client.listTags());
    expect(error.kind).toBe("unexpected_response");
    expect(error.operation).toBe("listTags");
    expect(error.message).toBe(
      "Common Room answered 200 to listTags with a body that does not match TagList: labels.0.createdAt: Required",
    );
    const other = await failure(client.getSegments());
    expect(other.message).toMatch(/getSegments .*Segment\[\]: \(body\): Expected array/);
  });

  it("an empty body where one is documented → unexpected_response", async () => {
    server.use(http.get(`${API}/api-token-status`, () => new HttpResponse(null, { status: 200 })));
    const { client } = makeClient();
    const error = await failure(client.getApiTokenStatus());
    expect(error.kind).toBe("unexpected_response");
    expect(error.message).toContain("an empty body");
  });

  it("keeps body excerpts short", async () => {
    server.use(http.get(`${API}/segments`, () => HttpResponse.text("x".repeat(5000))));
    const { client } = makeClient();
    const error = await failure(client.getSegments());
    expect(error.message.length).toBeLessThan(300);
  });
});

describe("HTTP status classification", () => {
  it("400 → bad_request with Common Room's reason", async () => {
    server.use(
      http.post(`${API}/tags`, () =>
        HttpResponse.json(
          { reason: "invalid-request-body", docs: "https://api.commonroom.io/docs" },
          { status: 400 },
        ),
      ),
    );
    const { client, events } = makeClient();
    const error = await failure(client.createTag({ name: "x", entityTypes: ["member"] }));
    expect(error).toMatchObject({
      kind: "bad_request",
      httpStatus: 400,
      reason: "invalid-request-body",
      operation: "createTag",
      retryable: false,
    });
    expect(error.message).toBe("Common Room answered 400 to createTag: invalid-request-body");
    // Never retried.
    expect(events.all.filter((e) => e.type === "response")).toHaveLength(1);
  });

  it("other 4xx (422) → bad_request, with a short excerpt when there is no reason", async () => {
    server.use(http.post(`${API}/tags/:id`, () => HttpResponse.text("nope", { status: 422 })));
    const { client } = makeClient();
    const error = await failure(client.updateTag("t", { name: "x" }));
    expect(error.kind).toBe("bad_request");
    expect(error.message).toBe('Common Room answered 422 to updateTag: "nope"');
  });

  it.each([401, 403])("%i → unauthorized", async (status) => {
    server.use(
      http.get(`${API}/api-token-status`, () =>
        HttpResponse.json({ status: "forbidden" }, { status }),
      ),
    );
    const { client, events } = makeClient();
    const error = await failure(client.getApiTokenStatus());
    expect(error.kind).toBe("unauthorized");
    expect(error.httpStatus).toBe(status);
    expect(error.message).toBe(`Common Room answered ${status} to getApiTokenStatus: forbidden`);
    expect(events.all.filter((e) => e.type === "response")).toHaveLength(1);
  });

  it("404 → not_found, naming what the path says", async () => {
    server.use(
      http.get(`${API}/tags/:id`, () => new HttpResponse(null, { status: 404 })),
      http.post(`${API}/source/:id/user`, () => HttpResponse.text("Not Found", { status: 404 })),
      http.get(`${API}/segments/:id/status`, () => new HttpResponse(null, { status: 404 })),
    );
    const { client } = makeClient();
    const tag = await failure(client.getTag("t1"));
    expect(tag.kind).toBe("not_found");
    expect(tag.message).toBe("Common Room answered 404 to getTag: Tag not found");
    expect(tag.details).toEqual({ method: "GET", path: "/tags/t1" });
    const source = await failure(client.addOrEditUser(5, { id: "u" }));
    expect(source.message).toBe(
      "Common Room answered 404 to addOrEditUser: Destination source not found",
    );
    const segment = await failure(client.getSegmentStatuses(9));
    expect(segment.message).toBe(
      "Common Room answered 404 to getSegmentStatuses: Segment not found",
    );
  });

  it("409 → conflict", async () => {
    server.use(
      http.post(`${API}/tags`, () => HttpResponse.json({ reason: "exists" }, { status: 409 })),
    );
    const { client } = makeClient();
    const error = await failure(client.createTag({ name: "x", entityTypes: ["member"] }));
    expect(error.kind).toBe("conflict");
    expect(error.message).toBe("Common Room answered 409 to createTag: exists");
  });

  it("5xx → retried, then upstream", async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/segments`, () => {
        calls += 1;
        return HttpResponse.text("bad gateway", { status: 502 });
      }),
    );
    const { client, events } = makeClient();
    const error = await failure(client.getSegments());
    expect(error.kind).toBe("upstream");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Common Room answered 502 to getSegments: server error");
    expect(calls).toBe(3);
    expect(events.all.filter((e) => e.type === "retry")).toEqual([
      {
        type: "retry",
        operation: "getSegments",
        attempt: 1,
        kind: "upstream",
        delayMs: 125,
        reason: expect.stringContaining("Common Room answered 50"),
      },
      {
        type: "retry",
        operation: "getSegments",
        attempt: 2,
        kind: "upstream",
        delayMs: 250,
        reason: expect.stringContaining("Common Room answered 50"),
      },
    ]);
  });

  it("a 5xx then a 200 succeeds", async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/segments`, () =>
        ++calls === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json([]),
      ),
    );
    const { client } = makeClient();
    await expect(client.getSegments()).resolves.toEqual([]);
    expect(calls).toBe(2);
  });
});

describe("network failures", () => {
  it("a connection error is retried, then network", async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/tags`, () => {
        calls += 1;
        return HttpResponse.error();
      }),
    );
    const { client, events } = makeClient();
    const error = await failure(client.listTags());
    expect(error.kind).toBe("network");
    expect(error.retryable).toBe(true);
    expect(error.operation).toBe("listTags");
    expect(error.message).toMatch(/^Common Room did not answer listTags: connection failed/);
    expect(calls).toBe(3);
    expect(events.all.filter((e) => e.type === "response").map((e) => e.httpStatus)).toEqual([
      "network",
      "network",
      "network",
    ]);
    expectNoToken(error);
  });

  it("a timeout is retried, then network", async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/segments`, async () => {
        calls += 1;
        await delay(1000);
        return HttpResponse.json([]);
      }),
    );
    const { client } = makeClient({ timeoutMs: 50 });
    const error = await failure(client.getSegments());
    expect(error.kind).toBe("network");
    expect(error.message).toBe("Common Room did not answer getSegments: timed out after 50 ms");
    expect(calls).toBe(3);
    expectNoToken(error);
  });
});

describe("the token never leaks", () => {
  it("not in errors of any kind, even when Common Room echoes it", async () => {
    server.use(
      http.post(`${API}/tags`, ({ request }) =>
        HttpResponse.json(
          { reason: `bad header ${request.headers.get("authorization")}` },
          { status: 400 },
        ),
      ),
      http.get(`${API}/tags/:id`, ({ request }) =>
        HttpResponse.text(`weird ${request.headers.get("authorization")}`),
      ),
      http.get(`${API}/tags`, () => HttpResponse.json({ reason: TOKEN }, { status: 401 })),
      http.get(`${API}/segments`, () => HttpResponse.json({ reason: TOKEN }, { status: 500 })),
      http.get(`${API}/activityTypes`, () => HttpResponse.json({ reason: TOKEN }, { status: 429 })),
    );
    const { client, events } = makeClient();
    const errors = [
      await failure(client.createTag({ name: "x", entityTypes: ["member"] })),
      await failure(client.getTag("t")),
      await failure(client.listTags()),
      await failure(client.getSegments()),
      await failure(client.getActivityTypes({ deadline: Date.now() })),
    ];
    expect(errors.map((e) => e.kind)).toEqual([
      "bad_request",
      "unexpected_response",
      "unauthorized",
      "upstream",
      "rate_limited",
    ]);
    errors.forEach(expectNoToken);
    expect(errors[0]!.message).toContain("[REDACTED]");
    expect(JSON.stringify(events.all)).not.toContain(TOKEN);
  });
});
