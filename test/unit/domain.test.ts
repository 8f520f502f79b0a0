import { describe, expect, it } from "vitest";
import { DomainInput, normalizeDomain } from "../../src/operations/domain.js";

describe("normalizeDomain: what a webhook or a visit gives, as primaryDomain holds it", () => {
  it.each([
    ["acme.com", "acme.com"],
    ["  Acme.COM  ", "acme.com"],
    ["https://www.Acme.com:8443/pricing?x=1#top", "acme.com"],
    ["WWW.ACME.COM.", "acme.com"],
    ["acme.com/path/page.html", "acme.com"],
    ["http://user:secret@sub.acme.co.uk/", "sub.acme.co.uk"],
    ["ftp://files.acme.com", "files.acme.com"],
    ["ada@acme.com", "acme.com"],
    ["münchen.de", "xn--mnchen-3ya.de"],
  ])("%j → %s", (raw, domain) => {
    expect(normalizeDomain(raw)).toBe(domain);
  });

  it.each(["", "   ", "acme", "1.2.3.4", "http://[::1]/", "not a domain", "acme.123", "-acme.com"])(
    "%j is no domain",
    (raw) => {
      expect(normalizeDomain(raw)).toBeUndefined();
    },
  );

  it("as a task input, a miss is an issue naming what to give", () => {
    expect(DomainInput.parse("https://www.acme.com/x")).toBe("acme.com");
    const result = DomainInput.safeParse("localhost");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/must be a domain or a URL/);
    expect(DomainInput.safeParse(42).error?.issues[0]?.message).toBe("must be a string");
  });
});
