import { describe, expect, it } from "vitest";
import { DeliveryMemory } from "../../src/webhooks/dedupe.js";

/** The listener's memory of started deliveries: in flight shared, failures forgotten, expiry, bound. */

function deferred() {
  let resolve!: (id: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("DeliveryMemory", () => {
  it("copies that arrive while the first start is in flight share it: one start", async () => {
    const memory = new DeliveryMemory(60_000);
    const start = deferred();
    let starts = 0;
    const run = () => memory.run("hook:1", () => (starts++, start.promise));
    const copies = [run(), run(), run()];
    start.resolve("wf-1");
    expect(await Promise.all(copies)).toEqual([
      { workflowId: "wf-1", repeat: false },
      { workflowId: "wf-1", repeat: true },
      { workflowId: "wf-1", repeat: true },
    ]);
    expect(await run()).toEqual({ workflowId: "wf-1", repeat: true });
    expect(starts).toBe(1);
  });

  it("a failed start is forgotten, so the sender's retry starts it", async () => {
    const memory = new DeliveryMemory(60_000);
    await expect(memory.run("hook:1", () => Promise.reject(new Error("down")))).rejects.toThrow(
      "down",
    );
    expect(await memory.run("hook:1", async () => "wf-2")).toEqual({
      workflowId: "wf-2",
      repeat: false,
    });
  });

  it("forgets a delivery after the window, and the oldest ones past the bound", async () => {
    let now = 0;
    const memory = new DeliveryMemory(1000, 2, () => now);
    await memory.run("a", async () => "wf-a");
    now = 999;
    expect((await memory.run("a", async () => "wf-a2")).workflowId).toBe("wf-a");
    now = 1000;
    expect((await memory.run("a", async () => "wf-a3")).workflowId).toBe("wf-a3");
    await memory.run("b", async () => "wf-b");
    await memory.run("c", async () => "wf-c");
    expect(memory.size).toBe(2);
    expect((await memory.run("a", async () => "wf-a4")).repeat).toBe(false);
  });

  it("a window of 0 still shares a start in flight but remembers nothing after", async () => {
    const memory = new DeliveryMemory(0);
    const start = deferred();
    const copies = [memory.run("k", () => start.promise), memory.run("k", () => start.promise)];
    start.resolve("wf");
    expect((await Promise.all(copies)).map((c) => c.repeat)).toEqual([false, true]);
    expect(memory.size).toBe(0);
  });
});
