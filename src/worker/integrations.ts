import { CommonRoomClient, type CommonRoomObserver } from "../commonroom/client.js";
import type { Config, Integration } from "../config.js";
import type { Logger } from "../logger.js";
import { IntegrationError } from "./integration-error.js";

/** The configured integrations, each with one Common Room client made on first use. */
export class Integrations {
  private readonly clients = new Map<string, CommonRoomClient>();

  constructor(
    private readonly config: Pick<
      Config,
      "integrations" | "defaultIntegration" | "requestTimeoutMs"
    >,
    private readonly options: { observer?: CommonRoomObserver; logger?: Logger } = {},
  ) {}

  /** `integrationName` from the task input; absent means the default integration. */
  resolve(integrationName: unknown): { integration: Integration; client: CommonRoomClient } {
    const name =
      typeof integrationName === "string" && integrationName.trim() !== ""
        ? integrationName.trim()
        : this.config.defaultIntegration;
    const integration = this.config.integrations.get(name);
    if (!integration) {
      const known = [...this.config.integrations.keys()].map((n) => `"${n}"`).join(", ");
      throw new IntegrationError(
        "INTEGRATION_NOT_FOUND",
        `No integration named "${name}" is configured (configured: ${known || "none"})`,
      );
    }
    if (!integration.active) {
      throw new IntegrationError(
        "INTEGRATION_INACTIVE",
        `Integration "${name}" is configured but switched off (active: false)`,
      );
    }
    let client = this.clients.get(name);
    if (!client) {
      client = new CommonRoomClient({
        apiUrl: integration.apiUrl,
        apiToken: integration.apiToken,
        timeoutMs: this.config.requestTimeoutMs,
        observer: this.options.observer,
        logger: this.options.logger?.child({ integration: name }),
      });
      this.clients.set(name, client);
    }
    return { integration, client };
  }
}
