/** The task names an integration that is not configured, or is switched off. */
export class IntegrationError extends Error {
  override readonly name = "IntegrationError";
  constructor(
    readonly code: "INTEGRATION_NOT_FOUND" | "INTEGRATION_INACTIVE",
    message: string,
  ) {
    super(message);
  }
}
