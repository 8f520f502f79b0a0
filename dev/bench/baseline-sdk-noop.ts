/**
 * Baseline (a): the SDK's TaskHandler with its default options and a no-op handler over the
 * same task types as ours. Used for the idle-poll figure.
 */
import type { ConductorWorker } from "@io-orkes/conductor-javascript";
import { runTaskHandler, taskTypesFromEnv } from "./baseline-shared.js";

const workers: ConductorWorker[] = taskTypesFromEnv().map((taskDefName) => ({
  taskDefName,
  execute: async () => ({ status: "COMPLETED", outputData: {} }),
}));

await runTaskHandler(workers);
