import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A loopback TCP forwarder that can be switched off: while down, every connection (new or
 * open) is cut, which is what a client sees of a Conductor that went away. It works in
 * front of any server, so a test that uses it runs against dev/conductor and the real
 * Conductor alike. The target may be set after start: connections wait for it.
 */
export interface SwitchableProxy {
  url: string;
  setTarget(url: string): void;
  /** Holds every answer back this long (a slow Conductor), so requests overlap. */
  setLatency(ms: number): void;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startSwitchableProxy(): Promise<SwitchableProxy> {
  let target: { host: string; port: number } | undefined;
  let waiting: (() => void)[] = [];
  let isUp = true;
  let latencyMs = 0;
  const open = new Set<Socket>();

  const server: Server = createServer((client) => {
    if (!isUp) {
      client.destroy();
      return;
    }
    open.add(client);
    client.once("close", () => open.delete(client));
    client.pause();
    const forward = () => {
      if (!isUp || client.destroyed || !target) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      open.add(upstream);
      upstream.once("close", () => open.delete(upstream));
      client.pipe(upstream);
      // Same delay for every chunk keeps their order (timers of equal delay fire in order).
      const later = (act: () => void) => (latencyMs > 0 ? setTimeout(act, latencyMs) : act());
      upstream.on("data", (chunk: Buffer) => later(() => client.write(chunk)));
      upstream.once("end", () => later(() => client.end()));
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
      client.resume();
    };
    if (target) forward();
    else waiting.push(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setTarget(url) {
      const parsed = new URL(url);
      target = { host: parsed.hostname, port: Number(parsed.port) };
      for (const forward of waiting) forward();
      waiting = [];
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    down() {
      isUp = false;
      for (const socket of open) socket.destroy();
    },
    up() {
      isUp = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
