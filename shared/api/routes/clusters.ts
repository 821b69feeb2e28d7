/**
 * Clusters: the filtered, sorted, paged list, one cluster with every component and its open
 * failures, and its timeline with failure episodes.
 *
 * A cluster is addressed by its ARM id written as the path after `/api/clusters`:
 * `/api/clusters/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Kubernetes/connectedClusters/<name>`.
 * The id's own slashes are path separators there, so nothing needs encoding: an id URL-encoded into
 * one segment (`%2F`) is refused with a 404 by Azure's front end before the function runs.
 */
import { HEALTH_STATES, normalizeId, worstState, type HealthState } from "../../core/model";
import { collect } from "../../store/paging";
import { failureEpisodes } from "../episodes";
import { badParameter, notFound } from "../errors";
import { isOpenFailure, type ClusterRow, type FleetView } from "../fleet-view";
import { defineRoute, type PathParamSpec } from "../http";
import { clusterNotes, failureMarker } from "../operations-view";
import { pageBody, pageByKey, sortedBy, type SortedList } from "../paging";
import type { QuerySpec } from "../params";
import { queryDigest, TOKEN_PARAMETER } from "../token";
import { clusterIdentityView, componentView, linksOf, openFailureView } from "../views";

const STATE_RANK = new Map<HealthState, number>(HEALTH_STATES.map((s, i) => [s, i]));

const CLUSTER_TYPES: Record<string, string> = {
  "microsoft.kubernetes/connectedclusters": "arc",
  "microsoft.containerservice/managedclusters": "aks",
};

export const CLUSTER_ROUTE = "clusters/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/{provider}/{clusterType}/{clusterName}";

const GUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

export const CLUSTER_PATH: Record<string, PathParamSpec> = {
  subscriptionId: { description: "Subscription id (GUID) from the cluster's ARM id", pattern: GUID },
  resourceGroup: { description: "Resource group from the cluster's ARM id" },
  provider: { description: "`Microsoft.Kubernetes` (Arc) or `Microsoft.ContainerService` (AKS)" },
  clusterType: { description: "`connectedClusters` (Arc) or `managedClusters` (AKS)" },
  clusterName: { description: "Cluster name" },
};

