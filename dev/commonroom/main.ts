/**
 * Runs the simulator as a loopback HTTP server.
 *   PORT (default 8765), SIM_TOKEN (default test-token), SIM_LATENCY_MS,
 *   SIM_RATE_LIMIT ("<limit>/<intervalMs>", e.g. "100/1000", per token; default: never 429).
 */
import { createCommonRoomSimulator, startCommonRoomServer } from "./index.js";

function rateLimitFromEnv(
  value: string | undefined,
): { limit: number; intervalMs: number } | undefined {
  if (!value) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match)
    throw new Error(`SIM_RATE_LIMIT must look like 100/1000 (got ${JSON.stringify(value)})`);
  return { limit: Number(match[1]), intervalMs: Number(match[2]) };
}

const sim = createCommonRoomSimulator({
  tokens: [process.env.SIM_TOKEN || "test-token"],
  latencyMs: Number(process.env.SIM_LATENCY_MS ?? 0),
  rateLimit: rateLimitFromEnv(process.env.SIM_RATE_LIMIT),
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
