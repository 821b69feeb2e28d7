/**
 * The fleet gauges: one set of names and dimensions, computed from a sweep's snapshot (exported to
 * Azure Monitor after the sweep) or from the stored current state (`GET /api/metrics`). Dimensions
 * are bounded: states, kinds, catalog entries, categories and severities are closed sets; extension
 * types outside the well-known list count as `other`; no cluster name, id or subscription ever is one.
 */
import type { ClusterKind, ComponentKind, HealthState } from "../core/model";

export const GAUGES = {
  components: {
    name: "fleet.components",
    help: "Components by state, catalog entry (open failures), category, severity, extension type, component kind and cluster kind",
  },
  clusters: { name: "fleet.clusters", help: "Clusters by kind, connectivity and worst state" },
  incidents: { name: "fleet.incidents.open", help: "Problems (catalog entry, or fingerprint when unclassified) failing or degraded on at least two clusters" },
  partialScopes: { name: "fleet.partial_scopes", help: "Scopes the latest sweep could not read in full" },
} as const;

/** Extension types published by Microsoft for Arc-enabled Kubernetes and AKS; any other type is `other`. */
export const KNOWN_EXTENSION_TYPES: ReadonlySet<string> = new Set([
  "microsoft.flux",
  "microsoft.azuremonitor.containers",
  "microsoft.azuremonitor.containers.metrics",
  "microsoft.azuredefender.kubernetes",
  "microsoft.azurekeyvaultsecretsprovider",
  "microsoft.policyinsights",
  "microsoft.openservicemesh",
  "microsoft.dapr",
  "microsoft.azureml.kubernetes",
  "microsoft.web.appservice",
  "microsoft.servicelinker.connection",
  "microsoft.arcdataservices",
  "microsoft.apimanagement.gateway",
  "microsoft.eventgrid",
  "microsoft.dataprotection.kubernetes",
  "microsoft.azurecontainerstorage",
  "microsoft.iotoperations",
  "microsoft.videoindexer",
]);

/** Arc `connectivityStatus` values (lower case); others are `other`, AKS clusters have none. */
const CONNECTIVITY = new Set(["connected", "connecting", "offline", "expired", "agentnotinstalled"]);

export interface EntryInfo {
  category: string;
  severity: string;
}

export interface GaugeComponent {
  state: HealthState;
  kind: ComponentKind;
  clusterId: string;
  clusterKind: ClusterKind;
  extensionType?: string;
  catalogId?: string | null;
  fingerprint?: string;
  reason: string;
}

export interface GaugeCluster {
  kind: ClusterKind;
  state: HealthState;
  /** The cluster resource's facts (`connectivityStatus` for Arc). */
  facts?: Record<string, string>;
}

export type Labels = Record<string, string>;

export interface Series {
  labels: Labels;
  value: number;
}

export interface FleetGauges {
  components: Series[];
  clusters: Series[];
  openIncidents: number;
  partialScopes: number;
}

const isOpenFailure = (state: HealthState) => state === "failing" || state === "degraded";

/** What groups open failures into one incident: the catalog entry, else the fingerprint, else the reason. */
export function incidentKey(c: Pick<GaugeComponent, "catalogId" | "fingerprint" | "kind" | "reason">): string {
  return c.catalogId ? `catalog:${c.catalogId}` : c.fingerprint ? `fingerprint:${c.fingerprint}` : `reason:${c.kind}:${c.reason}`;
}

export function extensionTypeLabel(type: string | undefined): string {
  if (!type) return "none";
  const lower = type.toLowerCase();
  return KNOWN_EXTENSION_TYPES.has(lower) ? lower : "other";
}

export function connectivityLabel(kind: ClusterKind, facts: Record<string, string> | undefined): string {
  if (kind === "aks") return "not-applicable";
  const status = facts?.connectivityStatus?.toLowerCase();
  return !status ? "unknown" : CONNECTIVITY.has(status) ? status : "other";
}

/** Labels of one component: its catalog entry only while it is an open failure (as `/api/summary` counts). */
export function componentLabels(c: GaugeComponent, entryOf: (id: string) => EntryInfo | undefined): Labels {
  let catalog = "none";
  let entry: EntryInfo | undefined;
  if (isOpenFailure(c.state)) {
    entry = c.catalogId ? entryOf(c.catalogId) : undefined;
    catalog = !c.catalogId ? "unclassified" : entry ? c.catalogId : "other";
  }
  const unmatched = catalog === "other" ? "unknown-entry" : catalog;
  return {
    state: c.state,
    catalog_entry: catalog,
    category: entry?.category ?? unmatched,
    severity: entry?.severity ?? unmatched,
    extension_type: extensionTypeLabel(c.extensionType),
    component_kind: c.kind,
    cluster_kind: c.clusterKind,
  };
}

/** Counts series by their label set, in first-seen order. */
class Counter {
  private readonly series = new Map<string, Series>();
  add(labels: Labels): void {
    const key = Object.values(labels).join("\u0000");
    const s = this.series.get(key);
    if (s) s.value++;
    else this.series.set(key, { labels, value: 1 });
  }
  list(): Series[] {
    return [...this.series.values()];
  }
}

/** Accumulates the gauges one component and one cluster at a time (the read model builds it in its single pass). */
export class FleetGaugeBuilder {
  private readonly components = new Counter();
  private readonly clusters = new Counter();
  private readonly incidents = new Map<string, Set<string>>();

  constructor(private readonly entryOf: (id: string) => EntryInfo | undefined) {}

  addComponent(c: GaugeComponent): void {
    this.components.add(componentLabels(c, this.entryOf));
    if (!isOpenFailure(c.state)) return;
    const key = incidentKey(c);
    let clusters = this.incidents.get(key);
    if (!clusters) this.incidents.set(key, (clusters = new Set()));
    clusters.add(c.clusterId);
  }

  addCluster(c: GaugeCluster): void {
    this.clusters.add({ cluster_kind: c.kind, connectivity: connectivityLabel(c.kind, c.facts), state: c.state });
  }

  result(partialScopes: number): FleetGauges {
    const openIncidents = [...this.incidents.values()].filter((clusters) => clusters.size >= 2).length;
    return { components: this.components.list(), clusters: this.clusters.list(), openIncidents, partialScopes };
  }
}
