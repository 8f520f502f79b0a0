/**
 * A poll that did not get a proper answer: Conductor could not be reached, or something
 * answered that is not Conductor (an HTML page, a proxy's error, a 404 from a wrong path).
 * It is never read as "no tasks": the poll loop backs off, and /readyz turns 503 when it lasts.
 */
export class PollError extends Error {
  override readonly name = "PollError";

  private constructor(
    message: string,
    readonly url: string,
    /** The HTTP status, when something answered. */
    readonly status: number | undefined,
    /** The first bytes of what came back, or the transport error's cause. */
    readonly received: string,
  ) {
    super(message);
  }

  /** Nothing answered: connection refused, DNS, TLS, timeout. */
  static unreachable(url: string, error: unknown): PollError {
    const cause = causeOf(error);
    return new PollError(`no answer from ${url}: ${cause}`, url, undefined, cause);
  }

  /** Something answered, but not with a JSON array of tasks. */
  static answered(url: string, status: number, body: string): PollError {
    const received = firstBytes(body);
    const what = received === "" ? "an empty body" : JSON.stringify(received);
    return new PollError(
      `${url} answered ${status} with ${what}, not a JSON array of tasks`,
      url,
      status,
      received,
    );
  }
}

const FIRST_BYTES = 120;

function firstBytes(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > FIRST_BYTES ? `${flat.slice(0, FIRST_BYTES)}…` : flat;
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED 127.0.0.1:1, ENOTFOUND) is its cause. */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const nested =
      cause instanceof AggregateError && cause.errors[0] instanceof Error
        ? cause.errors[0].message
        : cause.message;
    const detail = nested || cause.message;
    return typeof code === "string" && !detail.includes(code) ? `${code} ${detail}` : detail;
  }
  return error.message;
}
