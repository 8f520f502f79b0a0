import { describe, expect, inject, it } from "vitest";
import { startConductorServer } from "../../dev/conductor/index.js";
import { conductorKind } from "../support/conductor.js";
import { runExchange } from "./exchange.js";

/**
 * dev/conductor follows the real server: the same HTTP exchange, run against both, gives the
 * same answers. When the real server changes, this test says where dev/conductor must follow.
 */

describe(`dev/conductor answers like ${inject("ossConductorLabel")}`, () => {
  it("the worker's and the SDK's exchange: statuses, bodies, polls, hand-backs, late results", async () => {
    const dev = await startConductorServer({
      sweepIntervalMs: 50,
      queue: conductorKind === "oss-redis" ? "redis" : "sql",
    });
    try {
      const tag = Math.random().toString(36).slice(2, 8);
      // Task logs are indexed; the Redis flavour here runs without an index, so it keeps none.
      const options = { taskLogs: conductorKind !== "oss-redis" };
      const [fake, real] = await Promise.all([
        runExchange(dev.url, tag, options),
        runExchange(inject("ossConductorUrl"), tag, options),
      ]);
      expect(fake).toEqual(real);
    } finally {
      await dev.close();
    }
  });
});
