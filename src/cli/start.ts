import { loadConfig } from "../config.js";
import { checkWorkerConfig } from "../worker/config-check.js";
import { startService } from "../worker/service.js";
import { EXIT, type Command } from "./command.js";
import { workerLogger } from "./logging.js";

/** A crash drains too, but for no longer than this. */
const CRASH_DRAIN_MS = 10_000;

export const startCommand: Command = {
  name: "start",
  summary: "poll Conductor and run the Common Room tasks until SIGTERM or SIGINT",
  usage: `Usage: commonroom-worker start

Polls Conductor for every Common Room task type, runs each task and reports its result.
Serves /healthz, /readyz and /metrics on WORKER_HTTP_PORT (default 9464).

SIGTERM or SIGINT: stop polling, finish and deliver every task already taken, exit 0.
A second signal, or SHUTDOWN_TIMEOUT_MS (default 30000), cuts the drain short (exit 1).

Needs CONDUCTOR_SERVER_URL and a Common Room token (COMMON_ROOM_API_TOKEN or
COMMON_ROOM_INTEGRATIONS_FILE); see .env.example.`,
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ guard }) {
    const config = loadConfig(process.env, { requireConductor: true });
    const { warnings } = checkWorkerConfig(config, process.env);
    const logger = workerLogger(config);
    guard.useLogger(logger);
    for (const warning of warnings) logger.warn(warning);
    // One turn of the event loop, so a signal that came while the modules loaded is seen
    // before the first poll: Node 22 and later can load them all without yielding once.
    await new Promise((resolve) => setImmediate(resolve));
    if (guard.stop.aborted) {
      logger.info({ signal: guard.reason }, "stopped before polling began");
      return guard.crashed ? EXIT.failed : EXIT.ok;
    }
    const service = await startService({ config, logger });
    return new Promise<number>((resolve) => {
      guard.onSecondSignal((signal) => {
        logger.warn(
          { signal },
          "second signal: stopping now; unfinished tasks return through Conductor's responseTimeout",
        );
        service.runtime.abandonDeliveries();
        resolve(EXIT.failed);
      });
      const drain = () => {
        const timeoutMs = guard.crashed
          ? Math.min(config.shutdownTimeoutMs, CRASH_DRAIN_MS)
          : config.shutdownTimeoutMs;
        logger.info(
          { signal: guard.reason, inFlight: service.runtime.inFlight, timeoutMs },
          "draining: polling stopped, finishing tasks in flight",
        );
        void service.stop(timeoutMs).then(({ unfinished, pollsUnderWay, tasks }) => {
          if (tasks && tasks.length > 0)
            logger.info({ tasks }, "drain report: tasks in flight and what became of them");
          if (unfinished > 0)
            logger.warn({ unfinished }, "shutdown timeout: some tasks were not finished");
          if (pollsUnderWay > 0)
            logger.warn(
              { pollsUnderWay },
              "shutdown timeout: polls still under way; a task one brings returns through Conductor's responseTimeout",
            );
          const cutShort = unfinished > 0 || pollsUnderWay > 0;
          if (!cutShort) logger.info("drained: every task taken was finished and delivered");
          resolve(cutShort || guard.crashed ? EXIT.failed : EXIT.ok);
        });
      };
      // A signal that came while the service was starting is honoured now.
      if (guard.stop.aborted) drain();
      else guard.stop.addEventListener("abort", drain, { once: true });
    });
  },
};
