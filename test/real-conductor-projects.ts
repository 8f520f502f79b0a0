import { findJavas } from "../dev/conductor-oss/jar.js";
import { allSuitesDemanded, DEMAND_VARIABLE, redisAnswers, type Skip } from "./suite-skips.js";

/**
 * The vitest projects that run the end-to-end suite against the genuine Conductor OSS jar.
 * They run after the `dev` project (groupOrder), one file at a time against one shared
 * server. With REQUIRE_ALL_SUITES=1 (.ci/run) they always run, and fail if the server cannot
 * start; elsewhere they run when a Java 17+ is installed (and `oss-redis` when a Redis answers
 * on 127.0.0.1:6379), and each one left out is recorded in `skips` for the end of the run.
 * E2E_REAL_CONDUCTOR=off leaves them out on purpose (also recorded).
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

const JAVA_REMEDY =
  "install a JDK 21 or newer (Debian: apt-get install openjdk-21-jdk-headless) and Maven; the first run fetches the server jar into ~/.m2 (about 450 MB)";
const REDIS = { host: "127.0.0.1", port: 6379 };

export async function realConductorProjects<T extends object>(
  shared: T & { env: object },
  skips: Skip[],
) {
  const setting = process.env.E2E_REAL_CONDUCTOR ?? "redis,sqlite";
  if (setting === "off") {
    skips.push({
      suites: ["oss-redis", "oss-sqlite (the genuine Conductor OSS server)"],
      reason: "E2E_REAL_CONDUCTOR=off leaves them out",
      remedy: "leave E2E_REAL_CONDUCTOR unset",
    });
    return [];
  }
  const entries = setting.split(",").map((entry) => entry.trim());
  const demanded = allSuitesDemanded();
  if (!demanded && !findJavas().some((java) => java.major >= 17)) {
    skips.push({
      suites: entries.map((entry) => `oss-${entry.replace("-full", "")}`),
      reason: "no Java 17 or newer found (looked under /usr/lib/jvm, JAVA_HOME and PATH)",
      remedy: JAVA_REMEDY,
    });
    return [];
  }
  const wanted: string[] = [];
  for (const entry of entries) {
    const redisMissing =
      entry.startsWith("redis") &&
      !demanded &&
      !process.env.E2E_CONDUCTOR_URL &&
      !(await redisAnswers(REDIS.host, REDIS.port));
    if (redisMissing) {
      skips.push({
        suites: ["oss-redis"],
        reason: `no Redis answered PING on ${REDIS.host}:${REDIS.port}`,
        remedy: `start a Redis 6 or newer there (Debian: apt-get install redis-server), or set ${DEMAND_VARIABLE}=1 to fail instead`,
      });
    } else wanted.push(entry);
  }
  return wanted.map((entry, index) => {
    const flavour = entry.replace("-full", "");
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
