import * as crypto from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { secretMatches } from "../../src/webhooks/secret.js";

/**
 * The webhook secret is compared with crypto.timingSafeEqual on equal-length digests, and
 * that comparison is what decides: forcing its answer forces the result.
 */
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const SECRET = "the-configured-webhook-secret";
const compare = vi.mocked(crypto.timingSafeEqual);

afterEach(() => {
  compare.mockClear();
});

describe("secretMatches", () => {
  it("accepts the secret and rejects a wrong, shorter, longer or missing one", () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    for (const given of [`${SECRET}x`, SECRET.slice(0, -1), "", SECRET.toUpperCase(), undefined])
      expect(secretMatches(given, SECRET), String(given)).toBe(false);
  });

  it("compares 32-byte digests of both sides with timingSafeEqual, whatever the lengths", () => {
    secretMatches("short", SECRET);
    secretMatches("x".repeat(10_000), SECRET);
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [a, b] of compare.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });

  it("timingSafeEqual decides: forced false rejects the right secret, forced true accepts a wrong one", () => {
    compare.mockReturnValueOnce(false);
    expect(secretMatches(SECRET, SECRET)).toBe(false);
    compare.mockReturnValueOnce(true);
    expect(secretMatches("wrong-secret", SECRET)).toBe(true);
  });
});
