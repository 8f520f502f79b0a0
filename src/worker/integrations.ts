import { CommonRoomClient, type CommonRoomObserver } from "../commonroom/client.js";
import { Pacer, type PacerObserver } from "../commonroom/pacer.js";
import { Catalog } from "../operations/catalog.js";
import type { Config, Integration } from "../config.js";
import type { Logger } from "../logger.js";
import { IntegrationError } from "../operations/errors.js";

export interface ResolvedIntegration {
  integration: Integration;
  client: CommonRoomClient;
  catalog: Catalog;
}

/**
 * The configured integrations, each with one client and one catalog made on first use.
 * Common Room limits per API token, so integrations that share a token share one pacer.
 */
export class Integrations {
  private readonly resolved = new Map<string, ResolvedIntegration>();
  private readonly pacers = new Map<string, Pacer>();

  constructor(
    private readonly config: Pick<
      Config,
      "integrations" | "defaultIntegration" | "requestTimeoutMs" | "catalogTtlSeconds"
    > &
      Partial<Pick<Config, "pacing" | "maxRateWaitMs">>,
    private readonly options: {
      observer?: CommonRoomObserver;
      pacerObserver?: PacerObserver;
      logger?: Logger;
    } = {},
  ) {}

  /**
   * The integration's name for a metric label: a configured name, or "unknown", never the
   * input's free text, so the label's values stay as few as the configured integrations.
   */
  labelOf(integrationName: unknown): string {
    const name = this.nameOf(integrationName);
    return this.config.integrations.has(name) ? name : "unknown";
  }

  /** `integrationName` from the task input; absent means the default integration. */
  resolve(integrationName: unknown): ResolvedIntegration {
    const name = this.nameOf(integrationName);
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
    let resolved = this.resolved.get(name);
    if (!resolved) {
      const client = new CommonRoomClient({
        apiUrl: integration.apiUrl,
        apiV2Url: integration.apiV2Url,
        apiToken: integration.apiToken,
        timeoutMs: this.config.requestTimeoutMs,
        ...(this.config.maxRateWaitMs !== undefined && {
          retry: { maxRateWaitMs: this.config.maxRateWaitMs },
        }),
        observer: this.options.observer,
        pacer: this.pacerOf(integration),
        logger: this.options.logger?.child({ integration: name }),
      });
      resolved = {
        integration,
        client,
        catalog: new Catalog(client, this.config.catalogTtlSeconds),
      };
      this.resolved.set(name, resolved);
    }
    return resolved;
  }

  private nameOf(integrationName: unknown): string {
    return typeof integrationName === "string" && integrationName.trim() !== ""
      ? integrationName.trim()
      : this.config.defaultIntegration;
  }

  /** The token's pacer, named after the first integration that uses the token. */
  private pacerOf(integration: Integration): Pacer {
    let pacer = this.pacers.get(integration.apiToken);
    if (!pacer) {
      pacer = new Pacer({
        name: integration.name,
        enabled: this.config.pacing ?? true,
        maxWaitMs: this.config.maxRateWaitMs,
        observer: this.options.pacerObserver,
        logger: this.options.logger?.child({ integration: integration.name }),
      });
      this.pacers.set(integration.apiToken, pacer);
    }
    return pacer;
  }
}
