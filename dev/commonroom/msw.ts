/** msw request handlers that hand every request under the v1 or v2 base URL to the simulator core. */
import { http, type RequestHandler } from "msw";

export function createMswHandlers(core: {
  baseUrl: string;
  v2BaseUrl?: string;
  handle(request: Request): Promise<Response>;
}): RequestHandler[] {
  const bases = [core.baseUrl, ...(core.v2BaseUrl ? [core.v2BaseUrl] : [])];
  // The longer base first: when the v2 base is nested in the v1 base, either handler
  // hands the request to the same core, which tells the two APIs apart itself.
  bases.sort((a, b) => b.length - a.length);
  return bases.map((base) => http.all(`${base}/*`, ({ request }) => core.handle(request)));
}
