import { describe, expect, it } from "vitest";
import { runSandbox } from "./sandbox-run.js";

/** `npm run sandbox -- --webhook`: a Common Room event turned into a COMPLETED onboarding run. */
describe("npm run sandbox -- --webhook", () => {
  it("posts a new-contact envelope with the secret and shows the workflow it started COMPLETED", async () => {
    const { code, output } = await runSandbox(["--webhook"]);
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
