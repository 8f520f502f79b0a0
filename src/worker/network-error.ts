/**
 * A network failure as an operator can act on it: Node's fetch says only "fetch failed" and
 * keeps the reason in `cause` (often nested: the Conductor SDK wraps fetch's error in its own,
 * under `_trace`), e.g.
 * `connect ECONNREFUSED 127.0.0.1:8080` or `getaddrinfo ENOTFOUND conductor`.
 */
export function networkCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    const { message, code } = current as { message?: unknown; code?: unknown };
    const text = typeof message === "string" && message !== "" ? message : String(current);
    // Each level adds only what the one above did not already say.
    if (!parts.some((p) => p.includes(text))) parts.push(text);
    if (typeof code === "string" && !parts.some((p) => p.includes(code))) parts.push(code);
    const { cause, _trace } = current as { cause?: unknown; _trace?: unknown };
    current = cause ?? _trace;
  }
  return parts.join(": ");
}
