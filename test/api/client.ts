/** Calls into the API in-process, routed like the local host does; no vitest, so benchmarks use it too. */
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import { apiFunctions } from "../../shared/api/routes";
import type { ApiServices } from "../../shared/api/services";
import { compileRoutes, resolveRoute } from "../../dev/host/server";

export interface Answer {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

/** Calls the API in-process: routed like the local host does, handled like Azure does. */
export function apiClient(services: ApiServices | (() => Promise<ApiServices>), options: Parameters<typeof apiFunctions>[1] = {}) {
  const provider = typeof services === "function" ? services : () => Promise.resolve(services);
  const routes = compileRoutes(
    apiFunctions(provider, options).map(([name, o]) => ({
      name,
      route: o.route ?? name,
      methods: o.methods ?? [],
      authLevel: "function" as const,
      handler: o.handler as never,
    })),
  );
  return async (method: string, pathAndQuery: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> => {
    // Bytes, not a string: fetch would add a text/plain content type to a string body.
    const url = new URL(pathAndQuery, "http://localhost");
    const match = resolveRoute(routes, url.pathname, method);
    if (!match) return { status: 404, headers: new Headers(), json: undefined, text: "" };
    const req = new HttpRequest({
      method,
      url: url.toString(),
      params: match.params,
      headers: init.headers,
      body: init.body === undefined ? undefined : { bytes: Buffer.from(init.body) },
    });
    const init2 = await match.reg.handler(req, new InvocationContext({ functionName: match.reg.name, logHandler: () => undefined }));
    const res = init2 instanceof HttpResponse ? init2 : new HttpResponse(init2 ?? {});
    const text = await res.text();
    const json = text && !res.headers.get("content-type")?.startsWith("text/plain") ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, json, text };
  };
}
