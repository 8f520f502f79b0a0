import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConductorFault } from "./types.js";

/**
 * An HTTP server on 127.0.0.1 that can stop listening and listen again on the same port,
 * for the "Conductor refuses connections" fault: used by dev/conductor and by the recording
 * proxy in front of the real server. Transitions are serialised, so `setFault` stays
 * synchronous for the caller and `listening()` tells when the last one is done.
 */
export interface RefusableListener {
  port: number;
  /** The fault now in force (status faults are the caller's to apply). */
  fault(): ConductorFault | null;
  setFault(fault: ConductorFault | null): void;
  listening(): Promise<void>;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

export async function listenRefusably(server: Server, port = 0): Promise<RefusableListener> {
  const listen = (at: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(at, HOST, () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const bound = await listen(port);
  let fault: ConductorFault | null = null;
  let closed = false;
  let transition: Promise<void> = Promise.resolve();
  return {
    port: bound,
    fault: () => fault,
    setFault(next) {
      const wasRefusing = fault !== null && "refuse" in fault;
      const refuse = next !== null && "refuse" in next;
      fault = next;
      if (refuse && !wasRefusing) transition = transition.then(stopListening);
      if (!refuse && wasRefusing && !closed)
        transition = transition.then(() => listen(bound).then(() => undefined));
    },
    listening: () => transition,
    async close() {
      closed = true;
      await transition;
      await stopListening();
    },
  };
}
