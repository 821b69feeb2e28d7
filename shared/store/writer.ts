/**
 * The sweep writer. See keys.ts for the tables and keys, manifest.ts for how a sweep finds what
 * changed without reading the fleet, diff.ts for what a change is.
 *
 * A sweep, in order:
 * 1. reads the `meta` state (lease and manifest) in one query;
 * 2. hashes every cluster of the snapshot and picks the clusters whose hash differs from the manifest,
 *    plus clusters an interrupted sweep may have half written (the lease's `dirty` list);
 * 3. takes the lease (ETag-conditional), recording those clusters as `dirty`;
 * 4. reads only those clusters' partitions and plans each component's change;
 * 5. writes each component's new row and its transitions in one transaction (ETag-conditional on
 *    the row it read), packs the older transitions of a cluster past `compactAfter` loose rows
 *    (packs.ts), then the index copies (open failures, events by day, catalog entry, extension);
 * 6. commits the manifest, the sweep record and the lease release in one transaction (a shard of a
 *    sharded sweep commits its manifest delta, its shard record and its own lease; shards.ts merges).
 * A crash (or an abort) anywhere leaves the lease with its dirty list; the next sweep re-reads those clusters and
 * rewrites their index copies from the transitions already in their partitions (deterministic keys),
 * so nothing is lost or doubled.
 */
import type { TableClient } from "@azure/data-tables";
import type { FleetSnapshot } from "../core/model";
import { Action, mapLimit, writeUnits } from "./batches";
import { readClusters } from "./cluster-rows";
import { compact } from "./compaction";
import { sweepEntity, sweepFromEntity } from "./entities";
import { FleetHistoryError, statusOf } from "./errors";
import { componentActions, IndexWrites } from "./index-writes";
import * as keys from "./keys";
import { assertLeaseFree, LeaseHolder } from "./lease";
import { inScope } from "./diff";
import { manifestEntities } from "./manifest";
import { MetaState, readMeta } from "./meta";
import { ClusterRows, manifestDelta, nextManifest, planSweep, planWork, sweepRecord, withSeen } from "./plan";
import { finishShardedSweep } from "./shards";
import { concurrencyOf, countOperations, HistoryTables, operationsSoFar } from "./tables";
import type {
  ComponentChange,
  RecordSweepOptions,
  RecordSweepResult,
  ShardedSweepProgress,
  ShardRef,
  StoreOperationOptions,
  SweepRecord,
  TransitionRecord,
} from "./types";
import { checkedSnapshot } from "./validation";

const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_COMPACT_AFTER = 100;

export class SweepWriter {
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly compactAfter: number;
  /** Partition reads of the last diff, reused by record while the meta `version` holds. */
  private cache?: { version: string; rows: Map<string, ClusterRows> };

  constructor(private readonly tables: HistoryTables) {
    this.leaseMs = tables.options.leaseDurationMs ?? DEFAULT_LEASE_MS;
    this.concurrency = concurrencyOf(tables.options);
    this.compactAfter = tables.options.compactAfter ?? DEFAULT_COMPACT_AFTER;
  }

  async diff(input: FleetSnapshot, { abortSignal }: StoreOperationOptions = {}): Promise<ComponentChange[]> {
    const snapshot = checkedSnapshot(input);
    const plan = planSweep(snapshot, await readMeta(this.tables.sweeps, abortSignal));
    const rows = await readClusters(this.tables, this.concurrency, plan, { abortSignal });
    this.cache = { version: plan.meta.version, rows };
    const changes: ComponentChange[] = [];
    for (const work of plan.work.values()) {
      for (const p of planWork(work, rows.get(work.key)!, snapshot)) {
        const about = p.next ?? p.previous!;
        if (p.transitions.length === 0) continue;
        changes.push({
          componentId: about.id,
          clusterId: about.clusterId,
          kind: about.kind,
          ...(p.previous ? { previous: withSeen(p.previous, plan.meta.manifest, work.key) } : {}),
          ...(p.health ? { next: p.health } : {}),
          events: p.transitions.map((t) => t.event),
        });
      }
    }
    return changes;
  }

