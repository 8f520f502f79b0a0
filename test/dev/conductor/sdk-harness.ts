/** Runs real SDK 4.0.0 workers against the fake server and cleans up their timers. */
import {
  MetadataClient,
  TaskHandler,
  WorkflowExecutor,
  orkesConductorClient,
  type ConductorWorker,
} from "@io-orkes/conductor-javascript";
import type { ConductorServer } from "../../../dev/conductor/index.js";

export type SdkClient = Awaited<ReturnType<typeof orkesConductorClient>>;

export interface SdkSession {
  client: SdkClient;
  metadata: MetadataClient;
  executor: WorkflowExecutor;
  run(workers: ConductorWorker[]): Promise<TaskHandler>;
  stop(): Promise<void>;
}

export async function sdkSession(
  server: ConductorServer,
  auth?: { keyId: string; keySecret: string },
): Promise<SdkSession> {
  // The URL with /api exercises the SDK's own suffix handling.
  const client = await orkesConductorClient({ serverUrl: `${server.url}/api`, ...auth });
  const handlers: TaskHandler[] = [];
  return {
    client,
    metadata: new MetadataClient(client),
    executor: new WorkflowExecutor(client),
    async run(workers) {
      const handler = new TaskHandler({ client, workers, scanForDecorated: false });
      handlers.push(handler);
      await handler.startWorkers();
      return handler;
    },
    async stop() {
      for (const handler of handlers) await handler.stopWorkers();
      client.stopBackgroundRefresh();
    },
  };
}
