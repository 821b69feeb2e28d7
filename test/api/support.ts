/** A small fleet in Azurite, and calls into the API through the host's own routing. */
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import { apiFunctions } from "../../shared/api/routes";
import { openApiServices, type ApiServices } from "../../shared/api/services";
import { compileRoutes, resolveRoute } from "../../dev/host/server";
import { openFleetHistory } from "../../shared/store";
import type { FleetHistory } from "../../shared/store/types";
import { cluster, FLUX_FAIL, HELM_FAIL, snapshot, SUB_B } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";

export { FLUX_FAIL, HELM_FAIL } from "../store/fixtures";

/**
 * Two sweeps 15 minutes apart:
 * - alpha: healthy, then its flux extension fails;
 * - bravo: flux fails in both sweeps;
 * - charlie (AKS, other subscription): monitoring fails, then recovers (one 15-minute episode);
 * - delta: healthy throughout.
 */
export async function seedFleet(history: FleetHistory) {
  const first = snapshot(
    [cluster("alpha"), cluster("bravo", { flux: FLUX_FAIL }), cluster("charlie", { monitor: HELM_FAIL }, { sub: SUB_B, kind: "aks" }), cluster("delta")],
    { minute: 0, sweepId: "sweep-1" },
  );
  const second = snapshot(
    [cluster("alpha", { flux: FLUX_FAIL }), cluster("bravo", { flux: FLUX_FAIL }), cluster("charlie", {}, { sub: SUB_B, kind: "aks" }), cluster("delta")],
    { minute: 15, sweepId: "sweep-2" },
  );
  await history.recordSweep(first);
  await history.recordSweep(second);
  return { first, second };
}

export async function openSeeded(label: string): Promise<{ services: ApiServices; history: FleetHistory; prefix: string }> {
  const prefix = uniquePrefix(label);
  const options = { connectionString: tablesConnection(), tablePrefix: prefix };
  const history = await openFleetHistory(options);
  await seedFleet(history);
  return { services: await openApiServices(options, { refreshMs: 0 }), history, prefix };
}

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
