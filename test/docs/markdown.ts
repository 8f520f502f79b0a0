/**
 * The project's own Markdown, read as GitHub renders it: its pages, their links and their
 * heading anchors (marked's lexer for the structure, github-slugger for the anchors).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import GithubSlugger from "github-slugger";
import { marked, type Token } from "marked";
import { packageRoot } from "../../src/package-root.js";

export const ROOT = packageRoot();

/** Every page we write: the front page, the contributor pages and docs/. */
export function ourPages(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", ...docs].filter((page) =>
    existsSync(join(ROOT, page)),
  );
}

export function docsPages(): string[] {
  return ourPages().filter((page) => page.startsWith("docs/"));
}

export function readPage(page: string): string {
  return readFileSync(join(ROOT, page), "utf8");
}

/** Every token of the page, depth first, tables and lists included. */
function* walk(tokens: Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    const t = token as Token & {
      tokens?: Token[];
      items?: Token[];
      header?: { tokens: Token[] }[];
      rows?: { tokens: Token[] }[][];
    };
    if (t.tokens) yield* walk(t.tokens);
    if (t.items) yield* walk(t.items);
    for (const cell of t.header ?? []) yield* walk(cell.tokens);
    for (const row of t.rows ?? []) for (const cell of row) yield* walk(cell.tokens);
  }
}

function tokensOf(page: string): Token[] {
  return [...walk(marked.lexer(readPage(page)))];
}

/** The href of every link on the page. */
export function linksOf(page: string): string[] {
  return tokensOf(page)
    .filter((token) => token.type === "link")
    .map((token) => (token as { href: string }).href);
}

/** The anchors GitHub gives the page's headings, duplicates numbered as it does. */
export function anchorsOf(page: string): Set<string> {
  const slugger = new GithubSlugger();
  return new Set(
    tokensOf(page)
      .filter((token) => token.type === "heading")
      .map((token) => slugger.slug((token as { text: string }).text.replace(/`/g, ""))),
  );
}

/** The page's text as paragraphs and list items, one line each, for the facts it states. */
export function paragraphsOf(page: string): string[] {
  return readPage(page)
    .split(/\n\s*\n|\n(?=\s*(?:[-*]|\d+\.) )/)
    .map((block) => block.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}
