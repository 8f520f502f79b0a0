/**
 * The vendor's OpenAPI documents, read from `../shared/specs` beside the repo. Without them
 * a spec suite cannot check anything: in CI that is a failure naming the missing file, so a
 * broken checkout never passes by skipping; elsewhere the suite is skipped and says why.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "vitest";
import { parse } from "yaml";

const repoRoot = path.resolve(import.meta.dirname, "../..");

export function vendorSpecPath(file: string): string {
  return path.resolve(repoRoot, "../shared/specs", file);
}

/** The parsed document, or an empty object when the file is missing. */
export function readVendorSpec(specPath: string): unknown {
  return existsSync(specPath) ? parse(readFileSync(specPath, "utf8")) : {};
}

/** `describe(title, body)` when the spec is there; a failure in CI, a named skip elsewhere. */
export function describeAgainstSpec(specPath: string, title: string, body: () => void): void {
  if (existsSync(specPath)) {
    describe(title, body);
  } else if (process.env.CI) {
    describe(title, () => {
      it("finds the vendor spec", () => {
        throw new Error(`the vendor spec is missing: ${specPath} (CI does not skip spec suites)`);
      });
    });
  } else {
    console.warn(`${title}: skipped, the vendor spec is not at ${specPath}`);
    describe.skip(`${title} (skipped: the vendor spec is missing)`, body);
  }
}
