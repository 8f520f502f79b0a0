/** msw request handlers that hand every request under the base URL to the simulator core. */
import { http, type RequestHandler } from "msw";

export function createMswHandlers(core: {
  baseUrl: string;
  handle(request: Request): Promise<Response>;
}): RequestHandler[] {
  return [http.all(`${core.baseUrl}/*`, ({ request }) => core.handle(request))];
}
