/**
 * The container image's entrypoint: `node dist/src/container/entry.js <command>`.
 *
 * The image's HEALTHCHECK asks `/healthz` on WORKER_HTTP_PORT. With the port turned off (0),
 * `start` would run a worker that the container engine reports unhealthy for ever, and an
 * orchestrator would restart it in a loop; so the image refuses that at once, naming the
 * variable. Every other case goes to the CLI unchanged, in this same process (node stays
 * PID 1 and receives the signals itself).
 */
import { healthPortOf } from "./health-port.js";

const [command = "start"] = process.argv.slice(2);
if (command === "start" && healthPortOf(process.env) === 0) {
  console.error(
    "Configuration error: WORKER_HTTP_PORT=0 turns off /healthz, which this image's HEALTHCHECK " +
      "asks. Leave WORKER_HTTP_PORT unset (9464) or give it a port: it is reached from inside " +
      "the container and need not be published.",
  );
  process.exit(2);
}
await import("../cli.js");
