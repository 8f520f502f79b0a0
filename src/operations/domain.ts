/**
 * A domain as Common Room's `primaryDomain` holds it (`acme.com`), from what workflows have
 * at hand: a webhook's `organization.domain`, a website URL, a visited page, even an email.
 * Scheme, user, `www.`, port, path, query and case are stripped, so an exact match works.
 */
import { z } from "zod";

const MESSAGE = "must be a domain or a URL with one, e.g. acme.com or https://www.acme.com/pricing";
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The bare, lower-case domain of `raw`; undefined when there is none. */
export function normalizeDomain(raw: string): string | undefined {
  const text = raw.trim();
  if (text === "") return undefined;
  let host: string;
  try {
    // An email's domain is after its @: as a URL, the part before it is the user.
    host = new URL(HAS_SCHEME.test(text) ? text : `http://${text}`).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/\.$/, "").replace(/^www\./, "");
  // An IP address is a host but never an organization's domain.
  if (/^[\d.]+$/.test(host) || host.startsWith("[")) return undefined;
  return HOSTNAME.test(host) && /[a-z]/.test(host.slice(host.lastIndexOf(".") + 1))
    ? host
    : undefined;
}

/** A task input that becomes the normalized domain, or INVALID_INPUT naming the field. */
export const DomainInput = z
  .string({ required_error: "required", invalid_type_error: "must be a string" })
  .max(2000, "must be at most 2000 characters")
  .transform((raw, ctx) => {
    const domain = normalizeDomain(raw);
    if (domain === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: MESSAGE });
      return z.NEVER;
    }
    return domain;
  });
