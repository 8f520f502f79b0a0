import { backoffMs } from "../backoff.js";
import { setMaxListeners } from "node:events";
import type { Env } from "../config.js";
import type { Logger } from "../logger.js";
import type { Operation } from "../operations/define.js";
import { taskTypeOf } from "../operations/index.js";
import type { ConductorGateway, PolledTask } from "./conductor.js";
import type { ConductorReachability } from "./conductor-reachability.js";
import { DEFAULT_DELIVERY, deliverResult, type DeliveryPolicy } from "./delivery.js";
import { executeOperation } from "./execute.js";
import { DRAINING } from "../commonroom/errors.js";
import { attemptBudgetMs } from "../commonroom/rate-policy.js";
import type { Integrations } from "./integrations.js";
import { toTaskResult, type Classified } from "./results.js";
import { pollerSettings, type PollerSettings } from "./settings.js";
import { sleep } from "../sleep.js";
import { TaskLog } from "./task-log.js";

/** What the runtime reports as it works; metrics.ts turns these into Prometheus series. */
export interface RuntimeObserver {
  onPoll?(e: { taskType: string; received: number; durationMs: number }): void;
  onPollError?(e: { taskType: string; error: string }): void;
  onTaskFinished?(e: {
    taskType: string;
    /** A configured integration's name (never free text from the input), or "unknown". */
    integration: string;
    outcome: Classified["outcome"];
    code?: string;
    durationMs: number;
  }): void;
  onInFlightChange?(e: { taskType: string; inFlight: number }): void;
  onDeliveryRetry?(e: { taskType: string; attempt: number }): void;
  /** A result that needed retries was acknowledged or given up. */
  onDeliverySettled?(e: { taskType: string; retries: number }): void;
  onDeliveryGiveUp?(e: { taskType: string; reason: string }): void;
}

export type RuntimeState = "created" | "polling" | "draining" | "stopped";

export interface DrainResult {
  /** Tasks taken and not finished and delivered when the drain's time ran out. */
  unfinished: number;
  /** Polls still unanswered when the drain's time ran out. */
  pollsUnderWay: number;
  /** Every task that ended while the drain ran, and how: the drain's report. */
  tasks?: DrainedTask[];
}

export interface DrainedTask {
  taskId: string;
  taskType: string;
  /** completed, failed, terminal, internal_error; handed_back (DRAINING or RATE_LIMITED). */
  outcome: string;
}

export interface RuntimeOptions {
  gateway: ConductorGateway;
  operations: readonly Operation[];
  taskPrefix: string;
  integrations: Integrations;
  logger: Logger;
  /** The CONDUCTOR_WORKER_* overrides (Config.workerOverrides). */
  workerOverrides: Env;
  observer?: RuntimeObserver;
  delivery?: Partial<DeliveryPolicy>;
  /** Longest pause after failed polls (they back off from 1 s). */
  maxPollBackoffMs?: number;
  /** Rate-limit hand-backs allowed per task before it fails with RATE_LIMITED. */
  maxRateLimitHandbacks?: number;
  /** The ceiling on one task's output (COMMON_ROOM_MAX_OUTPUT_BYTES). */
  maxOutputBytes?: number;
  /** The cap on a rate-limit callbackAfterSeconds (COMMON_ROOM_MAX_RATE_WAIT_SECONDS), ms. */
  maxRateWaitMs?: number;
  /** Told of every poll's success or failure; drives /readyz and the operator's log lines. */
  reachability?: ConductorReachability;
  /** In [0, 1), for the jitter of poll backoff. */
  random?: () => number;
}

interface Poller {
  taskType: string;
  operation: Operation;
  settings: PollerSettings;
  inFlight: number;
  /** Wakes the poll loop when a slot frees up. */
  slotFreed?: () => void;
}

/**
 * Polls Conductor for every operation's task type, runs each task, and delivers its result.
 * Owns its lifecycle: start, then drain (stop polling, finish and deliver every task taken).
 */
