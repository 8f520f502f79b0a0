import { findJavas } from "../dev/conductor-oss/jar.js";

/**
 * The vitest projects that run the end-to-end suite against the genuine Conductor OSS jar.
 * They run after the `dev` project (groupOrder), one file at a time against one shared
 * server. In CI they always run (and fail if the server cannot start); elsewhere they run
 * when a Java 17+ is installed, and E2E_REAL_CONDUCTOR=off leaves them out.
 * E2E_REAL_CONDUCTOR lists the flavours (default `redis,sqlite`): `redis` runs every file;
 * `sqlite` only those whose answers depend on the store (batch-poll waiting, task logs, the
 * parity exchange); `sqlite-full` every file on SQLite too.
 */
export const REAL_CONDUCTOR_FILES = [
  "test/e2e/**/*.e2e.test.ts",
  "test/process/shutdown.test.ts",
  "test/process/drain-handback.test.ts",
  "test/process/crash-recovery.test.ts",
  "test/oss/**/*.test.ts",
];

/**
 * Where the SQL store answers differently from Redis: poll waiting, task logs, the
 * scheduler (its own DAO per store); and the account-level reads, which the issue that
 * added them asked to see pass on both stores.
 */
const STORE_SENSITIVE_FILES = [
  "test/oss/parity.test.ts",
  "test/oss/scheduler-parity.test.ts",
  "test/e2e/scheduled-trigger.e2e.test.ts",
  "test/e2e/accounts.e2e.test.ts",
  "test/e2e/task-logs.e2e.test.ts",
  "test/e2e/polling.e2e.test.ts",
  "test/e2e/examples.e2e.test.ts",
];

export function realConductorProjects<T extends object>(shared: T & { env: object }) {
  const setting = process.env.E2E_REAL_CONDUCTOR ?? "redis,sqlite";
  if (setting === "off") return [];
  if (!process.env.CI && !findJavas().some((java) => java.major >= 17)) {
    console.warn("No Java 17+ found: the real Conductor OSS suite is skipped (CI never skips).");
    return [];
  }
  return setting.split(",").map((entry, index) => {
    const flavour = entry.trim().replace("-full", "");
    const files =
      flavour === "sqlite" && !entry.includes("-full")
        ? STORE_SENSITIVE_FILES
        : REAL_CONDUCTOR_FILES;
    return {
      test: {
        ...shared,
        name: `oss-${flavour}`,
        include: files,
        globalSetup: ["test/global-setup.ts", "test/oss-setup.ts"],
        env: { ...shared.env, E2E_CONDUCTOR: `oss-${flavour}` },
        maxWorkers: 1,
        sequence: { groupOrder: index + 1 },
        // The JVM start is in globalSetup; a real server answers more slowly than the fake.
        testTimeout: 60_000,
        hookTimeout: 240_000,
      },
    };
  });
}