  async record(input: FleetSnapshot, options: RecordSweepOptions = {}): Promise<RecordSweepResult> {
    const snapshot = checkedSnapshot(input);
    if (options.shard && options.shard.sweepId !== snapshot.sweepId)
      throw new FleetHistoryError("InvalidSnapshot", `shard of sweep ${options.shard.sweepId} given a snapshot of sweep ${snapshot.sweepId}`);
    // A scope of its own, so the sweep record counts this sweep's requests only.
    return (await countOperations(() => this.write(snapshot, options.shard, options.abortSignal))).result;
  }

  private async write(snapshot: FleetSnapshot, shard: ShardRef | undefined, abortSignal: AbortSignal | undefined): Promise<RecordSweepResult> {
    // Shards of one sweep share its id and start; each writes under a lease of its own.
    const owner = shard ? `${snapshot.sweepId}#${shard.index}` : snapshot.sweepId;
    const recordKey = shard ? keys.shardRowKey(shard.sweepId, shard.index) : keys.sweepRowKey(snapshot.startedAt, snapshot.sweepId);
    let meta = await readMeta(this.tables.sweeps, abortSignal);
    if (shard || meta.manifest.lastSweepId === snapshot.sweepId) {
      // A retry of a sweep (or a redelivered shard) that committed: nothing to do, report what was recorded.
      const done = await this.getRecord(recordKey, abortSignal);
      if (done) return { sweep: done, transitions: [] };
    }
    meta = await this.settlePending(meta, snapshot, abortSignal);
    if (meta.manifest.lastStartedAt && snapshot.startedAt < meta.manifest.lastStartedAt)
      throw superseded(snapshot, meta.manifest.lastSweepId, meta.manifest.lastStartedAt);
    // The global lease: an inline sweep or a merge is writing the manifest.
    assertLeaseFree(meta.lease, owner);
    let writer: LeaseHolder;
    if (shard) {
      const rowKey = keys.shardLeaseRowKey(shard.sweepId, shard.index);
      const own = meta.shardLeases.find((l) => l.rowKey === rowKey)?.lease ?? { owner: "", expiresAt: 0, dirty: [] };
      assertLeaseFree(own, owner);
      // This shard repairs what it left half written, and what an interrupted inline sweep left in its subscriptions.
      const read = new Set(snapshot.clusters.map((c) => keys.clusterKey(c.id)));
      const dirty = meta.lease.dirty.filter((k) => read.has(k) || ownedBy(meta, k, snapshot));
      meta = { ...meta, lease: { ...own, dirty: [...new Set([...own.dirty, ...dirty])] } };
      writer = new LeaseHolder(this.tables.sweeps, own, this.leaseMs, owner, abortSignal, { rowKey, properties: { sweepId: shard.sweepId } });
    } else writer = new LeaseHolder(this.tables.sweeps, meta.lease, this.leaseMs, owner, abortSignal);
    const plan = planSweep(snapshot, meta);
    if (plan.work.size > 0 || shard) await writer.acquire([...plan.work.keys()]);

    const cached = this.cache?.version === meta.version ? this.cache.rows : undefined;
    this.cache = undefined;
    const rows = await readClusters(this.tables, this.concurrency, plan, { cached, abortSignal });
    const transitions: TransitionRecord[] = [];
    /** Loose transition rows per cluster after this sweep (the manifest's compaction trigger). */
    const loose = new Map<string, number>();
    const clusterActions = new Map<string, Action[][]>();
    const indexActions = new IndexWrites();
    for (const work of plan.work.values()) {
      const stored = rows.get(work.key)!;
      const plans = planWork(work, stored, snapshot);
      clusterActions.set(
        work.key,
        plans.map((p) => componentActions(work.key, p, stored.current.get(p.componentKey)?.etag)),
      );
      for (const p of plans) transitions.push(...p.transitions);
      loose.set(work.key, (meta.manifest.clusters.get(work.key)?.loose ?? 0) + plans.reduce((n, p) => n + p.transitions.length, 0));
      indexActions.addPlans(work.key, plans, stored);
      if (work.repair) for (const t of stored.recent) indexActions.addTransition(work.key, t);
    }

    const beforeBatch = (table: TableClient, partitionKey: string) => async (operations: number, n: number) => {
      await writer.renewIfDue();
      await this.tables.options.beforeBatch?.({ table: table.tableName, partitionKey, operations, batch: n });
    };
    await mapLimit([...clusterActions], this.concurrency, async ([key, units]) => {
      await writeUnits(this.tables.clusters, key, units, beforeBatch(this.tables.clusters, key), abortSignal);
      // Under the lease, so no other sweep writes the partition meanwhile.
      if (loose.get(key)! >= this.compactAfter)
        loose.set(key, await compact(this.tables.clusters, key, meta.manifest.lastStartedAt, beforeBatch(this.tables.clusters, key), abortSignal));
    });
    const batch = (table: TableClient, partitionKey: string, units: Action[][]) =>
      writeUnits(table, partitionKey, units, beforeBatch(table, partitionKey), abortSignal);
    await mapLimit([...indexActions.byPartition()], this.concurrency, ([pk, units]) => batch(this.tables.index, pk, units));

    // The commit below is one more request.
    const sweep = sweepRecord(snapshot, transitions.length, operationsSoFar() + 1);
    const record: Action = ["upsert", sweepEntity(keys.META_PARTITION, recordKey, sweep), "Replace"];
    if (shard) {
      // A shard commits its manifest delta; the sweep's merge applies it (shards.ts).
      const delta = manifestEntities(manifestDelta(plan, snapshot, loose), keys.deltaRowPrefix(shard.sweepId, shard.index));
      await writer.commit([...delta.map((d): Action => ["upsert", d, "Replace"]), record]);
    } else {
      const rows = manifestEntities(nextManifest(plan, snapshot, loose));
      const stale = meta.manifestRowKeys.filter((rk) => !rows.some((m) => m.rowKey === rk));
      await writer.commit([
        ...rows.map((m): Action => ["upsert", m, "Replace"]),
        ...stale.map((rk): Action => ["delete", { partitionKey: keys.META_PARTITION, rowKey: rk }]),
        record,
      ]);
    }
    return { sweep, transitions };
  }

