/**
 * Where the dashboard lives: the page URLs (also built by digests, see shared/digest/links.ts) and
 * the API next to it. The HTML names its base in a meta tag so nothing is inferred from the script.
 */
const meta = typeof document === "undefined" ? null : document.querySelector<HTMLMetaElement>('meta[name="fleet-base"]');

/** The dashboard's own path, e.g. `/api/dashboard`. */
export const BASE = (meta?.content ?? "/api/dashboard").replace(/\/+$/, "");
/** The API's path, e.g. `/api`. */
export const API_BASE = BASE.replace(/\/dashboard$/i, "");

/** A page's URL: `page("failures", { catalogId })`. Empty query values are dropped. */
export function page(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])));
  const search = q.toString();
  return `${BASE}/${path.replace(/^\/+/, "")}${search ? `?${search}` : ""}`;
}

/** The cluster page: the ARM id is the rest of the path, as in the API. */
export function clusterPage(clusterId: string): string {
  return `${BASE}/clusters${clusterId}`;
}

export function clusterApi(clusterId: string): string {
  return `clusters${clusterId}`;
}
