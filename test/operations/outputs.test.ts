import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommonRoomSimulator } from "../../dev/commonroom/index.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { operations } from "../../src/operations/index.js";
import { operationOutputs } from "../../src/operations/outputs.js";
import { executeOperation } from "../../src/worker/execute.js";
import { Integrations } from "../../src/worker/integrations.js";
import { SAMPLE_INPUTS } from "../support/sample-inputs.js";

/**
 * The output schemas `operations --json` publishes are true: every operation, run against
 * the Common Room simulator at the HTTP edge, completes with an output its schema accepts.
 */

const API_URL = "https://api.commonroom.io/community/v1";
const TOKEN = "outputs-test-token-5150";
const sim = createCommonRoomSimulator({ baseUrl: API_URL, tokens: [TOKEN] });
const msw = setupServer(...sim.handlers);
beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterAll(() => msw.close());

describe("operation output schemas", () => {
  const config = loadConfig({
    COMMON_ROOM_API_TOKEN: TOKEN,
    COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
  });
  const integrations = new Integrations(config);
  const logger = createLogger({ level: "silent" });

  it("names a schema and a sample input for every operation", () => {
    expect(Object.keys(operationOutputs).sort()).toEqual(operations.map((o) => o.task).sort());
    expect(Object.keys(SAMPLE_INPUTS).sort()).toEqual(operations.map((o) => o.task).sort());
  });

  it.each(operations.map((o) => [o.task, o] as const))(
    "%s completes with an output its schema accepts",
    async (task, operation) => {
      const outcome = await executeOperation(operation, SAMPLE_INPUTS[task], {
        integrations,
        logger,
      });
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      if (!outcome.ok) return;
      const parsed = operationOutputs[task]!.safeParse(outcome.output);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    },
  );
});
