/**
 * The HTTP side of the fake Conductor server: node:http on 127.0.0.1, request recording,
 * injected faults (error statuses or refused connections), auth gate, routing, and the
 * sweeper timer that fires timeouts like the real server's decider queue.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { TokenIssuer } from "./auth.js";
import { Decider, isTerminalWorkflow } from "./decider.js";
import { ConductorError, notFound } from "./errors.js";
import { faultApplies } from "./faults.js";
import { listenRefusably } from "./refusable-listener.js";
import { Execution } from "./execution.js";
import { json, readBody, send, type Reply } from "./http.js";
import { TaskQueues } from "./queues.js";
import { conductorRoutes, startWorkflowOf } from "./routes.js";
import { Scheduler } from "./scheduler.js";
import { ConductorStore, taskJson, workflowJson } from "./store.js";
import type {
  ConductorServer,
  ConductorServerOptions,
  RecordedRequest,
  WaitForWorkflowOptions,
  Workflow,
} from "./types.js";
import { recordBounded } from "../request-log.js";

const HOST = "127.0.0.1";
const INSTANCE = "conductor-fake";
/** Request-driven timeout checks are throttled; the timer covers the rest. */
const REQUEST_SWEEP_MIN_GAP_MS = 10;

export async function startConductorServer(
  opts: ConductorServerOptions = {},
): Promise<ConductorServer> {
  const store = new ConductorStore();
  const queues = new TaskQueues();
  const decider = new Decider(store, queues);
  const execution = new Execution(
    store,
    queues,
    decider,
    opts.rateLimitPostponeMs ?? 60_000,
    opts.queue ?? "redis",
  );
  const scheduler = new Scheduler((request) => startWorkflowOf(store, decider, request));
  const routes = conductorRoutes({
    store,
    decider,
    execution,
    scheduler,
    options: {
      updateV2: opts.updateV2 ?? "enabled",
      emptyPoll: opts.emptyPoll ?? "json-array",
      scheduler: opts.scheduler ?? "enabled",
    },
  });
  const tokens = opts.auth ? new TokenIssuer(opts.auth) : undefined;
  const requests: RecordedRequest[] = [];
  let lastSweep = 0;
  let closed = false;

  const sweep = () => {
    lastSweep = Date.now();
    decider.sweep(lastSweep);
  };

  async function dispatch(req: IncomingMessage, url: URL): Promise<Reply> {
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const rawBody = await readBody(req);
    const fault = listener.fault();
    if (fault && "status" in fault && faultApplies(fault, method, path)) {
      throw new ConductorError(fault.status, `Injected fault: HTTP ${fault.status}`, {
        retryable: fault.status >= 500,
      });
    }
    if (path === "/api/token" && method === "POST") {
      // OSS has no token endpoint: the SDK reads the 404 as "no auth".
      if (!tokens) throw notFound("No static resource api/token.");
      let credentials: unknown;
      try {
        credentials = JSON.parse(rawBody) as unknown;
      } catch {
        credentials = undefined;
      }
      return json({ token: tokens.issue(credentials) });
    }
    const isHealth = path === "/health" || path === "/api/health";
    if (tokens && !isHealth) {
      const header = req.headers["x-authorization"];
      tokens.check(Array.isArray(header) ? header[0] : header);
    }
    if (Date.now() - lastSweep >= REQUEST_SWEEP_MIN_GAP_MS) sweep();
    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      return await route.handle({
        params: match.slice(1),
        query: url.searchParams,
        rawBody,
      });
    }
    if (pathMatched) throw new ConductorError(405, `Request method '${method}' is not supported`);
    throw notFound(`No static resource ${path.replace(/^\//, "")}.`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    res.on("finish", () => {
      recordBounded(requests, {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: res.statusCode,
        at,
      });
    });
    let reply: Reply;
    try {
      reply = await dispatch(req, url);
    } catch (error) {
      const failure =
        error instanceof ConductorError
          ? error
          : new ConductorError(500, error instanceof Error ? error.message : String(error), {
              retryable: false,
            });
      reply = json(failure.body(INSTANCE), failure.status);
    }
    send(res, reply);
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  const listener = await listenRefusably(server, opts.port ?? 0);
  const port = listener.port;
  const sweeper = setInterval(sweep, opts.sweepIntervalMs ?? 100);
  sweeper.unref();

  const getWorkflow = (id: string): Workflow | undefined => {
    const workflow = store.workflows.get(id);
    return workflow ? workflowJson(workflow) : undefined;
  };

  return {
    url: `http://${HOST}:${port}`,
    port,
    requests,
    taskDefs: store.taskDefs,
    setFault: (next) => listener.setFault(next),
    listening: () => listener.listening(),
    getWorkflow,
    getTask(taskId) {
      const task = store.tasks.get(taskId);
      return task ? taskJson(task) : undefined;
    },
    queueSize: (queueName) => queues.size(queueName),
    expireTokens: () => tokens?.expireAll(),
    async waitForWorkflow(id: string, options: WaitForWorkflowOptions = {}): Promise<Workflow> {
      const until = options.until ?? ((wf: Workflow) => isTerminalWorkflow(wf.status));
      const deadline = Date.now() + (options.timeoutMs ?? 10_000);
      for (;;) {
        const workflow = getWorkflow(id);
        if (workflow && until(workflow)) return workflow;
        if (Date.now() >= deadline) {
          throw new Error(
            `workflow ${id} did not reach the expected state in time; last seen: ${workflow ? JSON.stringify({ status: workflow.status, tasks: workflow.tasks.map((t) => `${t.referenceTaskName}:${t.status}`) }) : "unknown id"}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      scheduler.close();
      queues.close(); // releases long polls so they answer now
      await listener.close();
    },
  };
}
