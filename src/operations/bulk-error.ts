/** A bulk task in which no item was accepted; retryable when any item's failure was. */
export class BulkFailedError extends Error {
  override readonly name = "BulkFailedError";
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The per-item results, kept in the task output beside the error. */
    readonly output: Record<string, unknown>,
  ) {
    super(message);
  }
}
