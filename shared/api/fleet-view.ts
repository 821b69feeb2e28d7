/**
 * The read model the query routes answer from: one pass over the store's current state, grouped by
 * cluster, with the summary counts and the open failures precomputed. It is rebuilt only when a new
 * sweep has been recorded (checked at most every `refreshMs`), so `/summary` and `/clusters?state=`
 * cost a lookup and a slice, not a table scan, at 10,000 clusters.
 */
import { getEntry } from "../catalog";
import { isOpenFailure, readFleetRecords, subscriptionNamesOf, summarizeFleet, SUMMARY_READ_MODEL } from "../health/fleet-summary";
import { firstItem } from "../store/paging";
import type { ComponentRecord, FleetHistory, SweepRecord } from "../store/types";
import type { ClusterRowBody, SummaryBody } from "./schemas";
import { clusterIdentityView } from "./views";
import { FleetGaugeBuilder, type FleetGauges } from "../telemetry/gauges";

export { isOpenFailure, SUMMARY_READ_MODEL } from "../health/fleet-summary";

/** A cluster as the view keeps it: the API's row without its links (added when sent). */
export type ClusterRow = Omit<ClusterRowBody, "href" | "links">;

/** Built by the domain (health/fleet-summary.ts); `buildFleetView` checks its shape against the schema. */
export type FleetSummary = SummaryBody;

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

const minIso = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : a < b ? a : b);

/** Builds the view from every current component record (pure; the store is read by the caller). */
export function buildFleetView(
  records: Iterable<ComponentRecord>,
  latest: SweepRecord | undefined,
  lastComplete: SweepRecord | undefined,
  now: Date = new Date(),
): FleetView {
  const { summary, clusters: groups, subscriptionNames } = summarizeFleet(records, latest, lastComplete);
  const openFailures: ComponentRecord[] = [];
  const gauges = new FleetGaugeBuilder(getEntry);
  const clusters: ClusterRow[] = [];
  for (const { clusterId, components: group, own, state, subscriptionName } of groups) {
    const row: ClusterRow = {
      id: clusterId,
      ...clusterIdentityView(own, subscriptionName),
      state,
      components: group.length,
      openFailures: 0,
      extensionTypes: [...new Set(group.flatMap((c) => (c.extensionType ? [c.extensionType] : [])))].sort(),
      catalogIds: [...new Set(group.flatMap((c) => (c.catalogId && isOpenFailure(c.state) ? [c.catalogId] : [])))].sort(),
      lastSeenAt: group.reduce((a, c) => (c.lastSeenAt > a ? c.lastSeenAt : a), ""),
      dark: Boolean(own.dark),
    };
    for (const c of group) {
      gauges.addComponent(c);
      if (!isOpenFailure(c.state)) continue;
      openFailures.push(c);
      row.openFailures++;
      row.failingSince = minIso(row.failingSince, c.firstSeenFailingAt);
    }
    clusters.push(row);
    gauges.addCluster({ kind: row.kind, state: row.state, facts: own.facts });
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

  /** The view's subscription names; with no view yet, from the two sweep records they come from (no build). */
  async subscriptionNames(): Promise<FleetView["subscriptionNames"]> {
    if (this.current) return (await this.get()).subscriptionNames;
    const [latest, lastComplete] = await Promise.all([firstItem(this.history.listSweeps()), this.history.lastCompleteSweep()]);
    return subscriptionNamesOf(latest, lastComplete);
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
    const { lastComplete, records } = await readFleetRecords(this.history);
    this.current = buildFleetView(records, latest, lastComplete, now);
    // Once per sweep and process; a failed write costs a later start the build, never this answer.
    if (latest) await this.history.saveReadModel(SUMMARY_READ_MODEL, latest.sweepId, this.current.summary).catch((err: unknown) => this.options.onError?.(err));
    return this.current;
  }
}