  /**
   * Sweeps are recorded in order: a sharded sweep in flight is merged first when all its shards are
   * recorded, and otherwise makes a later sweep wait (`SweepInProgress`, retried) and an earlier one
   * superseded. Shards of the one sweep in flight write at once.
   */
  private async settlePending(meta: MetaState, snapshot: FleetSnapshot, abortSignal: AbortSignal | undefined): Promise<MetaState> {
    let merged = false;
    for (const p of meta.pending) {
      if (p.sweepId === snapshot.sweepId) continue;
      if (p.startedAt > snapshot.startedAt) throw superseded(snapshot, p.sweepId, p.startedAt);
      const progress = await finishShardedSweep(this.tables, this.leaseMs, p.sweepId, { abortSignal });
      if (!progress.sweep)
        throw new FleetHistoryError(
          "SweepInProgress",
          `sharded sweep ${p.sweepId} has ${progress.recorded} of ${progress.shards} shards recorded; sweep ${snapshot.sweepId} is recorded after it`,
        );
      merged = true;
    }
    return merged ? readMeta(this.tables.sweeps, abortSignal) : meta;
  }

  finish(sweepId: string, options: StoreOperationOptions = {}): Promise<ShardedSweepProgress> {
    return finishShardedSweep(this.tables, this.leaseMs, sweepId, options);
  }

  private async getRecord(rowKey: string, abortSignal: AbortSignal | undefined): Promise<SweepRecord | undefined> {
    try {
      return sweepFromEntity(await this.tables.sweeps.getEntity(keys.META_PARTITION, rowKey, { abortSignal }));
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }
}

function superseded(snapshot: FleetSnapshot, sweepId: string | undefined, startedAt: string): FleetHistoryError {
  return new FleetHistoryError(
    "SnapshotSuperseded",
    `sweep ${snapshot.sweepId} started at ${snapshot.startedAt}, before sweep ${sweepId} (${startedAt}) was recorded or planned; recording it would undo newer observations`,
  );
}

/** True when the manifest places the cluster in a subscription the snapshot's scopes cover. */
function ownedBy(meta: MetaState, clusterKey: string, snapshot: FleetSnapshot): boolean {
  const sub = meta.manifest.clusters.get(clusterKey)?.subscriptionId;
  return sub !== undefined && inScope(sub, snapshot);
}
