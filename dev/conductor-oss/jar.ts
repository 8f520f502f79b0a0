/**
 * Where the genuine Conductor OSS server comes from: Maven Central's runnable `boot` jar,
 * fetched once into the local Maven cache (~/.m2) and reused, and a Java that can run it.
 * v3.22 and later need Java 21+; v3.21.x still runs on Java 17 (conductor-protocol.md §2.16).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The newest 3.32.x that Maven Central serves (checked 2026-12-01). */
export const CONDUCTOR_VERSION = "3.32.3";
/** The newest 3.21.x, for machines with no Java 21 or newer. */
export const CONDUCTOR_VERSION_JAVA17 = "3.21.14";
/** Named because the installed Maven's default dependency plugin (2.8) is too old. */
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

export interface ConductorJar {
  version: string;
  jarPath: string;
  javaPath: string;
  javaMajor: number;
}

/** The major version `java -version` reports, or undefined when it does not run. */
function javaMajorOf(javaPath: string): number | undefined {
  const result = spawnSync(javaPath, ["-version"], { encoding: "utf8" });
  if (result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

/** Every java under /usr/lib/jvm (and JAVA_HOME, and the one on PATH), newest first. */
export function findJavas(): { javaPath: string; major: number }[] {
  const candidates = new Set<string>();
  if (process.env.JAVA_HOME) candidates.add(join(process.env.JAVA_HOME, "bin", "java"));
  const jvmDir = "/usr/lib/jvm";
  if (existsSync(jvmDir)) {
    for (const name of readdirSync(jvmDir)) candidates.add(join(jvmDir, name, "bin", "java"));
  }
  candidates.add("java");
  const found: { javaPath: string; major: number }[] = [];
  for (const javaPath of candidates) {
    if (javaPath !== "java" && !existsSync(javaPath)) continue;
    const major = javaMajorOf(javaPath);
    if (major !== undefined) found.push({ javaPath, major });
  }
  return found.sort((a, b) => b.major - a.major);
}

function jarPathOf(version: string): string {
  const repository = process.env.MAVEN_REPOSITORY ?? join(homedir(), ".m2", "repository");
  return join(
    repository,
    "org",
    "conductoross",
    "conductor-server",
    version,
    `conductor-server-${version}-boot.jar`,
  );
}

/**
 * The jar and the Java to run it with, fetching the jar with Maven when the cache lacks it.
 * Throws with the reason (no Java, Maven missing or refused) so callers can say why they skip.
 */
export function ensureConductorJar(log: (line: string) => void = () => {}): ConductorJar {
  const javas = findJavas();
  const newest = javas[0];
  if (!newest) throw new Error("no Java found (looked under /usr/lib/jvm, JAVA_HOME and PATH)");
  const version = newest.major >= 21 ? CONDUCTOR_VERSION : CONDUCTOR_VERSION_JAVA17;
  if (newest.major < 17) throw new Error(`Java ${newest.major} is too old for Conductor OSS`);
  const jarPath = jarPathOf(version);
  if (!existsSync(jarPath)) {
    log(`Fetching org.conductoross:conductor-server:${version}:jar:boot with Maven (once)…`);
    try {
      execFileSync(
        "mvn",
        [
          "-B",
          "-q",
          `${DEPENDENCY_PLUGIN}:get`,
          `-Dartifact=org.conductoross:conductor-server:${version}:jar:boot`,
          "-Dtransitive=false",
        ],
        { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
      );
    } catch (error) {
      const output = (error as { stdout?: string; stderr?: string }).stdout ?? "";
      throw new Error(
        `mvn could not fetch conductor-server ${version}: ${(error as Error).message}\n${output.slice(-2000)}`,
      );
    }
    if (!existsSync(jarPath)) throw new Error(`mvn finished but ${jarPath} is missing`);
  }
  return { version, jarPath, javaPath: newest.javaPath, javaMajor: newest.major };
}
