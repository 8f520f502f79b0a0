import type { ParseArgsConfig } from "node:util";
import type { ProcessGuard } from "./process-guard.js";

/** Exit codes a script can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in the command line: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  guard: ProcessGuard;
}

/**
 * One command of the CLI. main.ts parses its options (strictly: an unknown one is a usage
 * error), answers --help from `usage`, and runs it. Adding a flag is one entry in `options`
 * and a line in `usage`.
 */
export interface Command {
  name: string;
  /** One line for the overall usage. */
  summary: string;
  /** The command's own --help text. */
  usage: string;
  options: Options;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  run(args: CommandArgs): Promise<number>;
}
