/**
 * The parts of README.md and docs/ that the code is the source of, each between
 * `<!-- generated:NAME:start -->` and `<!-- generated:NAME:end -->`. `npm run docs` rewrites
 * them; test/docs/generated.test.ts fails when one is stale.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { renderMetricsTable } from "./metrics-table.js";
import { renderOperationsGlance, renderOperationsReference } from "./operations-reference.js";

export interface GeneratedBlock {
  /** Relative to the repository root. */
  file: string;
  name: string;
  render(): string;
}

export const GENERATED_BLOCKS: readonly GeneratedBlock[] = [
  { file: "README.md", name: "operations-at-a-glance", render: renderOperationsGlance },
  { file: "docs/operations.md", name: "operations-reference", render: renderOperationsReference },
  { file: "docs/observability.md", name: "metrics", render: renderMetricsTable },
];

const start = (name: string) => `<!-- generated:${name}:start -->`;
const end = (name: string) => `<!-- generated:${name}:end -->`;

/** What is between the markers today, or undefined when the file lacks them. */
export function currentBlock(text: string, name: string): string | undefined {
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from < 0 || to < from) return undefined;
  return text.slice(from + start(name).length, to).trim();
}

/** The text with the block between its markers replaced. */
export function withBlock(text: string, name: string, content: string): string {
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from < 0 || to < from) throw new Error(`no ${start(name)} … ${end(name)} markers`);
  return `${text.slice(0, from + start(name).length)}\n\n${content.trim()}\n\n${text.slice(to)}`;
}

export function readRepoFile(root: string, file: string): string {
  return readFileSync(join(root, file), "utf8");
}

/** The files that hold generated blocks. */
export function generatedFiles(): string[] {
  return [...new Set(GENERATED_BLOCKS.map((block) => block.file))];
}

/**
 * The file as `npm run docs` would leave it: every block rendered anew, then formatted by
 * prettier as the lint step expects (it pads tables).
 */
export async function regenerated(root: string, file: string): Promise<string> {
  let text = readRepoFile(root, file);
  for (const block of GENERATED_BLOCKS.filter((b) => b.file === file)) {
    text = withBlock(text, block.name, block.render());
  }
  const filepath = join(root, file);
  const options = (await resolveConfig(filepath)) ?? {};
  return format(text, { ...options, filepath });
}
