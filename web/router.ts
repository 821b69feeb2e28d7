/**
 * Path routing under the dashboard's base, so every page has a URL a digest can link to. Links inside
 * the base are followed without a reload; the server answers every such path with the same page.
 */
import { BASE, isPagePath } from "./paths";

export type Route =
  | { page: "overview" }
  | { page: "failures"; query: URLSearchParams }
  | { page: "clusters"; query: URLSearchParams }
  | { page: "cluster"; id: string }
  | { page: "catalog"; query: URLSearchParams }
  | { page: "entry"; id: string }
  | { page: "classify" }
  | { page: "silences" }
  | { page: "digest"; id: string; email?: true }
  | { page: "notFound" };

const CLUSTER_ID =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/(microsoft\.kubernetes\/connectedclusters|microsoft\.containerservice\/managedclusters)\/[^/]+$/i;

/** The page a path (below the base) and query name. */
export function routeOf(path: string, search = ""): Route {
  const query = new URLSearchParams(search);
  const p = decodeURIComponent(path).replace(/\/+$/, "");
  if (p === "" || p === "/overview") return { page: "overview" };
  if (p === "/failures") return { page: "failures", query };
  if (p === "/clusters") return { page: "clusters", query };
  if (p.toLowerCase().startsWith("/clusters/") && CLUSTER_ID.test(p.slice("/clusters".length))) return { page: "cluster", id: p.slice("/clusters".length) };
  if (p === "/catalog") return { page: "catalog", query };
  const entry = /^\/catalog\/([a-z0-9-]+)$/.exec(p);
  if (entry) return { page: "entry", id: entry[1] };
  if (p === "/classify") return { page: "classify" };
  if (p === "/silences") return { page: "silences" };
  const digest = /^\/digests\/([A-Za-z0-9_-]+)(\/email)?$/.exec(p);
  if (digest) return { page: "digest", id: digest[1], ...(digest[2] ? { email: true as const } : {}) };
  return { page: "notFound" };
}

export function currentRoute(): Route {
  const path = location.pathname;
  if (!isPagePath(path)) return { page: "notFound" };
  return routeOf(path.slice(BASE.length), location.search);
}

const listeners = new Set<() => void>();

export function onNavigate(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function navigate(url: string): void {
  history.pushState(null, "", url);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

/** Follows in-app links without a reload; other links, new tabs and modified clicks behave as usual. */
export function interceptLinks(): void {
  addEventListener("popstate", () => listeners.forEach((l) => l()));
  document.addEventListener("click", (e) => {
    const a = (e.target as Element).closest?.("a");
    if (!a || a.target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !isPagePath(url.pathname)) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}
