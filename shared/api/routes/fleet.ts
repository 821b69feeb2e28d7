/** Fleet-wide answers: the summary, failures open or resolved, fleet-wide incidents and the sweeps. */
import { getEntry } from "../../catalog";
import { CATEGORIES } from "../../catalog/types";
import type { ComponentRecord, TransitionRecord } from "../../store/types";
import { incidentKey } from "../../telemetry/gauges";
import { defineRoute } from "../http";
import type { FleetView } from "../fleet-view";
import { pageBody, pageByKey, sortedBy, storePage, type SortedList } from "../paging";
import { parseDateParam, type QuerySpec } from "../params";
import type { IncidentBody } from "../schemas";
import { decodeToken, encodeToken, queryDigest, TOKEN_PARAMETER } from "../token";
import { failureMarker, incidentMarker } from "../operations-view";
import { clusterArmIdOf, openFailureView } from "../views";
import { SCOPE_QUERY, scopeMatcher } from "../scope-filter";

export const getSummary = defineRoute({
  name: "getSummary",
  route: "summary",
  tag: "fleet",
  summary: "Counts by state, catalog entry and category, extension type, subscription and cluster kind; the last complete sweep; partial scopes",
  response: "Summary",
  async handle({ services }) {
    return { body: await (await services()).summary() };
  },
});

const TOKEN = { type: "string", maxLength: 2048, description: "From the previous page" } as const;
const LIMIT = { type: "integer", min: 1, max: 1000, default: 100, description: "Page size" } as const;

const FAILURE_QUERY = {
  status: { type: "enum", values: ["open", "resolved"], description: "`open` (default): failing or degraded now; `resolved`: recovered in the window" },
  since: { type: "date", description: "Open: episodes that began at or after; resolved: recoveries at or after (default `7d`). ISO 8601 or `24h`, `7d`" },
  catalogId: { type: "string", description: "Catalog entry id" },
  category: { type: "enum", values: CATEGORIES, description: "Catalog category" },
  ...SCOPE_QUERY,
  limit: LIMIT,
  [TOKEN_PARAMETER]: TOKEN,
} satisfies QuerySpec;

function resolvedView(t: TransitionRecord) {
  return {
    componentId: t.componentId,
    componentName: t.componentName,
    componentKind: t.componentKind,
    clusterId: t.clusterId,
    clusterName: t.clusterName,
    subscriptionId: t.subscriptionId,
    ...(t.extensionType ? { extensionType: t.extensionType } : {}),
    recoveredAt: t.at,
    catalogId: t.endedCatalogId ?? null,
    ...(t.previousDurationMs !== undefined ? { timeToRecoverMs: t.previousDurationMs } : {}),
  };
}

/** Open failures oldest episode first, keyed once per view. */
const openSorted = new WeakMap<FleetView, SortedList<ComponentRecord>>();
function openFailuresSorted(view: FleetView): SortedList<ComponentRecord> {
  let list = openSorted.get(view);
  if (!list) openSorted.set(view, (list = sortedBy(view.openFailures, (c) => `${c.firstSeenFailingAt ?? ""}\u0000${c.id}`)));
  return list;
}

export const listFailures = defineRoute({
  name: "listFailures",
  route: "failures",
  tag: "fleet",
  summary: "Failures open now or resolved in a window, each with its catalog entry",
  query: FAILURE_QUERY,
  response: "FailurePage",
  async handle({ query, services }) {
    const { [TOKEN_PARAMETER]: token, limit = 100, ...filters } = query;
    const digest = queryDigest({ route: "failures", ...filters, since: filters.since?.toISOString() });
    const ext = query.extensionType?.toLowerCase();
    const categoryOf = (id: string | null | undefined) => (id ? getEntry(id)?.category : undefined);
    const inScope = scopeMatcher(query);
    const matches = (catalogId: string | null | undefined, row: Parameters<typeof inScope>[0]) =>
      (!query.catalogId || catalogId === query.catalogId) && (!query.category || categoryOf(catalogId) === query.category) && inScope(row);
    const svc = await services();
    if ((query.status ?? "open") === "open") {
      const since = query.since?.toISOString();
      const keep = (c: ComponentRecord) => matches(c.catalogId, c) && (!since || (c.firstSeenFailingAt ?? "") >= since);
      const view = await svc.view();
      const result = pageByKey(openFailuresSorted(view), { keep, limit, continuationToken: token, query: digest });
      const mark = await failureMarker(svc);
      return {
        body: pageBody(result, (c) =>
          mark(openFailureView(c, view.byId.get(c.clusterId)?.armId ?? clusterArmIdOf(c), view.subscriptionNames[c.subscriptionId]), c),
        ),
      };
    }
    // Resolved: recoveries from the store's transitions, oldest first, resumed after the last one sent.
    const from = query.since ?? parseDateParam("since", "7d");
    const after = token ? String(decodeToken(token, digest)) : undefined;
    const items: ReturnType<typeof resolvedView>[] = [];
    let last: string | undefined;
    let more = false;
    for await (const t of svc.history.listTransitions({ from, extensionType: ext })) {
      if (t.event !== "recovered" || !matches(t.endedCatalogId, t)) continue;
      const key = `${t.at}\u0000${t.id}`;
      if (after && key <= after) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(resolvedView(t));
      last = key;
    }
    return { body: { items, ...(more && last ? { continuationToken: encodeToken(digest, last) } : {}) } };
  },
});

