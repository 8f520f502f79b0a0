/**
 * What the docs state about the code, held to the code: each figure is read from the
 * constant it describes, so the contradictions of issue 20 (a hashed email, "retried three
 * times", one response timeout for all, a resume cursor the rate-limit path does not give,
 * the Java versions, the sandbox's port, the count of task types, the `*_FILE` forms) cannot
 * come back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONDUCTOR_VERSION, CONDUCTOR_VERSION_JAVA17 } from "../../dev/conductor-oss/jar.js";
import { CONNECTED_APP_OPERATIONS } from "../../dev/docs/operations-reference.js";
import { DEFAULT_RETRY_POLICY } from "../../src/commonroom/retry.js";
import { BULK_CONCURRENCY } from "../../src/operations/bulk.js";
import { operations } from "../../src/operations/index.js";
import { DEFAULT_TASK_BUDGET_MS } from "../../src/worker/execute.js";
import { responseTimeoutFor, taskDefinitions } from "../../src/worker/task-defs.js";
import { ourPages, paragraphsOf, readPage, ROOT } from "./markdown.js";

const WORDS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
  "twenty",
  "twenty-one",
  "twenty-two",
  "twenty-three",
  "twenty-four",
  "twenty-five",
  "twenty-six",
  "twenty-seven",
  "twenty-eight",
  "twenty-nine",
  "thirty",
];
const NUMBER = `(\\d+|${WORDS.join("|")})`;
const valueOf = (text: string) =>
  /^\d+$/.test(text) ? Number(text) : WORDS.indexOf(text.toLowerCase());

/** Every paragraph of every page we write, with the page it is on. */
const paragraphs = ourPages().flatMap((page) => paragraphsOf(page).map((text) => ({ page, text })));
const mentioning = (pattern: RegExp) => paragraphs.filter(({ text }) => pattern.test(text));

