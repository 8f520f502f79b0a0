import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** `npm run sandbox -- --webhook`: a Common Room event turned into a COMPLETED onboarding run. */
describe("npm run sandbox -- --webhook", () => {
  it("posts a new-contact envelope with the secret and shows the workflow it started COMPLETED", async () => {
    const root = join(import.meta.dirname, "..", "..");
    const child = spawn(process.execPath, [join(root, "dist", "dev", "sandbox.js"), "--webhook"], {
      env: { PATH: process.env.PATH ?? "" },
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output).toBe(0);
    const started = /→ 202, started workflow (\S+)/.exec(output);
    expect(started, output).not.toBeNull();
    expect(output).toMatch(
      new RegExp(
        `▶ common_room_new_contact_onboarding, started by the webhook\\s+COMPLETED\\s.*\\(${started![1]}\\)`,
      ),
    );
    for (const ref of [
      "find_contact",
      "is_known_contact",
      "tag_contact",
      "add_to_onboarding_segment",
    ])
      expect(output).toMatch(new RegExp(`COMPLETED\\s+${ref}\\b`));
    expect(output).toContain("All example workflows COMPLETED.");
  }, 60_000);
});
