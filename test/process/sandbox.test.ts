import { describe, expect, it } from "vitest";
import { runSandbox } from "./sandbox-run.js";

/** The README's first command: the sandbox runs every example end to end and exits 0. */
describe("npm run sandbox", () => {
  it("runs every example workflow to COMPLETED with no accounts, then drains the worker", async () => {
    const { code, output } = await runSandbox();
    expect(code, output).toBe(0);
    expect(output).toContain("(simulator)");
    expect(output).toContain("common_room_new_activity_digest runs on a schedule (0 */5 * * * *");
    for (const name of [
      "common_room_product_signup",
      "common_room_tag_housekeeping",
      "common_room_segment_report",
      "common_room_new_activity_digest",
      "common_room_website_visit_to_account",
    ]) {
      expect(output).toMatch(new RegExp(`▶ ${name}\\s+COMPLETED`));
    }
    expect(output).toContain("Worker stopped (exit 0) after draining.");
    expect(output).toContain("All example workflows COMPLETED.");
  }, 60_000);
});
