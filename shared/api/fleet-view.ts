/**
 * The read model the query routes answer from: one pass over the store's current state, grouped by
 * cluster, with the summary counts and the open failures precomputed. It is rebuilt only when a new
 * sweep has been recorded (checked at most every `refreshMs`), so `/summary` and `/clusters?state=`
 * cost a lookup and a slice, not a table scan, at 10,000 clusters.
 */
import { getEntry } from "../catalog";
import { HEALTH_STATES, worstState, type HealthState } from "../core/model";
import { collect, firstItem } from "../store/paging";
import type { ComponentRecord, FleetHistory, SweepRecord } from "../store/types";
import type { ClusterRowBody, SummaryBody } from "./schemas";
import { clusterArmIdOf } from "./views";
import { FleetGaugeBuilder, type FleetGauges } from "../telemetry/gauges";

/** A cluster as the view keeps it: the API's row without its links (added when sent). */
export type ClusterRow = Omit<ClusterRowBody, "href" | "links">;

export type StateCounts = Record<HealthState, number>;

export type FleetSummary = SummaryBody;

type SweepBrief = NonNullable<FleetSummary["latestSweep"]>;

export interface FleetView {
  /** Latest sweep id the view was built for (undefined before the first sweep). */
  sweepId?: string;
  builtAt: string;
  /** Sorted by id. */
  clusters: ClusterRow[];
  byId: Map<string, ClusterRow>;
  /** Components failing or degraded, oldest episode first. */
  openFailures: ComponentRecord[];
  summary: FleetSummary;
  /** Subscription display names by lower-case id, from the latest sweeps that read them. */
  subscriptionNames: Readonly<Record<string, string>>;
  /** The fleet gauges of `/metrics`, from the same pass. */
  gauges: FleetGauges;
}

/** The name the summary is stored under, once per sweep. */
export const SUMMARY_READ_MODEL = "summary";

const OPEN_STATES: ReadonlySet<HealthState> = new Set(["failing", "degraded"]);

export function isOpenFailure(state: HealthState): boolean {
  return OPEN_STATES.has(state);
}

function zeroStates(): StateCounts {
  return Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as StateCounts;
}

function bump(map: Record<string, { total: number; byState: StateCounts }>, key: string, state: HealthState): void {
  const entry = (map[key] ??= { total: 0, byState: zeroStates() });
  entry.total++;
  entry.byState[state]++;
}

function brief(sweep: SweepRecord | undefined): SweepBrief | null {
  return sweep ? { sweepId: sweep.sweepId, startedAt: sweep.startedAt, finishedAt: sweep.finishedAt, partial: sweep.partial } : null;
}

const minIso = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : a < b ? a : b);

/** Builds the view from every current component record (pure; the store is read by the caller). */
export function buildFleetView(
  records: Iterable<ComponentRecord>,
  latest: SweepRecord | undefined,
  lastComplete: SweepRecord | undefined,
  now: Date = new Date(),
): FleetView {
  const groups = new Map<string, ComponentRecord[]>();
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
  const openFailures: ComponentRecord[] = [];
  // A partial latest sweep may lack some names: the last complete one fills them in.
  const subscriptionNames = { ...lastComplete?.subscriptionNames, ...latest?.subscriptionNames };
  const gauges = new FleetGaugeBuilder(getEntry);
  for (const record of records) {
    gauges.addComponent(record);
    let group = groups.get(record.clusterId);
    if (!group) groups.set(record.clusterId, (group = []));
    group.push(record);
    summary.components.total++;
    summary.components.byState[record.state]++;
    if (record.extensionType) bump(summary.extensions, record.extensionType, record.state);
    if (isOpenFailure(record.state)) {
      openFailures.push(record);
      summary.failures.open++;
      if (record.catalogId) {
        summary.failures.byCatalogId[record.catalogId] = (summary.failures.byCatalogId[record.catalogId] ?? 0) + 1;
        const category = getEntry(record.catalogId)?.category ?? "unknown-entry";
        summary.failures.byCategory[category] = (summary.failures.byCategory[category] ?? 0) + 1;
      } else summary.failures.unclassified++;
    }
  }
  const clusters: ClusterRow[] = [];
  for (const [clusterId, group] of groups) {
    const own = group.find((c) => c.kind === "cluster") ?? group[0];
    const row: ClusterRow = {
      id: clusterId,
      armId: clusterArmIdOf(own),
      name: own.clusterName,
      kind: own.clusterKind,
      subscriptionId: own.subscriptionId,
      ...(subscriptionNames[own.subscriptionId] ? { subscriptionName: subscriptionNames[own.subscriptionId] } : {}),
      resourceGroup: own.resourceGroup,
      ...(own.location ? { location: own.location } : {}),
      ...(own.tags ? { tags: own.tags } : {}),
      state: worstState(group.map((c) => c.state)),
      components: group.length,
      openFailures: 0,
      extensionTypes: [...new Set(group.flatMap((c) => (c.extensionType ? [c.extensionType] : [])))].sort(),
      catalogIds: [...new Set(group.flatMap((c) => (c.catalogId && isOpenFailure(c.state) ? [c.catalogId] : [])))].sort(),
      lastSeenAt: group.reduce((a, c) => (c.lastSeenAt > a ? c.lastSeenAt : a), ""),
      dark: Boolean(own.dark),
    };
    for (const c of group) {
      if (!isOpenFailure(c.state)) continue;
      row.openFailures++;
      row.failingSince = minIso(row.failingSince, c.firstSeenFailingAt);
    }
    clusters.push(row);
    gauges.addCluster({ kind: row.kind, state: row.state, facts: own.facts });
    summary.clusters.total++;
    summary.clusters.byState[row.state]++;
    bump(summary.clusters.byKind, row.kind, row.state);
    bump(summary.clusters.bySubscription, row.subscriptionId, row.state);
    if (row.subscriptionName) summary.clusters.bySubscription[row.subscriptionId].name = row.subscriptionName;
    if (row.dark) summary.clusters.dark++;
  }
  clusters.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  openFailures.sort((a, b) => (a.firstSeenFailingAt ?? "").localeCompare(b.firstSeenFailingAt ?? "") || a.id.localeCompare(b.id));
  return {
    sweepId: latest?.sweepId,
    builtAt: now.toISOString(),
    clusters,
    byId: new Map(clusters.map((c) => [c.id, c])),
    openFailures,
    summary,
    subscriptionNames,
    gauges: gauges.result(summary.partialScopes.length),
  };
}

