/**
 * The v2 data a simulator starts with: generated, deterministic contacts and activities,
 * enough of them that every list takes several pages.
 *
 * Facts the tests rely on:
 * - 230 contacts `c_1`..`c_230`; `c_<n>` is in segment 201 (`s_201`) when n % 10 === 1
 *   and in segment 202 (`s_202`) when n % 7 === 0.
 * - Contacts with n % 4 !== 0 belong to organization `o_<((n - 1) % 12) + 1>`.
 * - Contacts with n % 3 !== 0 have a primaryEmail.
 * - 520 activities `a_1`..`a_520`, all in 2024, 13 hours apart from
 *   2024-01-01T00:00:00Z onwards (id order is not time order); contacts `c_221`..`c_230`
 *   have none.
 * - 12 organizations `o_1`..`o_12` (Acme, Globex, ...), primary domain
 *   `<name without spaces, lower case>.example.com` (`acme.example.com`).
 * - 300 website visits `w_1`..`w_300`, 7 hours apart from 2024-01-01T00:00:00Z onwards;
 *   `w_<n>` is by contact `c_<n % 40 + 1>` (and of that contact's organization, if any) when
 *   n % 3 === 0, anonymous from organization `o_<n % 12 + 1>` when n % 3 === 1, and from
 *   neither when n % 3 === 2.
 */
import type {
  StoredContact,
  StoredContactActivity,
  StoredOrganization,
  StoredWebsiteVisit,
} from "./types.js";
import { DEFAULT_ACTIVITY_TYPES } from "./seed.js";

export const DEFAULT_CONTACT_COUNT = 230;
export const DEFAULT_CONTACT_ACTIVITY_COUNT = 520;
export const DEFAULT_WEBSITE_VISIT_COUNT = 300;
/** Contacts c_1..c_<this> have activities. */
const CONTACTS_WITH_ACTIVITY = 220;
const ACTIVITY_EPOCH = Date.UTC(2024, 0, 1);
const ACTIVITY_STEP_MS = 13 * 3_600_000;

const FIRST = ["Ada", "Grace", "Alan", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances"];
const LAST = ["Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Thompson", "Hamilton"];
const TITLES = ["Engineer", "Developer Advocate", "CTO", "Product Manager", "Data Scientist"];
const PLACES: { city: string; region: string; country: string }[] = [
  { city: "Seattle", region: "Washington", country: "United States" },
  { city: "Berlin", region: "Berlin", country: "Germany" },
  { city: "Toronto", region: "Ontario", country: "Canada" },
];
const LANGUAGES = ["Python", "TypeScript", "Go", "Rust"];

/** The organizations contacts belong to: `o_1`..`o_12`. */
export const DEFAULT_ORGANIZATIONS: { id: string; name: string; website: string }[] = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Stark Industries",
  "Wayne Enterprises",
  "Cyberdyne",
  "Soylent",
  "Tyrell",
  "Wonka",
  "Vandelay",
].map((name, index) => ({
  id: `o_${index + 1}`,
  name,
  website: `https://${name.toLowerCase().replace(/\s+/g, "")}.example.com`,
}));

export function defaultContacts(): StoredContact[] {
  const contacts: StoredContact[] = [];
  for (let n = 1; n <= DEFAULT_CONTACT_COUNT; n += 1) {
    const first = FIRST[n % FIRST.length] as string;
    const last = LAST[(n * 3) % LAST.length] as string;
    const name = `${first} ${last}`;
    const org = n % 4 !== 0 ? DEFAULT_ORGANIZATIONS[(n - 1) % DEFAULT_ORGANIZATIONS.length] : null;
    const segmentIds: number[] = [];
    if (n % 10 === 1) segmentIds.push(201);
    if (n % 7 === 0) segmentIds.push(202);
    const tags: string[] = [];
    if (n % 5 === 0) tags.push("l_1");
    if (n % 15 === 0) tags.push("l_3");
    const customFields: StoredContact["customFields"] = {};
    if (n % 2 === 0)
      customFields.cf_101 = { type: "string", value: LANGUAGES[n % LANGUAGES.length] as string };
    if (n % 3 === 0) customFields.cf_105 = { type: "int", value: (n * 7) % 50 };
    const score = (n * 37) % 100;
    contacts.push({
      id: `c_${n}`,
      name,
      fullName: n % 10 === 0 ? null : name,
      avatarUrl: n % 6 === 0 ? `https://avatars.example.com/${n}.png` : null,
      primaryEmail: n % 3 !== 0 ? `${first}.${last}.${n}@example.com`.toLowerCase() : null,
      title: org ? (TITLES[n % TITLES.length] as string) : null,
      companyName: org ? org.name : null,
      companyWebsite: org ? org.website : null,
      organizationId: org ? org.id : null,
      location: n % 2 === 1 ? { ...(PLACES[n % PLACES.length] as (typeof PLACES)[number]) } : null,
      segmentIds,
      tags,
      customFields,
      leadScores: [{ scoreId: 1, score, percentile: score }],
      url: `https://app.commonroom.io/community/uncommon/member/${n}`,
    });
  }
  return contacts;
}

