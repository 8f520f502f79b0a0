import { readVariable, type Env } from "../config.js";

/** WORKER_HTTP_PORT as the worker reads it (`*_FILE` too); undefined when unset or not a port. */
export function healthPortOf(env: Env): number | undefined {
  let value: string | undefined;
  try {
    value = readVariable(env, "WORKER_HTTP_PORT");
  } catch {
    return undefined; // an unreadable *_FILE: the worker itself reports it
  }
  if (value === undefined || value.trim() === "") return 9464; // the worker's default
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
