/**
 * The route table: every HTTP function of the API, in one list that functions/api.ts registers, the
 * local host serves and the OpenAPI document describes.
 */
import type { HttpFunctionOptions } from "@azure/functions";
import { ALL_METHODS, defineRoute, toHttpHandler, type RouteDef } from "../http";
import type { ApiServices } from "../services";
import { classifyMessage, getCatalogEntry, listCatalog } from "./catalog";
import { getCluster, getClusterHistory, listClusters } from "./clusters";
import { getDigest, getDigestEmail, listDigests } from "./digests";
import { getSummary, listFailures, listIncidents, listSweeps } from "./fleet";
import { getMetrics } from "./metrics";
import { OPERATION_ROUTES } from "./operations";
import { getClusterTimeline } from "./timeline";
import { tracedHandler } from "../telemetry";
import { StaleReads, type StaleReadOptions } from "../stale-reads";

const health = defineRoute({
  name: "health",
  route: "health",
  authLevel: "anonymous",
  tag: "meta",
  summary: "Liveness; needs no key and reads no storage",
  response: "Health",
  async handle() {
    return { body: { status: "ok" as const, time: new Date().toISOString() }, headers: { "cache-control": "no-store" } };
  },
});

const openapi = defineRoute({
  name: "openapi",
  route: "openapi.json",
  tag: "meta",
  summary: "This OpenAPI 3.1 document",
  response: "OpenApi",
  async handle() {
    // Loaded on first use: the document needs the schemas, which no cold start should pay for.
    const { openApiDocument } = await import("../openapi");
    return { body: openApiDocument(API_ROUTES) };
  },
});

export const API_ROUTES: readonly RouteDef[] = [
  health,
  openapi,
  getSummary,
  listClusters,
  getCluster,
  getClusterHistory,
  getClusterTimeline,
  listFailures,
  listIncidents,
  listCatalog,
  getCatalogEntry,
  classifyMessage,
  listSweeps,
  listDigests,
  getDigest,
  getDigestEmail,
  getMetrics,
  ...OPERATION_ROUTES,
];

/**
/**
 * The API's path below the app's root. host.json's routePrefix is empty so the dashboard can answer at
 * the app's base URL; the API keeps its `/api/...` URLs by carrying the prefix in each route.
 */
export const API_PREFIX = "api";

/**
 * The `app.http` registrations: every method goes to the handler so a wrong one gets our 405, not the host's 404.
 * Reads outlast a short storage outage with a stale-marked answer (stale-reads.ts).
 */
export function apiFunctions(services: () => Promise<ApiServices>, options: { staleReads?: StaleReadOptions } = {}): Array<[string, HttpFunctionOptions]> {
  const stale = new StaleReads(options.staleReads);
  return API_ROUTES.map((def) => [
    def.name,
    {
      route: `${API_PREFIX}/${def.route}`,
      methods: ALL_METHODS,
      authLevel: def.authLevel,
      handler: tracedHandler(def, stale.wrap(toHttpHandler(def, services))),
    },
  ]);
}