export class WorkerRuntime {
  private state_: RuntimeState = "created";
  private readonly pollers: Poller[];
  private readonly loops: Promise<void>[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Ends the sleeps of poll loops when draining starts. */
  private readonly stopPolling = new AbortController();
  /** Ends result-delivery retries when a shutdown is cut short. */
  private readonly abandon = new AbortController();
  /**
   * Tells the tasks in flight to start nothing more and hand their task back with what they
   * have done, when the drain's time is nearly up (reason DRAINING).
   */
  private readonly handBack = new AbortController();
  private readonly delivery: DeliveryPolicy;
  /** The tasks that ended while draining, for the drain's report. */
  private readonly drained: DrainedTask[] = [];
  /** Polls sent and not yet answered: a task they bring is ours, even during a drain. */
  private pollsUnderWay = 0;

  constructor(private readonly options: RuntimeOptions) {
    this.delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
    this.pollers = options.operations.map((operation) => {
      const taskType = taskTypeOf(operation, options.taskPrefix);
      return {
        taskType,
        operation,
        settings: pollerSettings(taskType, options.workerOverrides),
        inFlight: 0,
      };
    });
    // Every poll loop sleeps on stopPolling and every task slot may wait on abandon, each
    // adding one listener that it removes when the sleep ends. Those are the bounds, so
    // Node's warning about more than ten listeners (meant to catch leaks) stays meaningful.
    setMaxListeners(Math.max(10, this.pollers.length + 1), this.stopPolling.signal);
    const slots = this.pollers.reduce((sum, p) => sum + p.settings.concurrency, 0);
    setMaxListeners(Math.max(10, slots + 1), this.abandon.signal);
    setMaxListeners(Math.max(10, slots + 1), this.handBack.signal);
  }

  get state(): RuntimeState {
    return this.state_;
  }

  get taskTypes(): string[] {
    return this.pollers.map((p) => p.taskType);
  }

  get inFlight(): number {
    return this.pollers.reduce((sum, p) => sum + p.inFlight, 0);
  }

  start(): void {
    if (this.state_ !== "created") throw new Error(`cannot start a runtime that is ${this.state_}`);
    this.state_ = "polling";
    for (const poller of this.pollers) {
      if (poller.settings.paused) {
        this.options.logger.info({ taskType: poller.taskType }, "task type paused; not polling");
        continue;
      }
      this.loops.push(this.pollLoop(poller));
    }
    this.options.logger.info(
      {
        taskTypes: this.pollers.length,
        concurrency: this.pollers[0]?.settings.concurrency,
        pollTimeoutMs: this.pollers[0]?.settings.pollTimeoutMs,
      },
      "polling Conductor",
    );
  }

  /**
   * Stops polling and waits until every task already taken has run and its result has been
   * delivered, or until `timeoutMs`. Polls under way finish first (their tasks are ours), so
   * this takes up to one long-poll timeout even when idle. Returns how many tasks were cut
   * short, and how many polls were still unanswered (a task one brings is left to Conductor's
   * responseTimeout).
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    if (this.state_ === "stopped") return { unfinished: 0, pollsUnderWay: 0 };
    this.state_ = "draining";
    this.stopPolling.abort();
    for (const poller of this.pollers) poller.slotFreed?.();
    const everything = (async () => {
      await Promise.all(this.loops);
      while (this.running.size > 0) await Promise.all([...this.running]);
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    // Long tasks get the drain's time less a reserve to report, then hand their work back.
    const handBackTimer = setTimeout(
      () => this.handBack.abort(DRAINING),
      Math.max(0, timeoutMs - handBackReserveMs(timeoutMs)),
    );
    const winner = await Promise.race([everything.then(() => "done" as const), timedOut]);
    clearTimeout(timer);
    clearTimeout(handBackTimer);
    const cutShort = winner === "timeout";
    const result = {
      unfinished: cutShort ? this.inFlight : 0,
      pollsUnderWay: cutShort ? this.pollsUnderWay : 0,
      tasks: [...this.drained],
    };
    if (cutShort) this.abandon.abort();
    this.state_ = "stopped";
    return result;
  }

  /** Cuts a drain short: pending deliveries stop retrying (Conductor's responseTimeout recovers). */
  abandonDeliveries(): void {
    this.abandon.abort();
  }

  private get polling(): boolean {
    return this.state_ === "polling";
  }

  /**
   * Conductor holds a batch poll until `count` tasks are ready or its timeout passes, so one
   * poll cannot be both cheap when idle and quick to hand over a single task. Idle, we long
   * poll for one task: it returns the moment one is queued, and costs one request per
   * timeout. Busy (the last poll found work), we ask for every free slot without waiting,
   * which drains a backlog in batches; an empty answer sends us back to the long poll.
   */
  private async pollLoop(poller: Poller): Promise<void> {
    const { settings, taskType } = poller;
    const log = this.options.logger.child({ taskType });
    const maxBackoff = this.options.maxPollBackoffMs ?? 30_000;
    const random = this.options.random ?? Math.random;
    let failures = 0;
    let busy = false;
    while (this.polling) {
      const free = settings.concurrency - poller.inFlight;
      if (free <= 0) {
        await new Promise<void>((resolve) => (poller.slotFreed = resolve));
        poller.slotFreed = undefined;
        continue;
      }
      const idle = !busy;
      const count = idle ? 1 : free;
      const timeoutMs = idle ? settings.pollTimeoutMs : 0;
      const started = Date.now();
      let tasks: PolledTask[];
      this.pollsUnderWay++;
      try {
        tasks = await this.options.gateway.batchPoll(taskType, {
          workerId: settings.workerId,
          count,
          timeoutMs,
          domain: settings.domain,
        });
        failures = 0;
        this.options.reachability?.pollSucceeded();
      } catch (error) {
        this.pollsUnderWay--;
        failures++;
        busy = false;
        const message = error instanceof Error ? error.message : String(error);
        // Jittered, so nineteen loops failing together do not retry in lockstep.
        const backoff = backoffMs(failures, {
          baseMs: 1000,
          maxMs: maxBackoff,
          jitter: "half",
          random,
        });
        if (this.options.reachability) {
          this.options.reachability.pollFailed(taskType, error, backoff);
        } else if (failures === 1 || failures % 10 === 0) {
          log.warn({ err: message, failures, backoffMs: backoff }, "poll failed; backing off");
        }
        this.options.observer?.onPollError?.({ taskType, error: message });
        await sleep(backoff, this.stopPolling.signal);
        continue;
      }
      this.pollsUnderWay--;
      const durationMs = Date.now() - started;
      this.options.observer?.onPoll?.({ taskType, received: tasks.length, durationMs });
      // Tasks from a poll that ends during a drain are still ours: run them.
      for (const task of tasks) this.launch(poller, task);
      busy = tasks.length > 0;
      // An idle poll that came back empty early (a server without long polls, or
      // POLL_TIMEOUT=0) must not be repeated in a tight loop. An empty busy poll is not
      // idle waiting: the long poll follows it at once.
      if (tasks.length === 0 && idle && (timeoutMs === 0 || durationMs < timeoutMs / 2)) {
        await sleep(settings.pollIntervalMs, this.stopPolling.signal);
      }
    }
  }

  private launch(poller: Poller, task: PolledTask): void {
    poller.inFlight++;
    this.options.observer?.onInFlightChange?.({
      taskType: poller.taskType,
      inFlight: poller.inFlight,
    });
    const slot = this.runSlot(poller, task).finally(() => {
      poller.inFlight--;
      this.running.delete(slot);
      this.options.observer?.onInFlightChange?.({
        taskType: poller.taskType,
        inFlight: poller.inFlight,
      });
      poller.slotFreed?.();
    });
    this.running.add(slot);
  }

  /** One concurrency slot: a task, then any task Conductor chains onto its acknowledgement. */
  private async runSlot(poller: Poller, first: PolledTask): Promise<void> {
    let task: PolledTask | undefined = first;
    while (task) {
      // Its response timeout counts from now: when Conductor handed it over.
      const handedAt = Date.now();
      const log = this.options.logger.child({
        workflowInstanceId: task.workflowInstanceId,
        taskId: task.taskId,
        taskType: poller.taskType,
        operation: poller.operation.name,
      });
      const classified = await this.runTask(poller, task, log);
      let retries = 0;
      const next: Promise<PolledTask | undefined> = deliverResult({
        gateway: this.options.gateway,
        task,
        taskType: poller.taskType,
        result: classified.result,
        handedAt,
        workerId: poller.settings.workerId,
        acceptNextTask: this.polling,
        policy: this.delivery,
        signal: this.abandon.signal,
        logger: log,
        hooks: {
          onRetry: (e) => {
            retries++;
            this.options.observer?.onDeliveryRetry?.({ taskType: e.taskType, attempt: e.attempt });
          },
          onGiveUp: (e) => this.options.observer?.onDeliveryGiveUp?.(e),
        },
      });
      task = await next.finally(() => {
        if (retries > 0)
          this.options.observer?.onDeliverySettled?.({ taskType: poller.taskType, retries });
      });
    }
  }

  private async runTask(poller: Poller, task: PolledTask, log: Logger): Promise<Classified> {
    const started = performance.now();
    const budgetMs = attemptBudgetMs(poller.operation.budgetMs, task.responseTimeoutSeconds);
    const taskLog = new TaskLog();
    const previous = handedBackOutput(task);
    const outcome = await executeOperation(poller.operation, task.inputData ?? {}, {
      integrations: this.options.integrations,
      logger: log,
      attempt: task.retryCount ?? 0,
      deadline: Date.now() + budgetMs,
      maxOutputBytes: this.options.maxOutputBytes,
      trace: taskLog,
      drain: this.handBack.signal,
      ...(previous !== undefined && { previous }),
    });
    const classified = toTaskResult(outcome, {
      pollCount: task.pollCount,
      maxHandbacks: this.options.maxRateLimitHandbacks,
      maxRateWaitMs: this.options.maxRateWaitMs,
    });
    const durationMs = Math.round(performance.now() - started);
    classified.result.logs = taskLog.finish(classified.result, durationMs);
    const facts = { durationMs, attempt: task.retryCount ?? 0, outcome: classified.outcome };
    switch (classified.outcome) {
      case "completed":
        log.info(facts, "task completed");
        break;
      case "waiting":
        log.info(
          {
            ...facts,
            taskId: task.taskId,
            callbackAfterSeconds: classified.result.callbackAfterSeconds,
          },
          waitingCode(classified) === "DRAINING"
            ? "draining: handing the task back to Conductor with its progress, for another replica"
            : "rate limited beyond this attempt's budget; handing the task back to Conductor",
        );
        break;
      case "internal_error":
        log.error(
          { ...facts, err: outcome.ok ? undefined : outcome.error },
          "task failed: worker error",
        );
        break;
      default:
        log.warn(
          { ...facts, code: classified.error?.code, reason: classified.error?.message },
          "task failed",
        );
    }
    if (this.state_ === "draining") {
      this.drained.push({
        taskId: task.taskId ?? "",
        taskType: poller.taskType,
        outcome:
          classified.outcome === "waiting"
            ? `handed_back (${waitingCode(classified)})`
            : classified.outcome,
      });
    }
    this.options.observer?.onTaskFinished?.({
      taskType: poller.taskType,
      integration: this.options.integrations.labelOf(task.inputData?.integrationName),
      outcome: classified.outcome,
      // A hand-back's code (RATE_LIMITED or DRAINING) tells the two apart in the metrics.
      code:
        classified.outcome === "waiting"
          ? String(waitingCode(classified) ?? "")
          : classified.error?.code,
      durationMs,
    });
    return classified;
  }
}

/**
 * Of the drain's time, what is kept for the requests under way to finish (up to the request
 * timeout) and the results to be delivered after the tasks are told to hand back.
 */
function handBackReserveMs(drainMs: number): number {
  return Math.min(12_000, drainMs / 2);
}

/** The output of this task's last hand-back (ours: it carries `waiting`), if Conductor kept it. */
function handedBackOutput(task: PolledTask): unknown {
  const output = task.outputData;
  return output && typeof output === "object" && Object.hasOwn(output, "waiting")
    ? output
    : undefined;
}

/** The code of a hand-back's `waiting` output (DRAINING or RATE_LIMITED). */
function waitingCode(classified: Classified): unknown {
  const waiting = classified.result.outputData.waiting;
  return typeof waiting === "object" && waiting !== null
    ? (waiting as { code?: unknown }).code
    : undefined;
}
