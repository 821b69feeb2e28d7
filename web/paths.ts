/**
 * Where the dashboard lives: the page URLs (also built by digests, see shared/digest/links.ts) and
 * the API next to it. The HTML names its base in a meta tag so nothing is inferred from the script.
 */
const meta = (name: string) => (typeof document === "undefined" ? null : document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`));

/** The dashboard's own path: empty, as it is at the app's root. */
export const BASE = (meta("fleet-base")?.content ?? "").replace(/\/+$/, "");
/** The API's path, e.g. `/api`. */
export const API_BASE = (meta("fleet-api")?.content ?? "/api").replace(/\/+$/, "");

/** A path of this origin the dashboard shows (not the API's, which the browser opens as it is). */
export function isPagePath(pathname: string): boolean {
  const p = pathname.toLowerCase();
  const api = API_BASE.toLowerCase();
  return p.startsWith(BASE.toLowerCase()) && p !== api && !p.startsWith(`${api}/`);
}

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
