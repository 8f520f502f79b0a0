/**
 * Orkes-style key auth: POST /api/token trades keyId/keySecret for a token that every other
 * call carries in `X-Authorization`. 401 bodies carry `error` INVALID_TOKEN / EXPIRED_TOKEN,
 * which is what makes the SDK fetch a new token and replay the request.
 */
import { randomUUID } from "node:crypto";
import { ConductorError } from "./errors.js";

export class TokenIssuer {
  private readonly valid = new Set<string>();
  private readonly expired = new Set<string>();

  constructor(private readonly credentials: { keyId: string; keySecret: string }) {}

  issue(body: unknown): string {
    const request = (typeof body === "object" && body !== null ? body : {}) as {
      keyId?: unknown;
      keySecret?: unknown;
    };
    if (
      request.keyId !== this.credentials.keyId ||
      request.keySecret !== this.credentials.keySecret
    ) {
      throw new ConductorError(401, "Invalid access key or secret", {
        error: "INVALID_CREDENTIALS",
      });
    }
    const token = `fake-jwt.${randomUUID()}`;
    this.valid.add(token);
    return token;
  }

  check(header: string | undefined): void {
    if (header && this.valid.has(header)) return;
    if (header && this.expired.has(header)) {
      throw new ConductorError(401, "Token has expired", { error: "EXPIRED_TOKEN" });
    }
    throw new ConductorError(401, header ? "Invalid token" : "Missing X-Authorization header", {
      error: "INVALID_TOKEN",
    });
  }

  /** Every issued token becomes expired: the next call answers 401 EXPIRED_TOKEN. */
  expireAll(): void {
    for (const token of this.valid) this.expired.add(token);
    this.valid.clear();
  }
}
