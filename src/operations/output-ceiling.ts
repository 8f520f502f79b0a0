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
