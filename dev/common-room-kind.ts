/**
 * Whether COMMON_ROOM_API_URL is the real Common Room or a simulator, told by what it
 * answers rather than by the variables: a shell that kept an earlier sandbox's exports has a
 * token set, yet points at that sandbox's simulator.
 */
import { SIMULATOR_HEADER } from "./commonroom/responses.js";

export type CommonRoomKind = "simulator" | "not-a-simulator" | "no-answer";

export async function commonRoomKind(apiUrl: string, token: string): Promise<CommonRoomKind> {
  try {
    const response = await fetch(`${apiUrl.replace(/\/+$/, "")}/api-token-status`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(3000),
    });
    await response.body?.cancel();
    return response.headers.has(SIMULATOR_HEADER) ? "simulator" : "not-a-simulator";
  } catch {
    return "no-answer";
  }
}
