import { setupServer } from "msw/node";
import { afterAll, beforeAll } from "vitest";
import { createCommonRoomSimulator, type SimulatorOptions } from "../../dev/commonroom/index.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import type { Operation } from "../../src/operations/define.js";
import { findOperation } from "../../src/operations/index.js";
import { executeOperation, type ExecuteOptions } from "../../src/worker/execute.js";
import { Integrations } from "../../src/worker/integrations.js";
import { toTaskResult } from "../../src/worker/results.js";

/**
 * Runs operations as the worker does (validation, the real client, the result map) against
 * the Common Room simulator behind msw, for the tests of one file. Call at the top level.
 */
export function useOperationRunner(simulator: SimulatorOptions = {}) {
  const token = "operation-runner-token-5d3e";
  const sim = createCommonRoomSimulator({ tokens: [token], ...simulator });
  const msw = setupServer(...sim.handlers);
  const config = loadConfig({
    COMMON_ROOM_API_TOKEN: token,
    COMMON_ROOM_DESTINATION_SOURCE_ID: "1001",
  });
  const logger = createLogger({ level: "silent" });
  beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
  afterAll(() => msw.close());

  /** The task result (and error) of one run of `operation` on `input`. */
  async function run(
    operation: Operation | string,
    input: Record<string, unknown>,
    options: Omit<ExecuteOptions, "integrations" | "logger"> = {},
  ) {
    const op = typeof operation === "string" ? findOperation(operation)! : operation;
    const outcome = await executeOperation(op, input, {
      integrations: new Integrations(config, { logger }),
      logger,
      ...options,
    });
    return toTaskResult(outcome);
  }

  return { sim, msw, run };
}
