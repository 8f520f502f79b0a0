import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { CommonRoomObserver } from "../commonroom/client.js";
import type { PacerObserver } from "../commonroom/pacer.js";
import type { RuntimeObserver } from "./runtime.js";

/**
 * The worker's Prometheus series. Labels carry task types, operations, outcomes, codes,
 * HTTP statuses and integration names only: never inputs, ids or tokens.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly tasks = new Counter({
    name: "commonroom_worker_tasks_total",
    help: "Tasks finished, by task type, integration, outcome (completed, failed, terminal, waiting, internal_error) and error code",
    labelNames: ["task_type", "integration", "outcome", "code"],
    registers: [this.registry],
  });
  private readonly taskDuration = new Histogram({
    name: "commonroom_worker_task_duration_seconds",
    help: "Time from a task's start to its result, by task type, integration and outcome",
    labelNames: ["task_type", "integration", "outcome"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: "commonroom_worker_tasks_in_flight",
    help: "Tasks taken from Conductor and not yet delivered, by task type",
    labelNames: ["task_type"],
    registers: [this.registry],
  });
  private readonly polls = new Counter({
    name: "commonroom_worker_polls_total",
    help: "Batch polls sent to Conductor, by task type",
    labelNames: ["task_type"],
    registers: [this.registry],
  });
  private readonly emptyPolls = new Counter({
    name: "commonroom_worker_empty_polls_total",
    help: "Batch polls that returned no task, by task type",
    labelNames: ["task_type"],
    registers: [this.registry],
  });
  private readonly pollErrors = new Counter({
    name: "commonroom_worker_poll_errors_total",
    help: "Batch polls that failed (no answer, or an answer that is not a JSON array of tasks), by task type",
    labelNames: ["task_type"],
    registers: [this.registry],
  });
  private readonly deliveryRetries = new Counter({
    name: "commonroom_worker_result_delivery_retries_total",
    help: "Task result updates that Conductor did not acknowledge and were sent again",
    labelNames: ["task_type"],
    registers: [this.registry],
  });
  private readonly deliveriesRetrying = new Gauge({
    name: "commonroom_worker_result_deliveries_retrying",
    help: "Task results Conductor has not yet acknowledged after a failed update, by task type: the delivery backlog",
    labelNames: ["task_type"],
    registers: [this.registry],
  });
  private readonly deliveryGiveUps = new Counter({
    name: "commonroom_worker_result_delivery_abandoned_total",
    help: "Task results not delivered, by reason (unknown_task, rejected, window_expired, shutdown)",
    labelNames: ["task_type", "reason"],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: "commonroom_worker_commonroom_requests_total",
    help: "Requests to Common Room, by client operation and HTTP status (or network)",
    labelNames: ["operation", "status"],
    registers: [this.registry],
  });
  private readonly requestDuration = new Histogram({
    name: "commonroom_worker_commonroom_request_duration_seconds",
    help: "Common Room request latency, by client operation",
    labelNames: ["operation"],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly rateLimitWaits = new Counter({
    name: "commonroom_worker_rate_limit_waits_total",
    help: "Waits Common Room asked for with a 429, by client operation",
    labelNames: ["operation"],
    registers: [this.registry],
  });
  private readonly rateLimitWaitSeconds = new Counter({
    name: "commonroom_worker_rate_limit_wait_seconds_total",
    help: "Seconds spent waiting out Common Room's 429s",
    labelNames: ["operation"],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: "commonroom_worker_commonroom_retries_total",
    help: "Common Room requests retried after a 5xx or network error, by client operation",
    labelNames: ["operation"],
    registers: [this.registry],
  });

  private readonly pacerHeld = new Counter({
    name: "commonroom_worker_pacer_held_requests_total",
    help: "Common Room requests the pacer held before they started, by integration",
    labelNames: ["integration"],
    registers: [this.registry],
  });
  private readonly pacerHeldSeconds = new Counter({
    name: "commonroom_worker_pacer_held_seconds_total",
    help: "Seconds Common Room requests were held by the pacer, by integration",
    labelNames: ["integration"],
    registers: [this.registry],
  });
  private readonly rateLimitedAnswers = new Counter({
    name: "commonroom_worker_rate_limited_responses_total",
    help: "429 answers met from Common Room, by integration",
    labelNames: ["integration"],
    registers: [this.registry],
  });
  private readonly pacerBudget = new Gauge({
    name: "commonroom_worker_pacer_budget",
    help: "The pacer's view of the token's budget, by integration: limit, remaining (as Common Room last said), available (remaining less in flight and margin), margin",
    labelNames: ["integration", "figure"],
    registers: [this.registry],
  });

  private readonly draining = new Gauge({
    name: "commonroom_worker_draining",
    help: "1 from SIGTERM until the drain ends: polling stopped, tasks in flight finishing",
    registers: [this.registry],
  });
  private readonly drains = new Counter({
    name: "commonroom_worker_drains_total",
    help: "Drains that ended, by outcome: drained (every task taken finished and delivered) or cut_short (SHUTDOWN_TIMEOUT_MS ran out first)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    // From 0, so that Prometheus' increase() sees the first cut-short drain (a series that
    // first appears at 1 shows no increase).
    for (const outcome of ["drained", "cut_short"]) this.drains.inc({ outcome }, 0);
  }

  readonly runtimeObserver: RuntimeObserver = {
    onPoll: ({ taskType, received }) => {
      this.polls.inc({ task_type: taskType });
      if (received === 0) this.emptyPolls.inc({ task_type: taskType });
    },
    onPollError: ({ taskType }) => {
      this.polls.inc({ task_type: taskType });
      this.pollErrors.inc({ task_type: taskType });
    },
    onTaskFinished: ({ taskType, integration, outcome, code, durationMs }) => {
      this.tasks.inc({ task_type: taskType, integration, outcome, code: code ?? "" });
      this.taskDuration.observe({ task_type: taskType, integration, outcome }, durationMs / 1000);
    },
    onInFlightChange: ({ taskType, inFlight }) =>
      this.inFlight.set({ task_type: taskType }, inFlight),
    onDeliveryRetry: ({ taskType, attempt }) => {
      this.deliveryRetries.inc({ task_type: taskType });
      if (attempt === 1) this.deliveriesRetrying.inc({ task_type: taskType });
    },
    onDeliverySettled: ({ taskType }) => this.deliveriesRetrying.dec({ task_type: taskType }),
    onDeliveryGiveUp: ({ taskType, reason }) =>
      this.deliveryGiveUps.inc({ task_type: taskType, reason }),
  };

  /** The shutdown's drain: started, then ended with or without tasks left over. */
  drainStarted(): void {
    this.draining.set(1);
  }

  drainEnded(outcome: "drained" | "cut_short"): void {
    this.draining.set(0);
    this.drains.inc({ outcome });
  }

  readonly commonRoomObserver: CommonRoomObserver = {
    onResponse: ({ operation, httpStatus, durationMs }) => {
      this.requests.inc({ operation, status: String(httpStatus) });
      this.requestDuration.observe({ operation }, durationMs / 1000);
    },
    onRateLimitWait: ({ operation, waitMs }) => {
      this.rateLimitWaits.inc({ operation });
      this.rateLimitWaitSeconds.inc({ operation }, waitMs / 1000);
    },
    onRetry: ({ operation }) => this.retries.inc({ operation }),
  };

  readonly pacerObserver: PacerObserver = {
    onHeld: ({ integration, heldMs }) => {
      this.pacerHeld.inc({ integration });
      this.pacerHeldSeconds.inc({ integration }, heldMs / 1000);
    },
    onRateLimited: ({ integration }) => this.rateLimitedAnswers.inc({ integration }),
    onBudget: ({ integration, limit, remaining, available, margin }) => {
      this.pacerBudget.set({ integration, figure: "limit" }, limit);
      this.pacerBudget.set({ integration, figure: "remaining" }, remaining);
      this.pacerBudget.set({ integration, figure: "available" }, available);
      this.pacerBudget.set({ integration, figure: "margin" }, margin);
    },
  };
}
