/** What a secret becomes wherever it would otherwise be written. */
export const REDACTED = "[REDACTED]";

/**
 * Replaces every occurrence of each non-empty secret in a text. Used by the logger as the
 * last line of defence (whatever object shape reaches it, the token's characters never reach
 * the output) and by the client on anything Common Room echoes back into an error.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}
