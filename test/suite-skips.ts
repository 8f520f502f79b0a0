/**
 * Which suites a run leaves out, and why, said at the end of `npm test` where nobody can
 * miss it. A clone anywhere (a fork's CI included, which sets CI=true) passes without Java,
 * Redis or the vendor specs, and says what it did not run; REQUIRE_ALL_SUITES=1, which
 * .ci/run sets, makes each of those a failure instead of a skip.
 */
import { Socket } from "node:net";
import type { Reporter, TestModule } from "vitest/node";

export const DEMAND_VARIABLE = "REQUIRE_ALL_SUITES";

export function allSuitesDemanded(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[DEMAND_VARIABLE] === "1";
}

export interface Skip {
  /** The vitest projects or test files left out. */
  suites: string[];
  reason: string;
  remedy: string;
  /** Only reported when one of these files was part of the run (a file-level skip). */
  onlyWhenRun?: string[];
}

/** Says each skip after vitest's own summary. */
export class SkippedSuitesReporter implements Reporter {
  constructor(private readonly skips: readonly Skip[]) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const ran = testModules.map((module) => module.moduleId);
    const shown = this.skips.filter(
      (skip) =>
        !skip.onlyWhenRun || skip.onlyWhenRun.some((file) => ran.some((id) => id.endsWith(file))),
    );
    if (shown.length === 0) return;
    const lines = [
      "",
      `SKIPPED SUITES (${DEMAND_VARIABLE}=1 turns each of these into a failure):`,
      ...shown.map(
        (skip) =>
          `  - ${skip.suites.join(", ")}: ${skip.reason}.\n    To run them: ${skip.remedy}.`,
      ),
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    // On a fork's GitHub Actions run, each skip is also a warning on the run's page.
    if (process.env.GITHUB_ACTIONS === "true") {
      for (const skip of shown) {
        process.stdout.write(
          `::warning title=Skipped suites::${skip.suites.join(", ")}: ${skip.reason}\n`,
        );
      }
    }
  }
}

/** True when a Redis server answers PING at host:port within a second. */
export function redisAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
    socket.connect(port, host, () => socket.write("PING\r\n"));
  });
}
