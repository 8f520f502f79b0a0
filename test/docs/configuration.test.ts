/**
 * docs/configuration.md and .env.example describe the same variables, with the same
 * defaults, so an operator copying either gets the same picture.
 */
import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { readPage } from "./markdown.js";

const envExample = readPage(".env.example");
const page = readPage("docs/configuration.md");

/** `NAME=value` lines of .env.example, commented out or not. */
const assignments = [...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=(\S*)/gm)].map((m) => ({
  name: m[1]!,
  value: m[2]!,
}));

/** The rows of the Variables table: each variable named in its first cell, and its default. */
const rows = (page.split("## Variables")[1] ?? "")
  .split("\n###")[0]!
  .split("\n")
  .filter((line) => line.startsWith("| `"))
  .map((line) => {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    return {
      names: [...cells[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!),
      default: cells[3]!,
    };
  });

describe("docs/configuration.md and .env.example", () => {
  it("are both read", () => {
    expect(assignments.length).toBeGreaterThan(20);
    expect(rows.length).toBeGreaterThan(20);
  });

  it("the page documents every variable .env.example sets or shows", () => {
    const missing = assignments.map((a) => a.name).filter((name) => !page.includes(`\`${name}`));
    expect(missing).toEqual([]);
  });

  it(".env.example shows every variable of the page's table", () => {
    const shown = new Set(assignments.map((a) => a.name));
    const missing = rows.flatMap((row) => row.names).filter((name) => !shown.has(name));
    expect(missing).toEqual([]);
  });

  it("give the same numeric defaults", () => {
    for (const { name, value } of assignments.filter((a) => /^\d+$/.test(a.value))) {
      const row = rows.find((r) => r.names.includes(name));
      if (!row) continue; // a per-task-type example; the previous test covers the name
      expect(row.default.replace(/`/g, ""), name).toContain(value);
    }
  });
});

describe("the README's variables that matter", () => {
  it("are each in the configuration page's table, with the same default", () => {
    const readme = readPage("README.md")
      .split("## The variables that matter")[1]!
      .split("\n## ")[0]!;
    const readmeRows = readme
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    expect(readmeRows.length).toBeGreaterThan(5);
    for (const cells of readmeRows) {
      const name = /`([A-Z0-9_]+)`/.exec(cells[1]!)![1]!;
      const row = rows.find((r) => r.names.includes(name));
      expect(row, `${name} is not in docs/configuration.md's table`).toBeDefined();
      const figure = /\d+|`[^`]+`/.exec(cells[3]!)?.[0];
      if (figure) expect(row!.default, name).toContain(figure);
    }
  });
});

describe("the README's .env sample", () => {
  it("reads, with dotenv itself, as documented variables, each on its own", () => {
    const steps = readPage("README.md").split("## Run it on your cluster")[1]!;
    const sample = /\*\*`\.env`\.\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(steps)?.[1];
    expect(sample, "README.md's step 2 has a sh block").toBeDefined();
    const values = parse(sample!.replace(/^ {3}/gm, ""));
    const documented = new Set(rows.flatMap((row) => row.names));
    expect(Object.keys(values).filter((name) => !documented.has(name))).toEqual([]);
    expect(values).toMatchObject({ CONDUCTOR_AUTH_KEY: "", CONDUCTOR_AUTH_SECRET: "" });
    expect(Object.keys(values)).toContain("COMMON_ROOM_API_TOKEN");
  });
});
