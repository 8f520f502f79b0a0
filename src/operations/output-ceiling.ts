/**
 * The ceiling on one task's output (COMMON_ROOM_MAX_OUTPUT_BYTES). Conductor moves an output
 * over its threshold (3 MB by default in OSS) to external storage, where the default storage
 * hands later tasks an empty input, and fails the task above 10 MB; so list operations stop
 * collecting before this, bulk results are kept short, and anything else over it fails.
 */
/** The size of a value as the JSON Conductor receives, in bytes. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

/** An output over the ceiling that the operation could not cut down itself. */
export class OutputTooLargeError extends Error {
  override readonly name = "OutputTooLargeError";
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
    hint = "",
  ) {
    super(
      `the task's output would be ${bytes} bytes, over COMMON_ROOM_MAX_OUTPUT_BYTES (${maxBytes})${hint ? `; ${hint}` : ""}`,
    );
  }
}
