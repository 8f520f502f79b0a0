import type { ConductorFault } from "./types.js";

/** Whether an injected fault hits this request (shared by the fake and the recording proxy). */
export function faultApplies(fault: ConductorFault, method: string, path: string): boolean {
  if (fault.routes === "all") return true;
  if (fault.routes === "polls") return method === "GET" && path.startsWith("/api/tasks/poll/");
  return method === "POST" && (path === "/api/tasks" || path === "/api/tasks/update-v2");
}
