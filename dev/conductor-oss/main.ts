/**
 * `npm run conductor:oss -- fetch`: puts the pinned Conductor OSS jar in the Maven cache.
 * `npm run conductor:oss -- start [--flavour redis|sqlite] [--port N]`: runs it until
 * Ctrl-C, with a throwaway store, for trying the worker against the genuine server.
 */
import { parseArgs } from "node:util";
import { ensureConductorJar } from "./jar.js";
import { startOssConductor, type OssFlavour } from "./server.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    flavour: { type: "string", default: "sqlite" },
    port: { type: "string" },
  },
});
const command = positionals[0] ?? "start";
if (command === "fetch") {
  const jar = ensureConductorJar(console.log);
  console.log(`Conductor OSS ${jar.version}: ${jar.jarPath} (runs on java ${jar.javaMajor})`);
} else if (command === "start") {
  const flavour = values.flavour as OssFlavour;
  if (flavour !== "redis" && flavour !== "sqlite") {
    console.error(`--flavour takes redis or sqlite, not ${String(values.flavour)}`);
    process.exit(2);
  }
  const server = await startOssConductor({
    flavour,
    ...(values.port && { port: Number(values.port) }),
    log: console.log,
  });
  console.log(`\nCONDUCTOR_SERVER_URL=${server.url}/api   (Ctrl-C stops it and drops its store)`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void server.close().then(() => process.exit(0)));
  }
} else {
  console.error(`usage: conductor:oss -- fetch | start [--flavour redis|sqlite] [--port N]`);
  process.exit(2);
}