/**
 * Keeps one view per process, rebuilt when the latest sweep changes. Concurrent callers share a
 * build. Once a view exists, the check for a newer sweep runs in the background and callers get the
 * current view meanwhile, so no request waits on the check or on a rebuild (refreshMs 0: always wait,
 * for tests that write and read at once). Once a check has failed, callers wait for the next check and
 * get its error: an old view is served only as stale-marked (stale-reads.ts), never silently.
 */
export class FleetViewCache {
  private current?: FleetView;
  private checkedAt = 0;
  private pending?: Promise<FleetView>;
  private failing = false;

  constructor(
    private readonly history: FleetHistory,
    private readonly options: { refreshMs: number; now?: () => Date; onError?: (err: unknown) => void },
  ) {}

  /**
   * The summary without waiting for a first build: a process with no view yet answers from the summary
   * stored for the latest sweep (one row, see store/read-models.ts) and builds the view meanwhile.
   */
  async summary(): Promise<FleetSummary> {
    if (!this.current) {
      const latest = await firstItem(this.history.listSweeps());
      const stored = latest && (await this.history.loadReadModel<FleetSummary>(SUMMARY_READ_MODEL, latest.sweepId));
      if (stored) {
        this.get().catch((err: unknown) => this.options.onError?.(err));
        return stored;
      }
    }
    return (await this.get()).summary;
  }

  async get(): Promise<FleetView> {
    const now = this.options.now?.() ?? new Date();
    if (this.current && !this.failing && now.getTime() - this.checkedAt < this.options.refreshMs) return this.current;
    this.pending ??= this.refresh(now)
      .then(
        (view) => ((this.failing = false), view),
        (err: unknown) => {
          this.failing = true;
          throw err;
        },
      )
      .finally(() => (this.pending = undefined));
    if (!this.current || this.options.refreshMs === 0 || this.failing) return this.pending;
    // Background check: a failure is logged and thrown at the requests after this one, not at this one.
    this.pending.catch((err: unknown) => this.options.onError?.(err));
    return this.current;
  }

  private async refresh(now: Date): Promise<FleetView> {
    // Counted from the start, so a store that fails is asked again only after refreshMs.
    this.checkedAt = now.getTime();
    const latest = await firstItem(this.history.listSweeps());
    if (this.current && this.current.sweepId === latest?.sweepId) return this.current;
    const [lastComplete, records] = await Promise.all([this.history.lastCompleteSweep(), collect(this.history.listComponents())]);
    this.current = buildFleetView(records, latest, lastComplete, now);
    // Once per sweep and process; a failed write costs a later start the build, never this answer.
    if (latest) await this.history.saveReadModel(SUMMARY_READ_MODEL, latest.sweepId, this.current.summary).catch((err: unknown) => this.options.onError?.(err));
    return this.current;
  }
}
