import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { startHealthServer } from "../../src/worker/http.js";
import { WorkerMetrics } from "../../src/worker/metrics.js";

/** A drain cut short waits for one last scrape, but only when someone scrapes at all. */
describe("the health server's nextScrape", () => {
  async function server() {
    return startHealthServer({
      port: 0,
      host: "127.0.0.1",
      state: () => "draining",
      registry: new Registry(),
    });
  }

  it("does not wait when /metrics was never scraped", async () => {
    const http = await server();
    const started = Date.now();
    await http.nextScrape(5000);
    expect(Date.now() - started).toBeLessThan(1000);
    await http.close();
  });

  it("waits for the next scrape once Prometheus has been seen, and at most its timeout", async () => {
    const http = await server();
    const metrics = `http://127.0.0.1:${http.port}/metrics`;
    await (await fetch(metrics)).text();
    let done = false;
    const waiting = http.nextScrape(10_000).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false);
    await (await fetch(metrics)).text();
    await waiting;
    expect(done).toBe(true);
    const started = Date.now();
    await http.nextScrape(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await http.close();
  });
});

describe("the drain's series", () => {
  it("start at 0 for both outcomes, and count a cut-short drain", async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const read = async () => metrics.registry.metrics();
    expect(await read()).toMatch(/commonroom_worker_drains_total\{outcome="cut_short"\} 0/);
    expect(await read()).toMatch(/commonroom_worker_draining 0/);
    metrics.drainStarted();
    expect(await read()).toMatch(/commonroom_worker_draining 1/);
    metrics.drainEnded("cut_short");
    const text = await read();
    expect(text).toMatch(/commonroom_worker_drains_total\{outcome="cut_short"\} 1/);
    expect(text).toMatch(/commonroom_worker_drains_total\{outcome="drained"\} 0/);
    expect(text).toMatch(/commonroom_worker_draining 0/);
  });

  it("keep the delivery backlog: up at a result's first retry, down once it settles", async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const backlog = async () =>
      /commonroom_worker_result_deliveries_retrying\{task_type="t"\} (\d+)/.exec(
        await metrics.registry.metrics(),
      )?.[1];
    const observer = metrics.runtimeObserver;
    observer.onDeliveryRetry?.({ taskType: "t", attempt: 1 });
    observer.onDeliveryRetry?.({ taskType: "t", attempt: 2 });
    observer.onDeliveryRetry?.({ taskType: "t", attempt: 1 });
    expect(await backlog()).toBe("2");
    observer.onDeliverySettled?.({ taskType: "t", retries: 2 });
    expect(await backlog()).toBe("1");
  });
});
