import { readFile } from "node:fs/promises";
import { UsageError } from "./command.js";

/**
 * `--input` as given: inline JSON, `@path` for a file, or `-` for standard input. Large
 * inputs (a bulk batch of a thousand users) do not fit on a command line.
 */
export async function readInput(raw: string | undefined): Promise<unknown> {
  const { text, from } = await inputText(raw ?? "{}");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--input${from} is not JSON: ${(error as Error).message}`);
  }
}

async function inputText(raw: string): Promise<{ text: string; from: string }> {
  if (raw === "-") return { text: await readStdin(), from: " (standard input)" };
  if (raw.startsWith("@")) {
    const path = raw.slice(1);
    try {
      return { text: await readFile(path, "utf8"), from: ` (${path})` };
    } catch (error) {
      throw new UsageError(`--input ${raw}: cannot read ${path}: ${(error as Error).message}`);
    }
  }
  return { text: raw, from: "" };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
