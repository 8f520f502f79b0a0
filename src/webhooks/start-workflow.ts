import type { ConductorClient } from "../worker/conductor.js";

/** Conductor's StartWorkflowRequest, with the fields a webhook start sets. */
export interface StartWorkflowRequest {
  name: string;
  version?: number;
  input: Record<string, unknown>;
  correlationId: string;
  /** Orkes honours these; Conductor OSS ignores them (the listener dedupes itself too). */
  idempotencyKey: string;
  idempotencyStrategy: "RETURN_EXISTING";
}

export type StartOutcome =
  | { kind: "started"; workflowId: string }
  /** No answer, or a 5xx: the sender should try again later. */
  | { kind: "unreachable"; detail: string }
  /** A 4xx: Conductor will not start it as configured (unknown workflow, bad request). */
  | { kind: "refused"; status: number; detail: string };

export class StartFailed extends Error {
  constructor(readonly outcome: Exclude<StartOutcome, { kind: "started" }>) {
    super(outcome.detail);
  }
}

/**
 * POST /api/workflow through the SDK's client, so its auth, TLS and proxy settings apply
 * (and its retries of connection failures). Resolves with the workflow id; rejects with
 * StartFailed saying whether a retry can help.
 */
export async function startWorkflow(
  client: ConductorClient,
  request: StartWorkflowRequest,
): Promise<string> {
  let result: { data?: unknown; error?: unknown; response?: Response };
  try {
    result = await client.post<string, unknown, false>({
      security: [{ name: "X-Authorization", type: "apiKey" }],
      url: "/api/workflow",
      body: request,
      headers: { "Content-Type": "application/json" },
      parseAs: "text",
      throwOnError: false,
    });
  } catch (error) {
    throw new StartFailed({ kind: "unreachable", detail: describe(error) });
  }
  const { data, error, response } = result;
  if (!response) throw new StartFailed({ kind: "unreachable", detail: describe(error) });
  if (response.ok && typeof data === "string" && data.trim() !== "") return data.trim();
  const detail = `Conductor answered ${response.status}: ${describe(error ?? data)}`;
  if (response.status >= 500 || response.ok) throw new StartFailed({ kind: "unreachable", detail });
  throw new StartFailed({ kind: "refused", status: response.status, detail });
}

function describe(error: unknown): string {
  if (error === undefined || error === null) return "no answer";
  if (typeof error === "string") return error.slice(0, 200);
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    return `${error.message}${typeof cause === "string" ? ` (${cause})` : ""}`.slice(0, 200);
  }
  if (typeof error === "object" && "message" in error) return String(error.message).slice(0, 200);
  return JSON.stringify(error).slice(0, 200);
}
