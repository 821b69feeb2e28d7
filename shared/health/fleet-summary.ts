/**
 * The fleet summary (the API's `/summary`): counts over every current component record, grouped by
 * cluster. Pure, and here in the domain so that both use cases that need it build it alike: the API's
 * read model (shared/api/fleet-view.ts) and the sweep, which stores it once a sweep is recorded
 * (shared/sweep/summary.ts). The shape is the API's `Summary` schema (fleet-view.ts checks it).
 */
import { getEntry } from "../catalog";
import { HEALTH_STATES, worstState, type ClusterKind, type HealthState, type ScopeError } from "../core/model";
import { collect } from "../store/paging";
import type { ComponentRecord, FleetHistory, SweepRecord } from "../store/types";

type StateCounts = Record<HealthState, number>;
interface Counted {
  total: number;
  byState: StateCounts;
}
interface SweepBrief {
  sweepId: string;
  startedAt: string;
  finishedAt: string;
  partial: boolean;
}

export interface FleetSummary {
  latestSweep: SweepBrief | null;
  lastCompleteSweep: SweepBrief | null;
  partial: boolean;
  partialScopes: ScopeError[];
  clusters: Counted & { byKind: Record<ClusterKind, Counted>; bySubscription: Record<string, Counted & { name?: string }>; dark: number };
  components: Counted;
  failures: { open: number; byCatalogId: Record<string, number>; byCategory: Record<string, number>; unclassified: number };
  extensions: Record<string, Counted>;
}

/** One cluster as the summary counts it. */
export interface ClusterGroup {
  clusterId: string;
  /** Its components, the cluster resource's own among them. */
  components: ComponentRecord[];
  /** The cluster resource's own record (the first component when it has none). */
  own: ComponentRecord;
  state: HealthState;
  subscriptionName?: string;
}

export interface FleetSummaryResult {
  summary: FleetSummary;
  /** In the order first seen. */
  clusters: ClusterGroup[];
  /** Subscription display names by lower-case id, from the latest sweeps that read them. */
  subscriptionNames: Record<string, string>;
}

const OPEN_STATES: ReadonlySet<HealthState> = new Set(["failing", "degraded"]);

export function isOpenFailure(state: HealthState): boolean {
  return OPEN_STATES.has(state);
}

function zeroStates(): StateCounts {
  return Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as StateCounts;
}

function bump(map: Record<string, Counted>, key: string, state: HealthState): void {
  const entry = (map[key] ??= { total: 0, byState: zeroStates() });
  entry.total++;
  entry.byState[state]++;
}

function brief(sweep: SweepRecord | undefined): SweepBrief | null {
  return sweep ? { sweepId: sweep.sweepId, startedAt: sweep.startedAt, finishedAt: sweep.finishedAt, partial: sweep.partial } : null;
}

/** Subscription display names by lower-case id, from the latest sweeps that read them. */
export function subscriptionNamesOf(latest: SweepRecord | undefined, lastComplete: SweepRecord | undefined): Record<string, string> {
  // A partial latest sweep may lack some names: the last complete one fills them in.
  return { ...lastComplete?.subscriptionNames, ...latest?.subscriptionNames };
}

/** Counts the records (each component once) as of the latest sweep. */
export function summarizeFleet(records: Iterable<ComponentRecord>, latest: SweepRecord | undefined, lastComplete: SweepRecord | undefined): FleetSummaryResult {
  const summary: FleetSummary = {
    latestSweep: brief(latest),
    lastCompleteSweep: brief(lastComplete),
    partial: latest?.partial ?? false,
    partialScopes: latest?.partialScopes ?? [],
    clusters: {
      total: 0,
      byState: zeroStates(),
      byKind: { arc: { total: 0, byState: zeroStates() }, aks: { total: 0, byState: zeroStates() } },
      bySubscription: {},
      dark: 0,
    },
    components: { total: 0, byState: zeroStates() },
    failures: { open: 0, byCatalogId: {}, byCategory: {}, unclassified: 0 },
    extensions: {},
  };
  const subscriptionNames = subscriptionNamesOf(latest, lastComplete);
  const groups = new Map<string, ComponentRecord[]>();
  for (const record of records) {
    let group = groups.get(record.clusterId);
    if (!group) groups.set(record.clusterId, (group = []));
    group.push(record);
    summary.components.total++;
    summary.components.byState[record.state]++;
    if (record.extensionType) bump(summary.extensions, record.extensionType, record.state);
    if (!isOpenFailure(record.state)) continue;
    summary.failures.open++;
    if (record.catalogId) {
      summary.failures.byCatalogId[record.catalogId] = (summary.failures.byCatalogId[record.catalogId] ?? 0) + 1;
      const category = getEntry(record.catalogId)?.category ?? "unknown-entry";
      summary.failures.byCategory[category] = (summary.failures.byCategory[category] ?? 0) + 1;
    } else summary.failures.unclassified++;
  }
  const clusters: ClusterGroup[] = [];
  for (const [clusterId, components] of groups) {
    const own = components.find((c) => c.kind === "cluster") ?? components[0];
    const subscriptionName = subscriptionNames[own.subscriptionId];
    const cluster: ClusterGroup = {
      clusterId,
      components,
      own,
      state: worstState(components.map((c) => c.state)),
      ...(subscriptionName ? { subscriptionName } : {}),
    };
    clusters.push(cluster);
    summary.clusters.total++;
    summary.clusters.byState[cluster.state]++;
    bump(summary.clusters.byKind, own.clusterKind, cluster.state);
    bump(summary.clusters.bySubscription, own.subscriptionId, cluster.state);
    if (subscriptionName) summary.clusters.bySubscription[own.subscriptionId].name = subscriptionName;
    if (own.dark) summary.clusters.dark++;
  }
  return { summary, clusters, subscriptionNames };
}

/** The name the summary is stored under (store/read-models.ts), once per sweep. */
export const SUMMARY_READ_MODEL = "summary";

/** What the summary is built from besides the latest sweep: one read of every current record. */
export async function readFleetRecords(
  history: FleetHistory,
  abortSignal?: AbortSignal,
): Promise<{ lastComplete: SweepRecord | undefined; records: ComponentRecord[] }> {
  const [lastComplete, records] = await Promise.all([history.lastCompleteSweep({ abortSignal }), collect(history.listComponents({ abortSignal }))]);
  return { lastComplete, records };
}
