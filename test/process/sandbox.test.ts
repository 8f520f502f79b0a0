import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The README's first command: the sandbox runs every example end to end and exits 0. */
describe("npm run sandbox", () => {
  it("runs every example workflow to COMPLETED with no accounts, then drains the worker", async () => {
    const root = join(import.meta.dirname, "..", "..");
    const child = spawn(process.execPath, [join(root, "dist", "dev", "sandbox.js")], {
      env: { PATH: process.env.PATH ?? "" },
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output).toBe(0);
    expect(output).toContain("(simulator)");
    for (const name of [
      "common_room_product_signup",
      "common_room_tag_housekeeping",
      "common_room_segment_report",
    ]) {
      expect(output).toMatch(new RegExp(`▶ ${name}\\s+COMPLETED`));
    }
    expect(output).toContain("Worker stopped (exit 0) after draining.");
    expect(output).toContain("All example workflows COMPLETED.");
  }, 60_000);
});
