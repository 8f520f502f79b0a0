/** Runs the fake Conductor server standalone: `node dist/dev/conductor/main.js` (PORT, default 8080). */
import { startConductorServer } from "./index.js";

const port = Number(process.env.PORT ?? 8080);
const server = await startConductorServer({ port });
console.log(`Fake Conductor server listening on ${server.url} (API at ${server.url}/api)`);

const shutdown = () => {
  void server.close().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
