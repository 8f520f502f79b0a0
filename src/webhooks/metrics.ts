import { Counter, type Registry } from "prom-client";

/** What became of a delivery; the `outcome` label of the deliveries counter. */
export type DeliveryOutcome =
  | "started"
  | "repeat"
  | "unauthorized"
  | "unknown_webhook"
  | "not_json"
  | "bad_envelope"
  | "too_large"
  | "conductor_unreachable"
  | "conductor_refused"
  | "draining";

/** Webhook deliveries by webhook and outcome. Unknown names share one label value. */
export class WebhookMetrics {
  private readonly deliveries: Counter<"webhook" | "outcome">;

  constructor(registry: Registry) {
    this.deliveries = new Counter({
      name: "commonroom_worker_webhook_deliveries_total",
      help: "Common Room webhook deliveries, by configured webhook and outcome",
      labelNames: ["webhook", "outcome"],
      registers: [registry],
    });
  }

  /** `webhook` is a configured name, never what the caller put in the URL. */
  count(webhook: string | undefined, outcome: DeliveryOutcome): void {
    this.deliveries.inc({ webhook: webhook ?? "", outcome });
  }
}
