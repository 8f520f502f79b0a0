/**
 * Where the vendor's OpenAPI documents are looked for. They are Common Room's, not ours, so
 * they live beside the checkout (`../shared/specs`), never in it; VENDOR_SPECS_DIR points
 * elsewhere. No vitest here: vitest.config.ts reads this to report the suites it skips.
 */
import { existsSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");

/** The documents the spec suites read, by file name. */
export const VENDOR_SPEC_FILES = ["common-room-core-openapi.yml", "common-room-v2-openapi.yml"];

/** The suites that read them, for the skip report. */
export const VENDOR_SPEC_SUITES = [
  "test/dev/commonroom/spec-coverage.test.ts",
  "test/dev/commonroom/v2-spec-coverage.test.ts",
];

export function vendorSpecsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(repoRoot, env.VENDOR_SPECS_DIR || "../shared/specs");
}

export function vendorSpecPath(file: string): string {
  return path.join(vendorSpecsDir(), file);
}

export function missingVendorSpecs(): string[] {
  return VENDOR_SPEC_FILES.map(vendorSpecPath).filter((file) => !existsSync(file));
}

/** What to do about it, in one sentence, for the skip message and the failure alike. */
export function vendorSpecsRemedy(): string {
  return (
    `put Common Room's published OpenAPI documents (the Core v1 API and the v2 API, from its ` +
    `API documentation) in ${vendorSpecsDir()} as ${VENDOR_SPEC_FILES.join(" and ")}, ` +
    `or point VENDOR_SPECS_DIR at the folder that holds them`
  );
}
