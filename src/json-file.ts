import { readFileSync } from "node:fs";

/**
 * Reads a JSON file for a configuration variable. A syntax error is told by line and column
 * (V8 gives only a character position, which no editor shows), a read error by its cause.
 * Returns the parsed value, or the problem as one line for the caller's ConfigError.
 */
export function readJsonFile(file: string): { value: unknown } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { problem: `cannot read it: ${(error as Error).message}` };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const at =
      position !== undefined
        ? lineAndColumn(text, Number(position))
        : message.includes("end of JSON")
          ? lineAndColumn(text, text.length)
          : undefined;
    const where = at ? `line ${at.line}, column ${at.column}: ` : "";
    // V8 quotes the text near the error in some messages: keep only its reason.
    const reason = message.replace(/\s*\(line \d+ column \d+\)/, "").replace(/, ".*$/s, "");
    return { problem: `cannot read it as JSON: ${where}${reason}` };
  }
}

/** 1-based line and column of the character at `offset`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
