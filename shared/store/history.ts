/**
 * The fleet history over Azure Table storage, a facade over its parts: writer.ts records sweeps
 * (with lease.ts, plan.ts, cluster-rows.ts, index-writes.ts, compaction.ts, batches.ts), queries.ts
 * reads, retention.ts deletes what is past the retention, validation.ts refuses bad snapshots.
 */
import type { FleetSnapshot } from "../core/model";
import { HistoryReader } from "./queries";
import { applyRetention } from "./retention";
import { FleetHistoryOptions, HistoryTables, openHistoryTables } from "./tables";
import type { ComponentChange, ComponentFilter, ComponentRecord, FleetHistory, Page, RecordSweepResult, SweepRecord, TransitionQuery, TransitionRecord } from "./types";
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

  diffSnapshot(snapshot: FleetSnapshot): Promise<ComponentChange[]> {
    return this.writer.diff(snapshot);
  }

  async recordSweep(snapshot: FleetSnapshot): Promise<RecordSweepResult> {
    const result = await this.writer.record(snapshot);
    this.reader.forgetManifest();
    return result;
  }

  listComponents(filter?: ComponentFilter): AsyncIterable<ComponentRecord> {
    return this.reader.listComponents(filter);
  }

  getCluster(clusterId: string): Promise<ComponentRecord[] | undefined> {
    return this.reader.getCluster(clusterId);
  }

  clusterTimeline(clusterId: string, options?: { from?: Date; to?: Date }): Promise<TransitionRecord[]> {
    return this.reader.clusterTimeline(clusterId, options);
  }

  listTransitions(query?: TransitionQuery): AsyncIterable<TransitionRecord> {
    return this.reader.listTransitions(query);
  }

  listSweeps(options?: { limit?: number; continuationToken?: string }): Promise<Page<SweepRecord>> {
    return this.reader.listSweeps(options);
  }

  lastCompleteSweep(): Promise<SweepRecord | undefined> {
    return this.reader.lastCompleteSweep();
  }

  applyRetention(options?: { days?: number; now?: Date }): Promise<number> {
    return applyRetention(this.tables, options);
  }
}