const INCIDENT_QUERY = {
  minClusters: { type: "integer", min: 1, max: 100000, default: 2, description: "Only problems failing on at least this many clusters (default 2)" },
  since: { type: "date", description: "Only problems first seen at or after (a platform change's time)" },
  category: { type: "enum", values: CATEGORIES, description: "Catalog category" },
  extensionType: { type: "string", description: "Extension type, e.g. `microsoft.flux`" },
  catalog: {
    type: "enum",
    values: ["matched", "unmatched"],
    description:
      "`unmatched`: only failures no catalog entry matches, one group per fingerprint, largest first (candidates for new entries); `matched`: only documented ones",
  },
} satisfies QuerySpec;

/** Open failures grouped by catalog entry, or by fingerprint when no entry matched. */
export function groupIncidents(open: readonly ComponentRecord[]): IncidentBody[] {
  const groups = new Map<string, { incident: IncidentBody; clusters: Set<string>; extensions: Set<string> }>();
  for (const c of open) {
    const key = incidentKey(c);
    let group = groups.get(key);
    if (!group) {
      const entry = c.catalogId ? getEntry(c.catalogId) : undefined;
      group = {
        incident: {
          key,
          catalogId: c.catalogId,
          ...(c.catalogId ? {} : c.fingerprint ? { fingerprint: c.fingerprint } : {}),
          // Unclassified: the normalized message says what failed; the reason alone (NonCompliant) does not.
          title: entry?.title ?? c.fingerprint ?? c.message,
          ...(entry ? { category: entry.category, severity: entry.severity } : {}),
          clusterCount: 0,
          componentCount: 0,
          firstSeenAt: c.firstSeenFailingAt ?? c.lastTransitionAt,
          extensionTypes: [],
          sampleMessage: c.message,
          sampleClusters: [],
        },
        clusters: new Set(),
        extensions: new Set(),
      };
      groups.set(key, group);
    }
    const { incident } = group;
    incident.componentCount++;
    const since = c.firstSeenFailingAt ?? c.lastTransitionAt;
    if (since < incident.firstSeenAt) incident.firstSeenAt = since;
    if (!group.clusters.has(c.clusterId)) {
      group.clusters.add(c.clusterId);
      if (incident.sampleClusters.length < 5) incident.sampleClusters.push(c.clusterName);
    }
    if (c.extensionType) group.extensions.add(c.extensionType);
  }
  return [...groups.values()]
    .map(({ incident, clusters, extensions }) => ({ ...incident, clusterCount: clusters.size, extensionTypes: [...extensions].sort() }))
    .sort((a, b) => b.clusterCount - a.clusterCount || a.firstSeenAt.localeCompare(b.firstSeenAt) || a.key.localeCompare(b.key));
}

export const listIncidents = defineRoute({
  name: "listIncidents",
  route: "incidents",
  tag: "fleet",
  summary: "The same catalog entry or fingerprint failing on many clusters at once, with first seen and cluster count",
  query: INCIDENT_QUERY,
  response: "IncidentList",
  async handle({ query, services }) {
    const ext = query.extensionType?.toLowerCase();
    const svc = await services();
    const view = await svc.view();
    const open = view.openFailures.filter(
      (c) => (!ext || c.extensionType === ext) && (!query.category || (c.catalogId && getEntry(c.catalogId)?.category === query.category)),
    );
    const since = query.since?.toISOString();
    const items = groupIncidents(open).filter(
      (i) =>
        i.clusterCount >= (query.minClusters ?? 2) &&
        (!since || i.firstSeenAt >= since) &&
        (!query.catalog || (query.catalog === "matched") === (i.catalogId !== null)),
    );
    const mark = await incidentMarker(svc, view);
    return { body: { items: items.map(mark) } };
  },
});

export const listSweeps = defineRoute({
  name: "listSweeps",
  route: "sweeps",
  tag: "fleet",
  summary: "Recorded sweeps, newest first",
  query: { limit: { type: "integer", min: 1, max: 100, default: 20, description: "Page size" }, [TOKEN_PARAMETER]: TOKEN } satisfies QuerySpec,
  response: "SweepPage",
  async handle({ query, services }) {
    const { history } = await services();
    return { body: await storePage("sweeps", query[TOKEN_PARAMETER], query.limit ?? 20, history.listSweeps()) };
  },
});