export function defaultContactActivities(): StoredContactActivity[] {
  const activities: StoredContactActivity[] = [];
  const types = DEFAULT_ACTIVITY_TYPES.map((t) => t.id);
  for (let i = 1; i <= DEFAULT_CONTACT_ACTIVITY_COUNT; i += 1) {
    // 97 is coprime with 520, so the slots are a permutation: distinct times, shuffled ids.
    const slot = (i * 97) % DEFAULT_CONTACT_ACTIVITY_COUNT;
    const contact = ((i * 13) % CONTACTS_WITH_ACTIVITY) + 1;
    activities.push({
      id: `a_${i}`,
      type: types[i % types.length] as string,
      activityTime: new Date(ACTIVITY_EPOCH + slot * ACTIVITY_STEP_MS).toISOString(),
      contactId: `c_${contact}`,
      content: i % 4 === 0 ? null : `Activity ${i} by contact ${contact}`,
      isUserInitiated: i % 5 !== 0,
      participantCount: (i % 4) + 1,
      providerId: `sig_${(i % 3) + 1}`,
      providerName: ["Slack", "GitHub", "Discourse"][i % 3] as string,
      replyCount: i % 6,
      sentiment: i % 7 === 0 ? null : (["positive", "neutral", "negative"][i % 3] as string),
      subSourceNames: i % 2 === 0 ? ["#general"] : [],
      url: `https://community.example.com/activity/${i}`,
    });
  }
  return activities;
}

const INDUSTRIES = ["Developer Tools", "Data Infrastructure", "Security", "Fintech"];
const PAGES = ["/", "/pricing", "/docs/getting-started", "/blog/launch", "/customers"];
const VISIT_STEP_MS = 7 * 3_600_000;

export function defaultOrganizations(): StoredOrganization[] {
  return DEFAULT_ORGANIZATIONS.map(({ id, name, website }, index): StoredOrganization => {
    const n = index + 1;
    const slug = name.toLowerCase().replace(/\s+/g, "");
    return {
      id,
      name,
      primaryDomain: new URL(website).hostname,
      about: n % 5 === 0 ? null : `${name} makes things people need.`,
      employees: n % 4 === 0 ? null : n * 150,
      linkedInUrl: `https://www.linkedin.com/company/${slug}`,
      profiles: [{ name, type: "linkedin", url: `https://www.linkedin.com/company/${slug}` }],
      revenueRangeMin: n % 3 === 0 ? null : n * 1_000_000,
      revenueRangeMax: n % 3 === 0 ? null : n * 5_000_000,
      subIndustry: INDUSTRIES[n % INDUSTRIES.length] as string,
      location: n % 2 === 0 ? { ...(PLACES[n % PLACES.length] as (typeof PLACES)[number]) } : null,
      tags: n % 4 === 1 ? ["l_2"] : [],
      customFields: n % 2 === 1 ? { cf_101: { type: "string", value: "Enterprise" } } : {},
      leadScores: [{ scoreId: 1, score: (n * 29) % 100, percentile: (n * 29) % 100 }],
      url: `https://app.commonroom.io/community/uncommon/organization/${n}`,
    };
  });
}

export function defaultWebsiteVisits(): StoredWebsiteVisit[] {
  const contacts = new Map(defaultContacts().map((c) => [c.id, c]));
  const visits: StoredWebsiteVisit[] = [];
  for (let n = 1; n <= DEFAULT_WEBSITE_VISIT_COUNT; n += 1) {
    const contactId = n % 3 === 0 ? `c_${(n % 40) + 1}` : null;
    const organizationId =
      contactId !== null
        ? (contacts.get(contactId)?.organizationId ?? null)
        : n % 3 === 1
          ? `o_${(n % 12) + 1}`
          : null;
    visits.push({
      id: `w_${n}`,
      visitTime: new Date(ACTIVITY_EPOCH + n * VISIT_STEP_MS).toISOString(),
      url: `https://www.uncommon.example.com${PAGES[n % PAGES.length] as string}`,
      contactId,
      organizationId,
    });
  }
  return visits;
}
