/**
 * `npm start`'s readable fleet summary: what a platform engineer looks at first. An inline sweep
 * summarises its snapshot; a sharded one (no process holds the whole snapshot) its sweep record and
 * the components the store holds, read the way the API's fleet view reads them.
 */
import { buildFleetView } from "../../shared/api/fleet-view";
import type { HealthState, ScopeError } from "../../shared/core/model";
import { collect } from "../../shared/store/paging";
import type { FleetHistory, SweepRecord } from "../../shared/store/types";
import type { SweepResult } from "../../shared/sweep";

export interface StartSummary {
  sweepId: string;
  clusters: number;
  byKind: { arc: number; aks: number };
  components: number;
  byState: Record<HealthState, number>;
  /** Clusters with a failing or degraded component. */
  failingClusters: number;
  /** Clusters whose worst state is pending or unknown. */
  otherClusters: number;
  transitions: number;
  armRequests: number;
  durationMs: number;
  partial: boolean;
  partialScopes: ScopeError[];
  /** Failing and degraded components per catalog entry. */
  byCatalogId: Record<string, number>;
  /** Set for a sweep run in shards by the queue workers. */
  shards?: number;
}

export function summaryOfResult({ summary, snapshot }: SweepResult): StartSummary {
  const byKind = { arc: 0, aks: 0 };
  for (const c of snapshot.clusters) byKind[c.kind]++;
  return {
    ...summary,
    byKind,
    failingClusters: snapshot.clusters.filter((c) => c.state === "failing" || c.state === "degraded").length,
    otherClusters: snapshot.clusters.filter((c) => c.state === "pending" || c.state === "unknown").length,
  };
}

/** A sharded sweep's summary: counts from its record, clusters and catalog entries from the components the store holds after it. */
export async function summaryOfShardedSweep(history: FleetHistory, sweep: SweepRecord, shards: number): Promise<StartSummary> {
  const { summary } = buildFleetView(await collect(history.listComponents()), sweep, sweep);
  const clustersIn = (...states: HealthState[]) => states.reduce((n, s) => n + summary.clusters.byState[s], 0);
  return {
    ...sweep,
    byKind: { arc: summary.clusters.byKind.arc.total, aks: summary.clusters.byKind.aks.total },
    failingClusters: clustersIn("failing", "degraded"),
    otherClusters: clustersIn("pending", "unknown"),
    byCatalogId: summary.failures.byCatalogId,
    shards,
  };
}

export function formatSummary(summary: StartSummary): string[] {
  const lines = [
    "",
    `Fleet: ${summary.clusters} clusters (${summary.byKind.arc} Arc, ${summary.byKind.aks} AKS), ${summary.components} components, sweep ${summary.sweepId}${summary.shards ? ` in ${summary.shards} shards` : ""}`,
    `  Components by state: ${Object.entries(summary.byState)
      .map(([state, n]) => `${state} ${n}`)
      .join(" · ")}`,
    `  Clusters with a failing or degraded component: ${summary.failingClusters}; pending or unknown: ${summary.otherClusters}`,
    `  ${summary.transitions} component state changes recorded; ${summary.armRequests} ARM requests in ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  if (summary.partial) {
    lines.push(`  PARTIAL: ${summary.partialScopes.length} scopes could not be read; their clusters are unknown, not healthy:`);
    for (const p of summary.partialScopes.slice(0, 10)) lines.push(`    ${p.scope}: [${p.code}] ${p.message.slice(0, 160)}`);
  }
  const top = Object.entries(summary.byCatalogId).sort((a, b) => b[1] - a[1]);
  if (top.length) {
    lines.push("", "Failing or degraded components by catalog entry:");
    for (const [id, n] of top.slice(0, 12)) lines.push(`  ${String(n).padStart(5)}  ${id}`);
    if (top.length > 12) lines.push(`  ... and ${top.length - 12} more entries`);
  }
  return lines;
}

/** The summary of an inline sweep. */
export const formatSweep = (result: SweepResult): string[] => formatSummary(summaryOfResult(result));
