/**
 * The fleet history over Azure Table storage, a facade over its parts: writer.ts records sweeps
 * (with lease.ts, plan.ts, cluster-rows.ts, index-writes.ts, compaction.ts, batches.ts), queries.ts
 * reads, retention.ts deletes what is past the retention, validation.ts refuses bad snapshots.
 */
import type { FleetSnapshot, ScopeError } from "../core/model";
import type { PagedList } from "./paging";
import { readMeta } from "./meta";
import { HistoryReader } from "./queries";
import { loadReadModel, saveReadModel } from "./read-models";
import { applyRetention } from "./retention";
import { FleetHistoryOptions, HistoryTables, openHistoryTables } from "./tables";
import type {
  ApplyRetentionOptions,
  ComponentChange,
  ComponentRecord,
  FleetHistory,
  ListClusterTransitionsOptions,
  ListComponentsOptions,
  ListTransitionsOptions,
  RecordSweepOptions,
  RecordSweepResult,
  ShardedSweepPlan,
  ShardedSweepProgress,
  ShardPlanningState,
  ShardRef,
  StoreOperationOptions,
  SweepRecord,
  TransitionRecord,
} from "./types";
import { planShardedSweep, recordFailedShard } from "./shards";
import { SweepWriter } from "./writer";

export class TableFleetHistory implements FleetHistory {
  private readonly writer: SweepWriter;
  private readonly reader: HistoryReader;

  private constructor(private readonly tables: HistoryTables) {
    this.writer = new SweepWriter(tables);
    this.reader = new HistoryReader(tables);
  }

  static async open(options: FleetHistoryOptions): Promise<TableFleetHistory> {
    return new TableFleetHistory(await openHistoryTables(options));
  }

  diffSnapshot(snapshot: FleetSnapshot, options?: StoreOperationOptions): Promise<ComponentChange[]> {
    return this.writer.diff(snapshot, options);
  }

  async recordSweep(snapshot: FleetSnapshot, options?: RecordSweepOptions): Promise<RecordSweepResult> {
    const result = await this.writer.record(snapshot, options);
    this.reader.forgetManifest();
    return result;
  }

  planShardedSweep(plan: ShardedSweepPlan, options?: StoreOperationOptions): Promise<void> {
    return planShardedSweep(this.tables.sweeps, plan, options);
  }

  recordFailedShard(shard: ShardRef, partialScopes: ScopeError[], options?: StoreOperationOptions): Promise<void> {
    return recordFailedShard(this.tables.sweeps, shard, partialScopes, options);
  }

  finishShardedSweep(sweepId: string, options?: StoreOperationOptions): Promise<ShardedSweepProgress> {
    return this.writer.finish(sweepId, options);
  }

  async shardPlanningState({ abortSignal }: StoreOperationOptions = {}): Promise<ShardPlanningState> {
    const meta = await readMeta(this.tables.sweeps, abortSignal);
    return { inFlight: meta.pending, subscriptions: [...new Set([...meta.manifest.clusters.values()].map((c) => c.subscriptionId))].sort() };
  }

  listComponents(options?: ListComponentsOptions): PagedList<ComponentRecord> {
    return this.reader.listComponents(options);
  }

  getCluster(clusterId: string, options?: StoreOperationOptions): Promise<ComponentRecord[] | undefined> {
    return this.reader.getCluster(clusterId, options);
  }

  listClusterTransitions(clusterId: string, options?: ListClusterTransitionsOptions): PagedList<TransitionRecord> {
    return this.reader.listClusterTransitions(clusterId, options);
  }

  clusterChangeSpan(clusterId: string, options?: StoreOperationOptions): Promise<{ earliestAt?: string; latestAt?: string }> {
    return this.reader.clusterChangeSpan(clusterId, options);
  }

  saveReadModel(name: string, sweepId: string, value: unknown, options?: StoreOperationOptions): Promise<void> {
    return saveReadModel(this.tables.sweeps, name, sweepId, value, options?.abortSignal);
  }

  loadReadModel<T>(name: string, sweepId: string, options?: StoreOperationOptions): Promise<T | undefined> {
    return loadReadModel<T>(this.tables.sweeps, name, sweepId, options?.abortSignal);
  }

  listTransitions(options?: ListTransitionsOptions): PagedList<TransitionRecord> {
    return this.reader.listTransitions(options);
  }

  listSweeps(options?: StoreOperationOptions): PagedList<SweepRecord> {
    return this.reader.listSweeps(options);
  }

  lastCompleteSweep(options?: StoreOperationOptions): Promise<SweepRecord | undefined> {
    return this.reader.lastCompleteSweep(options);
  }

  applyRetention(options?: ApplyRetentionOptions): Promise<number> {
    return applyRetention(this.tables, options);
  }
}
