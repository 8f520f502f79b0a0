/** What both SDK baselines share: the task types they serve and their lifecycle. */
import {
  TaskHandler,
  orkesConductorClient,
  type ConductorWorker,
} from "@io-orkes/conductor-javascript";

/** BENCH_TASK_TYPES: the comma-separated task types, passed by the benchmark. */
export function taskTypesFromEnv(): string[] {
  const list = (process.env.BENCH_TASK_TYPES ?? "").split(",").filter(Boolean);
  if (list.length === 0) throw new Error("BENCH_TASK_TYPES is empty");
  return list;
}

/**
 * Runs `workers` with the SDK's TaskHandler until SIGTERM/SIGINT. The SDK reads
 * CONDUCTOR_SERVER_URL from the environment. Prints READY once polling has started.
 */
export async function runTaskHandler(workers: ConductorWorker[]): Promise<void> {
  const client = await orkesConductorClient();
  const handler = new TaskHandler({ client, workers, scanForDecorated: false });
  await handler.startWorkers();
  process.stdout.write("READY\n");
  const stopAll = () => {
    void handler.stopWorkers().finally(() => {
      client.stopBackgroundRefresh();
      process.exit(0);
    });
  };
  process.once("SIGTERM", stopAll);
  process.once("SIGINT", stopAll);
}
