/**
 * The `meta` state a sweep starts from, read in one query: the write lease, the manifest (per-cluster
 * content hashes, see manifest.ts) and the sharded sweeps in flight (their pending markers, shard
 * leases and recorded shards' manifest deltas; docs/sharding.md).
 */
import { odata, type TableClient } from "@azure/data-tables";
import type { Entity } from "./entities";
import * as keys from "./keys";
import { Lease, leaseFromEntity } from "./lease";
import { Manifest, manifestFromEntities } from "./manifest";

/** A sharded sweep planned and not yet merged into the manifest. */
export interface PendingSweep {
  sweepId: string;
  startedAt: string;
  shards: number;
}

export interface ShardLease {
  rowKey: string;
  sweepId: string;
  lease: Lease;
}

/** A recorded shard's changes to the manifest (plan.ts `manifestDelta`). */
export interface ShardDelta {
  sweepId: string;
  rowKeys: string[];
  manifest: Manifest;
}

export interface MetaState {
  lease: Lease;
  manifest: Manifest;
  manifestRowKeys: string[];
  /** Oldest first. */
  pending: PendingSweep[];
  /** Shard leases and deltas of pending sweeps; those of merged sweeps are left-overs and not listed. */
  shardLeases: ShardLease[];
  deltas: ShardDelta[];
  /** Left-over rows of merged sweeps (shard leases, deltas), for cleaning up. */
  stale: string[];
  /**
   * Changes whenever a sweep takes the global lease or commits the manifest: reads cached under it are
   * still current. Other shards' leases and deltas are left out: they write other subscriptions.
   */
  version: string;
}

type Row = Entity & { etag?: string };

export async function readMeta(sweeps: TableClient, abortSignal?: AbortSignal): Promise<MetaState> {
  const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey lt ${keys.META_STATE_END}`;
  const rows: Row[] = [];
  for await (const entity of sweeps.listEntities<Entity>({ queryOptions: { filter }, abortSignal })) rows.push(entity);
  const starting = (prefix: string) => rows.filter((r) => r.rowKey.startsWith(prefix));
  const manifestRows = starting(keys.MANIFEST_ROW_PREFIX);
  const leaseRow = rows.find((r) => r.rowKey === keys.LEASE_ROW);
  const pending = starting(keys.PENDING_ROW_PREFIX)
    .map((r) => ({ sweepId: String(r.sweepId), startedAt: isoOf(r.startedAt), shards: Number(r.shards) }))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const inFlight = new Set(pending.map((p) => p.sweepId));
  const stale: string[] = [];
  const shardLeases: ShardLease[] = [];
  for (const r of starting(keys.SHARD_LEASE_ROW_PREFIX)) {
    if (inFlight.has(String(r.sweepId))) shardLeases.push({ rowKey: r.rowKey, sweepId: String(r.sweepId), lease: leaseFromEntity(r) });
    else stale.push(r.rowKey);
  }
  const deltaRows = new Map<string, Row[]>();
  // Delta rows are `<shard prefix><4 digits>`, as manifest rows are.
  for (const r of starting(keys.DELTA_ROW_PREFIX)) deltaRows.set(r.rowKey.slice(0, -4), [...(deltaRows.get(r.rowKey.slice(0, -4)) ?? []), r]);
  const deltas: ShardDelta[] = [];
  for (const group of deltaRows.values()) {
    const manifest = manifestFromEntities(group);
    const rowKeys = group.map((r) => r.rowKey);
    if (manifest.lastSweepId && inFlight.has(manifest.lastSweepId)) deltas.push({ sweepId: manifest.lastSweepId, rowKeys, manifest });
    else stale.push(...rowKeys);
  }
  return {
    lease: leaseFromEntity(leaseRow),
    manifest: manifestFromEntities(manifestRows),
    manifestRowKeys: manifestRows.map((r) => r.rowKey),
    pending,
    shardLeases,
    deltas,
    stale,
    version:
      [leaseRow, ...manifestRows]
        .filter((r) => r !== undefined)
        .map((r) => `${r.rowKey}=${r.etag}`)
        .join(",") || "empty",
  };
}

function isoOf(value: unknown): string {
  return new Date(value instanceof Date ? value : String(value)).toISOString();
}
