import { defineConfig } from "vitest/config";
import { realConductorProjects } from "./test/real-conductor-projects.js";

const shared = {
  // Servers on loopback and real timers: each file gets its own process.
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 30_000,
  // The SDK reads CONDUCTOR_* from the environment before its own options.
  env: { CONDUCTOR_SERVER_URL: "", CONDUCTOR_AUTH_KEY: "", CONDUCTOR_AUTH_SECRET: "" },
};

export default defineConfig({
  test: {
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
      ...realConductorProjects(shared),
    ],
  },
});
