/**
 * Task queues keyed by `taskType` or `domain:taskType`, holding task ids with a visibility
 * time (for callbackAfterSeconds, retry delays and rate-limit postponement). Long polls wait
 * on per-queue waiters that a push wakes, or a timer for the next delayed message: no busy loop.
 */

export const queueNameOf = (taskType: string, domain?: string | null): string =>
  domain ? `${domain}:${taskType}` : taskType;

interface Message {
  taskId: string;
  visibleAt: number;
  seq: number; // keeps FIFO order among messages visible at the same time
}

export class TaskQueues {
  private readonly queues = new Map<string, Map<string, Message>>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private seq = 0;
  private closed = false;

  /** Adds (or re-times) a message; a message for the same task is never duplicated. */
  push(queueName: string, taskId: string, delayMs = 0): void {
    let queue = this.queues.get(queueName);
    if (!queue) {
      queue = new Map();
      this.queues.set(queueName, queue);
    }
    queue.set(taskId, { taskId, visibleAt: Date.now() + Math.max(0, delayMs), seq: this.seq++ });
    this.wake(queueName);
  }

  remove(queueName: string, taskId: string): void {
    this.queues.get(queueName)?.delete(taskId);
  }

  size(queueName: string): number {
    return this.queues.get(queueName)?.size ?? 0;
  }

  /** Removes and returns up to `max` visible task ids, oldest first. */
  take(queueName: string, max: number): string[] {
    const queue = this.queues.get(queueName);
    if (!queue || max <= 0) return [];
    const now = Date.now();
    const ready = [...queue.values()]
      .filter((m) => m.visibleAt <= now)
      .sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq)
      .slice(0, max);
    for (const message of ready) queue.delete(message.taskId);
    return ready.map((m) => m.taskId);
  }

  private nextVisibleAt(queueName: string): number | undefined {
    let next: number | undefined;
    for (const message of this.queues.get(queueName)?.values() ?? []) {
      if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    }
    return next;
  }

  /**
   * Resolves when something may have become pollable in the queue: a push, the next delayed
   * message's visibility time, close(), or `maxWaitMs` elapsed, whichever comes first.
   */
  waitForMessages(queueName: string, maxWaitMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const next = this.nextVisibleAt(queueName);
      const untilNext = next === undefined ? Infinity : Math.max(1, next - Date.now());
      let set = this.waiters.get(queueName);
      if (!set) {
        set = new Set();
        this.waiters.set(queueName, set);
      }
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(maxWaitMs, untilNext)));
      waiters.add(done);
    });
  }

  private wake(queueName: string): void {
    for (const waiter of [...(this.waiters.get(queueName) ?? [])]) waiter();
  }

  /** Releases every long poll at once (server shutdown). */
  close(): void {
    this.closed = true;
    for (const name of this.waiters.keys()) this.wake(name);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
