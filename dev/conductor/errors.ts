/**
 * The server's ErrorResponse: a numeric `status` is always present because the SDK's
 * auth backoff and the worker's error handling key on it.
 */
export interface ValidationError {
  path: string;
  message: string;
  invalidValue?: unknown;
}

export class ConductorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {
      retryable?: boolean;
      validationErrors?: ValidationError[];
      error?: string;
    } = {},
  ) {
    super(message);
  }

  body(instance: string): Record<string, unknown> {
    const body: Record<string, unknown> = {
      status: this.status,
      message: this.message,
      instance,
      retryable: this.extra.retryable ?? false,
    };
    if (this.extra.error) body.error = this.extra.error;
    if (this.extra.validationErrors) body.validationErrors = this.extra.validationErrors;
    return body;
  }
}

export const notFound = (message: string) => new ConductorError(404, message);
export const badRequest = (message: string) => new ConductorError(400, message);
export const conflict = (message: string) => new ConductorError(409, message);

/** Bean-validation failures: 400 with the fixed headline and per-field details. */
export const validationFailed = (errors: ValidationError[]) =>
  new ConductorError(400, "Validation failed, check below errors for detail.", {
    validationErrors: errors,
  });
