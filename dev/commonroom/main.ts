/**
 * Runs the simulator as a loopback HTTP server.
 *   PORT (default 8765), SIM_TOKEN (default test-token), SIM_LATENCY_MS,
 *   SIM_RATE_LIMIT ("<limit>/<intervalMs>", e.g. "100/1000", per token; default: never 429),
 *   SIM_RATE_WINDOW (aligned, the default; first-request; sliding: how the interval is cut).
 */
import { createCommonRoomSimulator, rateLimitFromEnv, startCommonRoomServer } from "./index.js";

const sim = createCommonRoomSimulator({
  tokens: [process.env.SIM_TOKEN || "test-token"],
  latencyMs: Number(process.env.SIM_LATENCY_MS ?? 0),
  rateLimit: rateLimitFromEnv(process.env.SIM_RATE_LIMIT, process.env.SIM_RATE_WINDOW),
});
const server = await startCommonRoomServer(sim, { port: Number(process.env.PORT ?? 8765) });
console.log(`Common Room simulator listening at ${server.url}`);
console.log(`Accepted bearer token: ${sim.tokens[0]}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${sim.requests.length} request(s), ${sim.violations.length} spec violation(s)`);
  for (const violation of sim.violations) console.log(`  - ${violation}`);
  await server.close();
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
