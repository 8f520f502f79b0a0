/**
 * The vendor's OpenAPI documents, read from `../shared/specs` beside the repo (or
 * VENDOR_SPECS_DIR). Without them a spec suite cannot check anything: it is skipped with a
 * message naming where they go, and vitest.config.ts repeats that at the end of the run,
 * unless REQUIRE_ALL_SUITES=1 (which .ci/run sets) makes it a failure naming the missing file.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "vitest";
import { parse } from "yaml";
import { allSuitesDemanded, DEMAND_VARIABLE } from "../suite-skips.js";
import { vendorSpecsRemedy } from "./vendor-spec-files.js";

export { vendorSpecPath } from "./vendor-spec-files.js";

/** The parsed document, or an empty object when the file is missing. */
export function readVendorSpec(specPath: string): unknown {
  return existsSync(specPath) ? parse(readFileSync(specPath, "utf8")) : {};
}

/** `describe(title, body)` when the spec is there; a loud skip, or a failure when demanded. */
export function describeAgainstSpec(specPath: string, title: string, body: () => void): void {
  if (existsSync(specPath)) {
    describe(title, body);
  } else if (allSuitesDemanded()) {
    describe(title, () => {
      it("finds the vendor spec", () => {
        throw new Error(
          `the vendor spec is missing: ${specPath} (${DEMAND_VARIABLE}=1 does not skip spec suites); ${vendorSpecsRemedy()}`,
        );
      });
    });
  } else {
    console.warn(`SKIPPED ${title}: the vendor spec is not at ${specPath}; ${vendorSpecsRemedy()}`);
    describe.skip(`${title} (skipped: the vendor spec is missing)`, body);
  }
}
