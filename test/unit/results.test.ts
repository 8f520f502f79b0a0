import { z } from "zod";
import { describe, expect, it } from "vitest";
import { CommonRoomError, type CommonRoomErrorKind } from "../../src/commonroom/errors.js";
import { IntegrationError, InvalidInputError } from "../../src/operations/errors.js";
import { MAX_RATE_LIMIT_HANDBACKS, toTaskResult } from "../../src/worker/results.js";

const crError = (
  kind: CommonRoomErrorKind,
  extra: Partial<ConstructorParameters<typeof CommonRoomError>[0]> = {},
) =>
  new CommonRoomError({ kind, message: `Common Room said ${kind}`, operation: "getTag", ...extra });

describe("outcome → Conductor TaskResult (the one map)", () => {
  it("completes with the operation's output", () => {
    expect(toTaskResult({ ok: true, output: { id: "t1" } }).result).toEqual({
      status: "COMPLETED",
      outputData: { id: "t1" },
    });
  });

  it.each([
    ["unauthorized", "UNAUTHORIZED", "FAILED_WITH_TERMINAL_ERROR"],
    ["not_found", "NOT_FOUND", "FAILED_WITH_TERMINAL_ERROR"],
    ["bad_request", "BAD_REQUEST", "FAILED_WITH_TERMINAL_ERROR"],
    ["conflict", "CONFLICT", "FAILED_WITH_TERMINAL_ERROR"],
    ["unexpected_response", "UNEXPECTED_RESPONSE", "FAILED_WITH_TERMINAL_ERROR"],
    ["upstream", "UPSTREAM_ERROR", "FAILED"],
    ["network", "NETWORK_ERROR", "FAILED"],
    ["rate_limited", "RATE_LIMITED", "FAILED"],
  ] as const)("maps a Common Room %s error to %s (%s)", (kind, code, status) => {
    const { result, error } = toTaskResult({
      ok: false,
      error: crError(kind, { httpStatus: 418 }),
    });
    expect(result.status).toBe(status);
    expect(result.outputData.error).toEqual({
      code,
      message: `Common Room said ${kind}`,
      retryable: status === "FAILED",
      httpStatus: 418,
    });
    expect(result.reasonForIncompletion).toBe(`${code}: Common Room said ${kind}`);
    expect(error?.code).toBe(code);
  });

  it("turns input problems into a terminal INVALID_INPUT listing each field", () => {
    const parsed = z
      .object({ tagId: z.string(), user: z.object({ id: z.string() }) })
      .safeParse({ user: {} });
    if (parsed.success) throw new Error("expected a parse failure");
    const { result } = toTaskResult({ ok: false, error: InvalidInputError.fromZod(parsed.error) });
    expect(result.status).toBe("FAILED_WITH_TERMINAL_ERROR");
    const error = result.outputData.error as {
      code: string;
      details: { issues: { path: string }[] };
    };
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.details.issues.map((i) => i.path)).toEqual(["tagId", "user.id"]);
    expect(result.reasonForIncompletion).toMatch(
      /^INVALID_INPUT: Invalid input: tagId: .*; user\.id: /,
    );
  });

  it("maps integration problems to their own terminal codes", () => {
    for (const code of ["INTEGRATION_NOT_FOUND", "INTEGRATION_INACTIVE"] as const) {
      const { result } = toTaskResult({ ok: false, error: new IntegrationError(code, "nope") });
      expect(result).toMatchObject({
        status: "FAILED_WITH_TERMINAL_ERROR",
        reasonForIncompletion: `${code}: nope`,
      });
    }
  });

  it("hands a long rate-limit wait back to Conductor as IN_PROGRESS, and fails it after too many", () => {
    const waiting = toTaskResult(
      { ok: false, error: crError("rate_limited", { waitMs: 42_100 }) },
      { pollCount: 1 },
    );
    expect(waiting.outcome).toBe("waiting");
    expect(waiting.result).toMatchObject({ status: "IN_PROGRESS", callbackAfterSeconds: 43 });
    const tooOften = toTaskResult(
      { ok: false, error: crError("rate_limited", { waitMs: 100 }) },
      { pollCount: MAX_RATE_LIMIT_HANDBACKS + 1 },
    );
    expect(tooOften.result).toMatchObject({
      status: "FAILED",
      reasonForIncompletion: expect.stringMatching(/^RATE_LIMITED/),
    });
  });

  it("reports a worker bug as a retryable INTERNAL_ERROR and keeps the reason within 500 characters", () => {
    const { result, outcome } = toTaskResult({ ok: false, error: new TypeError("x".repeat(2000)) });
    expect(outcome).toBe("internal_error");
    expect(result.status).toBe("FAILED");
    expect(result.reasonForIncompletion?.length).toBe(500);
  });
});
