import { describe, expect, inject, it } from "vitest";
import { startConductorServer } from "../../dev/conductor/index.js";
import { runScheduleExchange } from "./schedule-exchange.js";

/**
 * dev/conductor's scheduler follows the real one: the same exchange with /api/scheduler,
 * run against both, gives the same answers, and a per-second schedule with catch-up runs
 * every second on both, with the inputs a scheduled trigger reads its window from.
 */

describe(`dev/conductor schedules like ${inject("ossConductorLabel")}`, () => {
  it("save, read, list, pause, resume, next runs, delete, and runs one second apart", async () => {
    const dev = await startConductorServer({ sweepIntervalMs: 50 });
    try {
      const tag = Math.random().toString(36).slice(2, 8);
      const [fake, real] = await Promise.all([
        runScheduleExchange(dev.url, tag),
        runScheduleExchange(inject("ossConductorUrl"), tag),
      ]);
      expect(fake).toEqual(real);
      const ran = real.find((s) => s.step === "a per-second schedule with catch-up ran");
      expect(ran?.facts).toMatchObject({ atLeastTwo: true, oneSecondApart: true });
    } finally {
      await dev.close();
    }
  });
});
