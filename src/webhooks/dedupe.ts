/**
 * Which deliveries already started a workflow: `<webhook>:<id>` → its workflow id, for
 * `ttlMs`. A start still in flight is shared, so concurrent copies of one delivery start
 * one workflow; a start that failed is forgotten, so the sender's retry starts it.
 */

interface Entry {
  start: Promise<string>;
  /** Set once the start succeeded. */
  expiresAt?: number;
}

export class DeliveryMemory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    /** A bound on memory: past it, the oldest started deliveries are forgotten first. */
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The workflow id for `key`, starting it with `start` unless it is known or in flight. */
  async run(
    key: string,
    start: () => Promise<string>,
  ): Promise<{ workflowId: string; repeat: boolean }> {
    this.forgetExpired();
    const known = this.entries.get(key);
    if (known) return { workflowId: await known.start, repeat: true };
    const entry: Entry = { start: start() };
    this.entries.set(key, entry);
    try {
      const workflowId = await entry.start;
      if (this.ttlMs > 0) entry.expiresAt = this.now() + this.ttlMs;
      else this.entries.delete(key);
      this.bound();
      return { workflowId, repeat: false };
    } catch (error) {
      this.entries.delete(key);
      throw error;
    }
  }

  /** Entries are kept in insertion order, which is start order: the expired come first. */
  private forgetExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt === undefined) continue; // in flight
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }

  private bound(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries) return;
      if (entry.expiresAt !== undefined) this.entries.delete(key);
    }
  }
}
