import type { ZodError } from "zod";

export interface InputIssue {
  /** Dotted path into the task input, e.g. "user.customFields.0.value.value". */
  path: string;
  message: string;
}

/** The task input is wrong; retrying the same input cannot help. */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
  constructor(readonly issues: InputIssue[]) {
    super(
      issues
        .slice(0, 5)
        .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
        .join("; ") + (issues.length > 5 ? `; and ${issues.length - 5} more` : ""),
    );
  }

  static fromZod(error: ZodError): InvalidInputError {
    return new InvalidInputError(
      error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: unionMessage(issue) ?? issue.message,
      })),
    );
  }

  static field(path: string, message: string): InvalidInputError {
    return new InvalidInputError([{ path, message }]);
  }
}

/** zod says only "Invalid input" for a union; the first branch's reason is more useful. */
function unionMessage(issue: ZodError["issues"][number]): string | undefined {
  if (issue.code !== "invalid_union") return undefined;
  const first = issue.unionErrors[0]?.issues[0];
  return first ? first.message : undefined;
}
