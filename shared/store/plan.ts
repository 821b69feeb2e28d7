/**
 * Planning a sweep: which clusters a snapshot changes, from content hashes alone (manifest.ts), and
 * the records a sweep commits (next manifest, sweep record).
 */
import { ClusterHealth, FleetSnapshot, HEALTH_STATES, HealthState } from "../core/model";
import type { StoredComponent } from "./entities";
import { clusterView, ComponentPlan, isGone, NOT_READ_REASON, planCluster } from "./diff";
import * as keys from "./keys";
import { clusterContentHash, ClusterView, Manifest } from "./manifest";
import type { MetaState } from "./meta";
import type { ComponentRecord, SweepRecord, TransitionRecord } from "./types";

export interface StoredRow {
  record: StoredComponent;
  etag: string;
}

export interface ClusterRows {
  current: Map<string, StoredRow>;
  /** Transitions since the last commit (only read for clusters an interrupted sweep left dirty). */
  recent: TransitionRecord[];
  /** Component keys with a row in the open-failures index (only read for dirty clusters). */
  open?: Set<string>;
}

export interface ClusterWork {
  key: string;
  cluster?: ClusterHealth;
  view: ClusterView | "gone" | "unread";
  hash?: string;
  /** Left half-written by an interrupted sweep: its index copies are rebuilt. */
  repair: boolean;
}

export interface Plan {
  meta: MetaState;
  work: Map<string, ClusterWork>;
  /** Clusters whose hash matched: only their last-seen sweep moves. */
  seen: Set<string>;
}

/** Which clusters this snapshot changes, from hashes alone. */
export function planSweep(snapshot: FleetSnapshot, meta: MetaState): Plan {
  const { manifest, lease } = meta;
  const work = new Map<string, ClusterWork>();
  const seen = new Set<string>();
  const inSnapshot = new Set<string>();
  for (const cluster of snapshot.clusters) {
    const key = keys.clusterKey(cluster.id);
    inSnapshot.add(key);
    const view = clusterView(cluster, snapshot);
    const hash = clusterContentHash(cluster, view);
    if (manifest.clusters.get(key)?.hash !== hash) work.set(key, { key, cluster, view, hash, repair: false });
    if (view === "read" || (view === "partial" && cluster.components.some((c) => c.reason !== NOT_READ_REASON))) seen.add(key);
  }
  for (const [key, entry] of manifest.clusters) {
    if (!inSnapshot.has(key) && isGone(entry.subscriptionId, snapshot)) work.set(key, { key, view: "gone", repair: false });
  }
  for (const key of lease.dirty) {
    const existing = work.get(key);
    if (existing) existing.repair = true;
    else {
      const cluster = snapshot.clusters.find((c) => keys.clusterKey(c.id) === key);
      const view = cluster && clusterView(cluster, snapshot);
      work.set(key, cluster && view ? { key, cluster, view, hash: clusterContentHash(cluster, view), repair: true } : { key, view: "unread", repair: true });
    }
  }
  return { meta, work, seen };
}

/** The component changes of one cluster's work against its stored rows. */
export function planWork(work: ClusterWork, rows: ClusterRows, snapshot: FleetSnapshot): ComponentPlan[] {
  if (work.view === "unread") return [];
  const stored = new Map([...rows.current].map(([k, v]) => [k, v.record]));
  return planCluster({ clusterKey: work.key, cluster: work.cluster, view: work.view, stored, at: snapshot.startedAt, sweepId: snapshot.sweepId });
}

export function nextManifest(plan: Plan, snapshot: FleetSnapshot, loose: ReadonlyMap<string, number>): Manifest {
  const previous = plan.meta.manifest;
  const seq = previous.seq + 1;
  const clusters = new Map(previous.clusters);
  for (const work of plan.work.values()) {
    if (work.view === "gone") clusters.delete(work.key);
    else if (work.cluster && work.hash)
      clusters.set(work.key, {
        hash: work.hash,
        subscriptionId: work.cluster.subscriptionId.toLowerCase(),
        seenSeq: clusters.get(work.key)?.seenSeq ?? seq,
        loose: loose.get(work.key) ?? 0,
      });
    // A repaired cluster this sweep did not read: an impossible hash makes the next read re-check it.
    else if (work.view === "unread" && clusters.has(work.key)) clusters.set(work.key, { ...clusters.get(work.key)!, hash: "?" });
  }
  for (const key of plan.seen) clusters.set(key, { ...clusters.get(key)!, seenSeq: seq });
  const referenced = new Set([...clusters.values()].map((c) => c.seenSeq));
  const sweeps: Manifest["sweeps"] = {};
  for (const s of referenced) {
    const known = s === seq ? ([snapshot.sweepId, snapshot.startedAt] as [string, string]) : previous.sweeps[s];
    if (known) sweeps[s] = known;
  }
  return { seq, lastSweepId: snapshot.sweepId, lastStartedAt: snapshot.startedAt, sweeps, clusters };
}

export function withSeen(record: StoredComponent, manifest: Manifest, clusterKey: string): ComponentRecord {
  const seen = manifest.sweeps[manifest.clusters.get(clusterKey)?.seenSeq ?? -1];
  return { ...record, lastSeenAt: seen?.[1] ?? record.lastTransitionAt, lastSeenSweepId: seen?.[0] ?? "" };
}

export function sweepRecord(snapshot: FleetSnapshot, transitions: number, tableOperations: number): SweepRecord {
  const byState = Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
  let components = 0;
  for (const cluster of snapshot.clusters) {
    for (const c of cluster.components) {
      byState[c.state]++;
      components++;
    }
  }
  return {
    sweepId: snapshot.sweepId,
    startedAt: new Date(snapshot.startedAt).toISOString(),
    finishedAt: new Date(snapshot.finishedAt).toISOString(),
    durationMs: Math.max(0, Date.parse(snapshot.finishedAt) - Date.parse(snapshot.startedAt)),
    scopes: snapshot.scopes,
    partial: snapshot.partial,
    partialScopes: snapshot.partialScopes,
    clusters: snapshot.clusters.length,
    components,
    byState,
    armRequests: snapshot.armRequests,
    tableOperations,
    transitions,
    ...(snapshot.subscriptionNames ? { subscriptionNames: snapshot.subscriptionNames } : {}),
  };
}
