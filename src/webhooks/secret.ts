import { createHash, timingSafeEqual } from "node:crypto";

/** The header Common Room puts the webhook's shared secret in. */
export const SECRET_HEADER = "x-commonroom-webhook-secret";

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * Whether the secret a delivery carried is the configured one, compared in constant time.
 * Both sides are hashed first: timingSafeEqual needs equal lengths, and comparing digests
 * keeps the time independent of where the two differ and of the given secret's length.
 */
export function secretMatches(given: string | undefined, expected: string): boolean {
  const same = timingSafeEqual(digest(given ?? ""), digest(expected));
  return same && given !== undefined;
}