/** The canonical cluster id from the route values; a 400 naming the part that cannot be an ARM cluster id. */
export function clusterIdFromParams(params: Record<string, string>): string {
  const { subscriptionId = "", resourceGroup = "", provider = "", clusterType = "", clusterName = "" } = params;
  if (!new RegExp(GUID).test(subscriptionId))
    throw badParameter("subscriptionId", `"${subscriptionId.slice(0, 40)}" is not a subscription id (GUID)`, "InvalidClusterId");
  if (!CLUSTER_TYPES[`${provider}/${clusterType}`.toLowerCase()]) {
    throw badParameter(
      "clusterType",
      `"${provider}/${clusterType}" is not a cluster type; use Microsoft.Kubernetes/connectedClusters or Microsoft.ContainerService/managedClusters`,
      "InvalidClusterId",
    );
  }
  if (!resourceGroup || !clusterName) throw badParameter(!resourceGroup ? "resourceGroup" : "clusterName", "must not be empty", "InvalidClusterId");
  return normalizeId(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${clusterType}/${clusterName}`);
}

export const unknownCluster = (id: string) => notFound(`clusterId: no cluster ${id} in the history`, "clusterId");

/** The API path of a cluster (the id is already canonical, so it is its own path). */
export function clusterHref(clusterId: string): string {
  return `/api/clusters${clusterId}`;
}

const SORTS = ["name", "state", "id", "failingSince"] as const;

const LIST_QUERY = {
  state: { type: "enum", values: HEALTH_STATES, list: true, description: "Comma-separated cluster states (the worst state over the cluster's components)" },
  subscription: { type: "string", pattern: /^[0-9a-f-]{36}$/i, description: "Subscription id" },
  resourceGroup: { type: "string", description: "Resource group name (case-insensitive)" },
  kind: { type: "enum", values: ["arc", "aks"], description: "`arc` (connectedClusters) or `aks` (managedClusters)" },
  extensionType: { type: "string", description: "Clusters with an extension of this type, e.g. `microsoft.flux`" },
  catalogId: { type: "string", description: "Clusters with an open failure classified as this catalog entry" },
  location: { type: "string", maxLength: 64, description: "Azure region, e.g. `westeurope` (case-insensitive)" },
  tag: {
    type: "string",
    maxLength: 512,
    pattern: /^[^=]+(=[\s\S]*)?$/,
    description: "`name=value`: clusters with this tag (name case-insensitive, value exact); `name`: with the tag at any value",
  },
  search: { type: "string", maxLength: 128, description: "Case-insensitive substring of the cluster name" },
  sort: { type: "enum", values: SORTS, description: "`name` (default), `state` (worst first), `id`, or `failingSince` (longest failing first)" },
  limit: { type: "integer", min: 1, max: 1000, default: 100, description: "Page size" },
  [TOKEN_PARAMETER]: { type: "string", maxLength: 2048, description: "From the previous page" },
} satisfies QuerySpec;

/** `name=value` or `name`: Azure tag names compare case-insensitively, values exactly. */
function tagFilter(raw: string): (tags: Record<string, string> | undefined) => boolean {
  const at = raw.indexOf("=");
  const name = (at < 0 ? raw : raw.slice(0, at)).toLowerCase();
  const value = at < 0 ? undefined : raw.slice(at + 1);
  return (tags) => Object.entries(tags ?? {}).some(([k, v]) => k.toLowerCase() === name && (value === undefined || v === value));
}

/** Sort keys are strings so a page boundary is one comparable value; the id makes each unique. */
const SORT_KEYS: Record<(typeof SORTS)[number], (row: ClusterRow) => string> = {
  name: (r) => `${r.name.toLowerCase()}\u0000${r.id}`,
  state: (r) => `${9 - (STATE_RANK.get(r.state) ?? 0)}\u0000${r.name.toLowerCase()}\u0000${r.id}`,
  id: (r) => r.id,
  failingSince: (r) => `${r.failingSince ?? "~"}\u0000${r.id}`,
};

/** The view's clusters in one sort order, computed once per view and sort. */
const sortedViews = new WeakMap<FleetView, Map<string, SortedList<ClusterRow>>>();
function clustersSorted(view: FleetView, sort: (typeof SORTS)[number]): SortedList<ClusterRow> {
  let orders = sortedViews.get(view);
  if (!orders) sortedViews.set(view, (orders = new Map()));
  let list = orders.get(sort);
  if (!list) orders.set(sort, (list = sortedBy(view.clusters, SORT_KEYS[sort])));
  return list;
}

export const listClusters = defineRoute({
  name: "listClusters",
  route: "clusters",
  tag: "clusters",
  summary: "Clusters, filtered, sorted and paged",
  query: LIST_QUERY,
  response: "ClusterPage",
  async handle({ query, services }) {
    const view = await (await services()).view();
    const states = query.state ? new Set(query.state) : undefined;
    const rg = query.resourceGroup?.toLowerCase();
    const sub = query.subscription?.toLowerCase();
    const ext = query.extensionType?.toLowerCase();
    const search = query.search?.toLowerCase();
    const location = query.location?.toLowerCase();
    const tag = query.tag === undefined ? undefined : tagFilter(query.tag);
    const keep = (r: ClusterRow) =>
      (!states || states.has(r.state)) &&
      (!sub || r.subscriptionId.toLowerCase() === sub) &&
      (!rg || r.resourceGroup.toLowerCase() === rg) &&
      (!query.kind || r.kind === query.kind) &&
      (!ext || r.extensionTypes.includes(ext)) &&
      (!query.catalogId || r.catalogIds.includes(query.catalogId)) &&
      (!search || r.name.toLowerCase().includes(search)) &&
      (!location || r.location?.toLowerCase() === location) &&
      (!tag || tag(r.tags));
    const { [TOKEN_PARAMETER]: token, limit, ...filters } = query;
    const result = pageByKey(clustersSorted(view, query.sort ?? "name"), {
      keep,
      limit: limit ?? 100,
      continuationToken: token,
      query: queryDigest({ route: "clusters", ...filters, state: query.state?.join(",") }),
    });
    return { body: pageBody(result, (row) => ({ ...row, href: clusterHref(row.id), links: linksOf(row.armId, "cluster") })) };
  },
});

export const getCluster = defineRoute({
  name: "getCluster",
  route: CLUSTER_ROUTE,
  tag: "clusters",
  summary: "One cluster: every component with state, reason and evidence, and each open failure with its catalog entry",
  description: "The cluster's ARM id is the path after `/api/clusters`, slashes included.",
  path: CLUSTER_PATH,
  response: "ClusterDetail",
  errors: [404],
  async handle({ params, services }) {
    const id = clusterIdFromParams(params);
    const svc = await services();
    const components = await svc.history.getCluster(id);
    if (!components?.length) throw unknownCluster(id);
    const own = components.find((c) => c.kind === "cluster") ?? components[0];
    // Its own tags and the sweeps' subscription names: a cold process need not build the read model.
    const [mark, names] = await Promise.all([failureMarker(svc, () => own.tags), svc.subscriptionNames()]);
    const subscriptionName = names[own.subscriptionId];
    const identity = clusterIdentityView(own, subscriptionName);
    return {
      body: {
        id,
        ...identity,
        state: worstState(components.map((c) => c.state)),
        lastSeenAt: components.reduce((a, c) => (c.lastSeenAt > a ? c.lastSeenAt : a), ""),
        dark: Boolean(own.dark),
        links: linksOf(identity.armId, "cluster"),
        components: components.map(componentView),
        openFailures: components.filter((c) => isOpenFailure(c.state)).map((c) => mark(openFailureView(c, identity.armId, subscriptionName), c)),
      },
    };
  },
});

const HISTORY_QUERY = {
  from: { type: "date", description: "Start of the window: ISO 8601 or a duration back from now (`7d`); default: all history" },
  to: { type: "date", description: "End of the window: ISO 8601 or a duration back from now; default: now" },
} satisfies QuerySpec;

export const getClusterHistory = defineRoute({
  name: "getClusterHistory",
  route: `${CLUSTER_ROUTE}/history`,
  tag: "clusters",
  summary: "One cluster's timeline, with time to recover per failure episode",
  path: CLUSTER_PATH,
  query: HISTORY_QUERY,
  response: "ClusterHistory",
  errors: [404],
  async handle({ params, query, services }) {
    const id = clusterIdFromParams(params);
    if (query.from && query.to && query.from > query.to) throw badParameter("from", "is after to");
    const svc = await services();
    const { history } = svc;
    const transitions = await collect(history.listClusterTransitions(id, { from: query.from, to: query.to }));
    if (!transitions.length && !(await history.getCluster(id))?.length) throw unknownCluster(id);
    const notes = await clusterNotes(svc, id, query);
    return {
      body: {
        clusterId: id,
        from: query.from?.toISOString() ?? null,
        to: query.to?.toISOString() ?? null,
        transitions,
        episodes: failureEpisodes(transitions),
        notes,
      },
    };
  },
});
