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
 * 6. commits the manifest, the sweep record and the lease release in one transaction.
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
import { manifestEntities } from "./manifest";
import { readMeta } from "./meta";
import { ClusterRows, nextManifest, planSweep, planWork, sweepRecord, withSeen } from "./plan";
import { concurrencyOf, countOperations, HistoryTables, operationsSoFar } from "./tables";
import type { ComponentChange, RecordSweepOptions, RecordSweepResult, ShardRef, StoreOperationOptions, SweepRecord, TransitionRecord } from "./types";
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
    const meta = await readMeta(this.tables.sweeps, abortSignal);
    const { manifest, lease } = meta;
    // Shards of one sweep share its id and start; each writes under an owner of its own.
    const owner = shard ? `${snapshot.sweepId}#${shard.index}` : snapshot.sweepId;
    const recordKey = shard ? keys.shardRowKey(shard.sweepId, shard.index) : keys.sweepRowKey(snapshot.startedAt, snapshot.sweepId);
    if (shard || manifest.lastSweepId === snapshot.sweepId) {
      // A retry of a sweep (or a redelivered shard) that committed: nothing to do, report what was recorded.
      const done = await this.getRecord(recordKey, abortSignal);
      if (done) return { sweep: done, transitions: [] };
    }
    if (manifest.lastStartedAt && snapshot.startedAt < manifest.lastStartedAt) {
      throw new FleetHistoryError(
        "SnapshotSuperseded",
        `sweep ${snapshot.sweepId} started at ${snapshot.startedAt}, before the last recorded sweep ${manifest.lastSweepId} (${manifest.lastStartedAt}); recording it would undo newer observations`,
      );
    }
    assertLeaseFree(lease, owner);
    const plan = planSweep(snapshot, meta);
    const writer = new LeaseHolder(this.tables.sweeps, lease, this.leaseMs, owner, abortSignal);
    if (plan.work.size > 0) await writer.acquire([...plan.work.keys()]);

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

    const next = nextManifest(plan, snapshot, loose);
    // The commit below is one more request.
    const sweep = sweepRecord(snapshot, transitions.length, operationsSoFar() + 1);
    await writer.commit(manifestEntities(next), meta.manifestRowKeys, sweepEntity(keys.META_PARTITION, recordKey, sweep));
    return { sweep, transitions };
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
