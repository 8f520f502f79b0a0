import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Servers on loopback and real timers: each file gets its own process.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The SDK reads CONDUCTOR_* from the environment before its own options.
    env: { CONDUCTOR_SERVER_URL: "", CONDUCTOR_AUTH_KEY: "", CONDUCTOR_AUTH_SECRET: "" },
  },
});
