/**
 * The image's HEALTHCHECK: `node dist/src/container/healthcheck.js` exits 0 when the worker's
 * `/healthz` answers 200 inside the container, 1 otherwise, saying why (the container engine
 * keeps the output of the last checks: `podman inspect`, `docker inspect`).
 */
import { healthPortOf } from "./health-port.js";

const TIMEOUT_MS = 4_000; // under the HEALTHCHECK's --timeout

const port = healthPortOf(process.env);
if (port === undefined || port === 0) {
  console.log(`WORKER_HTTP_PORT=${process.env.WORKER_HTTP_PORT ?? ""}: no health endpoint to ask`);
  process.exit(1);
}
// The endpoint listens on every interface by default; a bind to one address is asked there.
const bound = process.env.WORKER_HTTP_HOST?.trim();
const host = !bound || bound === "0.0.0.0" || bound === "::" ? "127.0.0.1" : bound;
const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  console.log(`${url}: ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  console.log(`${url}: ${cause}`);
  process.exit(1);
}
