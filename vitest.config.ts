import { defineConfig } from "vitest/config";
import { realConductorProjects } from "./test/real-conductor-projects.js";
import { allSuitesDemanded, SkippedSuitesReporter, type Skip } from "./test/suite-skips.js";
import {
  missingVendorSpecs,
  VENDOR_SPEC_SUITES,
  vendorSpecsRemedy,
} from "./test/support/vendor-spec-files.js";

const shared = {
  // Servers on loopback and real timers: each file gets its own process.
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 30_000,
  // The SDK reads CONDUCTOR_* from the environment before its own options.
  env: { CONDUCTOR_SERVER_URL: "", CONDUCTOR_AUTH_KEY: "", CONDUCTOR_AUTH_SECRET: "" },
};

export default defineConfig(async () => {
  // Every suite this run leaves out, said again after vitest's summary (test/suite-skips.ts).
  const skips: Skip[] = [];
  const missingSpecs = missingVendorSpecs();
  if (missingSpecs.length > 0 && !allSuitesDemanded()) {
    skips.push({
      suites: VENDOR_SPEC_SUITES,
      reason: `the vendor OpenAPI documents are missing (${missingSpecs.join(", ")})`,
      remedy: vendorSpecsRemedy(),
      onlyWhenRun: VENDOR_SPEC_SUITES,
    });
  }
  const ossProjects = await realConductorProjects(shared, skips);
  return {
    test: {
      // vitest's own defaults (github-actions there), with the skip report after them.
      reporters: [
        "default",
        ...(process.env.GITHUB_ACTIONS === "true" ? ["github-actions"] : []),
        new SkippedSuitesReporter(skips),
      ],
      projects: [
        {
          test: {
            ...shared,
            name: "dev",
            include: ["test/**/*.test.ts"],
            exclude: ["test/oss/**"],
            globalSetup: ["test/global-setup.ts"],
          },
        },
        ...ossProjects,
      ],
    },
  };
});
