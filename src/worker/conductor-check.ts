import type { Config } from "../config.js";
import { networkCause } from "./network-error.js";

const TIMEOUT_MS = 10_000;

/**
 * What `check` finds out about Conductor: whether CONDUCTOR_SERVER_URL answers, whether the
 * key and secret are taken (Orkes), and which of our task definitions are registered. Each
 * line names the URL it tried. Plain fetch, not the SDK: the SDK retries a refused key for
 * minutes before it says so.
 */
export async function checkConductor(
  config: Config,
  taskTypes: readonly string[],
): Promise<{ ok: boolean; lines: string[] }> {
  const base = config.conductor.serverUrl?.replace(/\/+$/, "");
  if (!base) return { ok: true, lines: ["Conductor: CONDUCTOR_SERVER_URL not set, not checked"] };
  const headers: Record<string, string> = {};
  const { authKey, authSecret } = config.conductor;
  if (authKey && authSecret) {
    const url = `${base}/token`;
    const answer = await call(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ keyId: authKey, keySecret: authSecret }),
    });
    if ("failure" in answer) return { ok: false, lines: [answer.failure] };
    if (answer.status === 401 || answer.status === 403) {
      return {
        ok: false,
        lines: [
          `Conductor: POST ${url} answered ${answer.status}: CONDUCTOR_AUTH_KEY / CONDUCTOR_AUTH_SECRET refused`,
        ],
      };
    }
    const token = (answer.json as { token?: unknown } | undefined)?.token;
    if (answer.status === 200 && typeof token === "string") headers["X-Authorization"] = token;
    else if (answer.status !== 404) {
      // 404: Conductor OSS has no token endpoint and needs no key.
      return {
        ok: false,
        lines: [`Conductor: POST ${url} answered ${answer.status} without a token`],
      };
    }
  }
  const url = `${base}/metadata/taskdefs`;
  const answer = await call(url, { headers });
  if ("failure" in answer) return { ok: false, lines: [answer.failure] };
  if (answer.status !== 200 || !Array.isArray(answer.json)) {
    const why =
      answer.status === 401 || answer.status === 403
        ? "authentication required or refused: set CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET"
        : "not a list of task definitions: is CONDUCTOR_SERVER_URL the API base, ending in /api?";
    return { ok: false, lines: [`Conductor: GET ${url} answered ${answer.status}: ${why}`] };
  }
  const registered = new Set(
    answer.json.map((def) => (def as { name?: unknown } | null)?.name).filter(Boolean),
  );
  const missing = taskTypes.filter((t) => !registered.has(t));
  const count = `${taskTypes.length - missing.length} of ${taskTypes.length} task definitions registered`;
  return {
    ok: true,
    lines: [
      missing.length === 0
        ? `Conductor at ${base}: reachable, ${count}`
        : `Conductor at ${base}: reachable, ${count}; missing: ${missing.join(", ")} (run: commonroom-worker register)`,
    ],
  };
}

type Answer = { status: number; json?: unknown } | { failure: string };

async function call(url: string, init: RequestInit): Promise<Answer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  } catch (error) {
    return {
      failure: `Conductor: ${init.method ?? "GET"} ${url} failed: ${networkCause(error)}`,
    };
  }
}
