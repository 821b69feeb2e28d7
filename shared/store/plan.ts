/**
 * Planning a sweep: which clusters a snapshot changes, from content hashes alone (manifest.ts), and
 * the records a sweep commits (next manifest, sweep record).
 */
import { ClusterHealth, FleetSnapshot, HEALTH_STATES, HealthState } from "../core/model";
import type { StoredComponent } from "./entities";
import { clusterView, ComponentPlan, isGone, NOT_READ_REASON, planCluster } from "./diff";
import * as keys from "./keys";
import { clusterContentHash, ClusterView, GONE_HASH, Manifest, ManifestCluster } from "./manifest";
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
  return mergeManifest(plan.meta.manifest, [manifestDelta(plan, snapshot, loose)]);
}

/**
 * What the snapshot changes in the manifest: an entry per cluster it wrote or saw (hash GONE_HASH for
 * one gone), numbered as the next sweep. A shard commits this as its delta; the sweep's merge applies
 * every shard's delta at once (`mergeManifest`).
 */
export function manifestDelta(plan: Plan, snapshot: FleetSnapshot, loose: ReadonlyMap<string, number>): Manifest {
  const previous = plan.meta.manifest;
  const seq = previous.seq + 1;
  const clusters = new Map<string, ManifestCluster>();
  for (const work of plan.work.values()) {
    const known = previous.clusters.get(work.key);
    if (work.view === "gone") clusters.set(work.key, { hash: GONE_HASH, subscriptionId: "", seenSeq: 0, loose: 0 });
    else if (work.cluster && work.hash)
      clusters.set(work.key, {
        hash: work.hash,
        subscriptionId: work.cluster.subscriptionId.toLowerCase(),
        seenSeq: known?.seenSeq ?? seq,
        loose: loose.get(work.key) ?? 0,
      });
    // A repaired cluster this sweep did not read: an impossible hash makes the next read re-check it.
    else if (work.view === "unread" && known) clusters.set(work.key, { ...known, hash: "?" });
  }
  for (const key of plan.seen) clusters.set(key, { ...(clusters.get(key) ?? previous.clusters.get(key)!), seenSeq: seq });
  return { seq, lastSweepId: snapshot.sweepId, lastStartedAt: snapshot.startedAt, sweeps: { [seq]: [snapshot.sweepId, snapshot.startedAt] }, clusters };
}

/** The manifest after one sweep: `previous` with the deltas of its shards (one delta for a sweep in one piece). */
export function mergeManifest(previous: Manifest, deltas: Manifest[], sweep: { sweepId: string; startedAt: string } = deltaSweep(deltas)): Manifest {
  const seq = previous.seq + 1;
  const clusters = new Map(previous.clusters);
  for (const delta of deltas) {
    for (const [key, entry] of delta.clusters) {
      if (entry.hash === GONE_HASH) clusters.delete(key);
      // A delta numbered against another base (an inline sweep committed meanwhile) still marks this sweep's sightings.
      else clusters.set(key, entry.seenSeq === delta.seq ? { ...entry, seenSeq: seq } : entry);
    }
  }
  const referenced = new Set([...clusters.values()].map((c) => c.seenSeq));
  const sweeps: Manifest["sweeps"] = {};
  for (const s of referenced) {
    const known = s === seq ? ([sweep.sweepId, sweep.startedAt] as [string, string]) : previous.sweeps[s];
    if (known) sweeps[s] = known;
  }
  return { seq, lastSweepId: sweep.sweepId, lastStartedAt: sweep.startedAt, sweeps, clusters };
}

function deltaSweep(deltas: Manifest[]): { sweepId: string; startedAt: string } {
  const first = deltas[0];
  if (!first?.lastSweepId || !first.lastStartedAt) throw new RangeError("merging a sweep needs its deltas or its id and start");
  return { sweepId: first.lastSweepId, startedAt: first.lastStartedAt };
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
