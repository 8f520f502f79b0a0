/** Debian's prometheus package: the prometheus server and promtool, when installed. */
import { spawnSync } from "node:child_process";

export function installed(binary: "prometheus" | "promtool"): boolean {
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return !probe.error && probe.status === 0;
}

/** Said once per file when the binaries are missing: never a silent skip. */
export function skippedLoudly(what: string): void {
  console.warn(
    `SKIPPED: ${what}: the prometheus package (prometheus, promtool) is not installed. ` +
      "Install it with `apt-get install --no-install-recommends prometheus`; .ci/run does.",
  );
}
