/**
 * Every relative link in README.md, CONTRIBUTING.md, CHANGELOG.md and docs/ resolves: the
 * file exists, and an anchor names a heading of the page it points into.
 */
import { existsSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { anchorsOf, docsPages, linksOf, ourPages, readPage, ROOT } from "./markdown.js";

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

describe.each(ourPages())("%s", (page) => {
  it("has only relative links that resolve, anchors included", () => {
    const broken: string[] = [];
    for (const href of linksOf(page)) {
      if (EXTERNAL.test(href)) continue;
      const [path = "", anchor] = href.split("#");
      const target =
        path === "" ? page : relative(ROOT, normalize(join(ROOT, dirname(page), path)));
      if (!existsSync(join(ROOT, target))) {
        broken.push(`${href}: no file ${target}`);
        continue;
      }
      if (anchor !== undefined && target.endsWith(".md") && !anchorsOf(target).has(anchor)) {
        broken.push(`${href}: ${target} has no heading with the anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the docs pages", () => {
  it("are each linked from README.md", () => {
    const linked = new Set(linksOf("README.md").map((href) => href.split("#")[0]));
    expect(docsPages().filter((page) => !linked.has(page))).toEqual([]);
  });

  it("each say first, under the title, whom they are for", () => {
    for (const page of docsPages()) {
      const [title, first] = readPage(page).split(/\n\s*\n/);
      expect(title, page).toMatch(/^# /);
      expect(first, page).toMatch(/^For /);
    }
  });
});

describe("README.md", () => {
  const lines = readPage("README.md").split("\n");

  it("is at most 200 lines", () => {
    expect(lines.length).toBeLessThanOrEqual(200);
  });

  it("has the production steps, token to start, within its first 80 lines", () => {
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line)) + 1;
    const heading = at(/^## Run it on your cluster/);
    const start = at(/^5\. \*\*Start\.\*\* `npm start`/);
    expect(heading).toBeGreaterThan(0);
    expect(start).toBeGreaterThan(heading);
    expect(start).toBeLessThanOrEqual(80);
  });
});