describe("facts the docs state", () => {
  it("Anonymize Contact: the email is never logged, not even hashed", () => {
    const hashes = mentioning(/hash/i).filter(({ text }) => /anonymi[sz]e|email/i.test(text));
    expect(hashes.length).toBeGreaterThan(0);
    for (const { page, text } of hashes) expect(text, page).not.toMatch(/(as|by|with) a hash/i);
    for (const { page, text } of hashes) expect(text, page).toMatch(/not even hashed/);
  });

  it("5xx and network errors: the attempts in all, as the retry policy has them", () => {
    const { maxAttempts } = DEFAULT_RETRY_POLICY;
    expect(mentioning(/retried (\d+|[a-z]+) times/i)).toEqual([]);
    const stated = mentioning(/attempts in all/).map(({ text }) =>
      valueOf(new RegExp(`${NUMBER} attempts in all`).exec(text)?.[1] ?? ""),
    );
    expect(stated.length).toBeGreaterThan(0);
    for (const count of stated) expect(count).toBe(maxAttempts);
    expect(mentioning(new RegExp(`the first and ${WORDS[maxAttempts - 1]} retries`))).not.toEqual(
      [],
    );
  });

  it("responseTimeoutSeconds: per operation, as register sizes it", () => {
    const text = paragraphsOf("docs/deployment.md").join(" ");
    const match =
      /`responseTimeoutSeconds`: (\d+) for most operations, (\d+) for the lists that page \(`fetchAll`\) and (\d+) for the bulk writes/.exec(
        text,
      );
    expect(match, "docs/deployment.md states the response timeouts").not.toBeNull();
    const [most, lists, bulk] = match!.slice(1).map(Number);
    for (const op of operations) {
      const pages = "fetchAll" in op.input.shape;
      const expected = pages ? lists : op.task.startsWith("bulk_") ? bulk : most;
      expect(responseTimeoutFor(op), op.task).toBe(expected);
    }
    // No page may state one figure for all operations again.
    expect(mentioning(/responseTimeoutSeconds`? of \d+/)).toEqual([]);
  });

  it("the default attempt budget and the register retries", () => {
    const errors = paragraphsOf("docs/errors-and-retries.md").join(" ");
    expect(errors).toContain(`within its time budget (${DEFAULT_TASK_BUDGET_MS / 1000} s,`);
    const [def] = taskDefinitions(operations, { prefix: "common_room_" });
    expect(errors).toContain(
      `\`retryCount\` ${def!.retryCount} with exponential backoff from ${def!.retryDelaySeconds} s`,
    );
    expect(errors).toContain(`at most ${def!.maxRetryDelaySeconds} s`);
    expect(paragraphsOf("docs/deployment.md").join(" ")).toContain(
      `\`timeoutSeconds\` ${def!.timeoutSeconds}`,
    );
  });

  it("resumeCursor: promised only where the code gives it, a 5xx or network failure", () => {
    const paging = readFileSync(join(ROOT, "src/operations/paging.ts"), "utf8");
    const promises = mentioning(/resumeCursor/);
    if (promises.length > 0) expect(paging).toContain("resumeCursor");
    for (const { page, text } of promises) {
      expect(text, page).toMatch(/5xx or a network error/);
      expect(text, page).not.toMatch(/rate.limit[^.]*resumeCursor/i);
    }
  });

  it("bulk items run as many at a time as the code allows", () => {
    const stated = mentioning(/at a time/).filter(({ text }) => /bulk|item/i.test(text));
    expect(stated.length).toBeGreaterThan(0);
    for (const { page, text } of stated)
      expect(text, page).toContain(`${WORDS[BULK_CONCURRENCY]} at a time`);
  });

  it("counts of task types and task definitions match the operation list", () => {
    // Those always mean all of them (a page may well count "six operations" of a kind).
    // The changelog tells what was true when each entry was written.
    const allowed = new Set([operations.length, CONNECTED_APP_OPERATIONS]);
    const counts = mentioning(new RegExp(`\\b${NUMBER} (task types|task definitions)\\b`, "i"));
    for (const { page, text } of counts.filter(({ page }) => page !== "CHANGELOG.md")) {
      for (const found of text.matchAll(
        new RegExp(`\\b${NUMBER} (task types|task definitions)\\b`, "gi"),
      )) {
        expect(allowed, `${page}: "${found[0]}"`).toContain(valueOf(found[1]!));
      }
    }
  });

  it("no page states how many tests or test files there are, which goes stale with each one", () => {
    const counts = mentioning(/\b\d[\d,]* (tests|test files|files)\b/).filter(
      ({ page }) => page !== "CHANGELOG.md",
    );
    expect(counts.map(({ page, text }) => `${page}: ${text.slice(0, 80)}`)).toEqual([]);
  });

  it("Java: 21 or newer runs the pinned Conductor OSS, 17 falls back to the older line", () => {
    const contributing = paragraphsOf("CONTRIBUTING.md").join(" ");
    expect(contributing).toContain(`Java 21 or newer runs Conductor OSS ${CONDUCTOR_VERSION}`);
    expect(contributing).toContain(`Java 17 to 20 run ${CONDUCTOR_VERSION_JAVA17}`);
    for (const { page, text } of mentioning(/Java \d+/)) {
      for (const found of text.matchAll(/Java (\d+)/g))
        expect(["17", "20", "21"], page).toContain(found[1]);
    }
  });

  it("sandbox --keep: free ports, never a fixed 127.0.0.1:8080", () => {
    const keep = mentioning(/--keep/);
    expect(keep.length).toBeGreaterThan(0);
    for (const { page, text } of keep) {
      expect(text, page).not.toContain("127.0.0.1:8080");
      expect(text, page).toMatch(/free ports/);
    }
  });

  it("*_FILE forms: every variable read through readVariable has one, as the page says", () => {
    const config = readFileSync(join(ROOT, "src/config.ts"), "utf8");
    const viaReadVariable = new Set(
      [...config.matchAll(/Variable\(\s*env,\s*"([A-Z0-9_]+)"/g)].map((match) => match[1]!),
    );
    expect(viaReadVariable.size).toBeGreaterThan(10);
    const page = readPage("docs/configuration.md");
    expect(page).toMatch(/Each variable above except the `CONDUCTOR_WORKER_\*` settings/);
    const table = page.split("## Variables")[1]!.split("###")[0]!;
    const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)`(?:, `([A-Z0-9_]+)`)?/gm)].flatMap(
      (m) => [m[1], m[2]].filter((name): name is string => name !== undefined),
    );
    for (const name of documented.filter((n) => !n.startsWith("CONDUCTOR_WORKER_"))) {
      expect(viaReadVariable, `${name} is said to have a *_FILE form`).toContain(name);
    }
  });
});
