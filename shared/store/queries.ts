/**
 * Reading the history: current state from the cluster partitions or the open-failures index,
 * timelines from a cluster's partition (loose rows and packs), fleet-wide transitions from the event
 * index, sweeps from `meta`.
 */
import { odata } from "@azure/data-tables";
import { componentFromEntity, Entity, sweepFromEntity, transitionFromEntity } from "./entities";
import * as keys from "./keys";
import type { Manifest } from "./manifest";
import { readMeta } from "./meta";
import { unpack } from "./packs";
import { withSeen } from "./plan";
import type { HistoryTables } from "./tables";
import type { ComponentFilter, ComponentRecord, Page, SweepRecord, TransitionQuery, TransitionRecord } from "./types";

/** How stale a read's `lastSeenAt` may be; sweeps run minutes apart. */
const MANIFEST_READ_TTL_MS = 5_000;

export const OPEN_PARTITIONS = odata`PartitionKey ge ${keys.OPEN_PREFIX} and PartitionKey lt ${keys.prefixEnd(keys.OPEN_PREFIX)}`;

/** An OData string literal (the `odata` tag quotes only inside a larger template). */
const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export class HistoryReader {
  /** The manifest as reads see it (only for `lastSeenAt`), re-read at most every MANIFEST_READ_TTL_MS. */
  private readManifest?: { at: number; manifest: Promise<Manifest> };

  constructor(private readonly tables: HistoryTables) {}

  /** After a sweep commits, reads fetch the manifest again. */
  forgetManifest(): void {
    this.readManifest = undefined;
  }

  /**
   * Reads need the manifest only for each cluster's last-seen sweep; at 10,000 clusters it is about a
   * megabyte, so reads share one copy for a few seconds instead of fetching it per request.
   */
  private manifestForReads(): Promise<Manifest> {
    const now = Date.now();
    if (!this.readManifest || now - this.readManifest.at > MANIFEST_READ_TTL_MS) {
      const manifest = readMeta(this.tables.sweeps).then((meta) => meta.manifest);
      // A failed read is not cached: the next request tries again.
      manifest.catch(() => (this.readManifest = undefined));
      this.readManifest = { at: now, manifest };
    }
    return this.readManifest.manifest;
  }

  async *listComponents(filter: ComponentFilter = {}): AsyncIterable<ComponentRecord> {
    const manifest = await this.manifestForReads();
    const conditions: string[] = [];
    let table = this.tables.clusters;
    if (filter.clusterId) {
      const key = keys.clusterKey(filter.clusterId);
      conditions.push(odata`PartitionKey eq ${key} and RowKey ge ${keys.CURRENT_PREFIX} and RowKey lt ${keys.prefixEnd(keys.CURRENT_PREFIX)}`);
    } else if ((filter.state && filter.state !== "healthy") || filter.catalogId) {
      // Every component that is not healthy has a copy in the open partition: no fleet scan.
      table = this.tables.index;
      conditions.push(OPEN_PARTITIONS);
    } else conditions.push(odata`RowKey ge ${keys.CURRENT_PREFIX} and RowKey lt ${keys.prefixEnd(keys.CURRENT_PREFIX)}`);
    const values = { ...filter, subscriptionId: filter.subscriptionId?.toLowerCase(), extensionType: filter.extensionType?.toLowerCase() };
    for (const name of ["state", "kind", "catalogId", "subscriptionId", "extensionType"] as const) {
      if (values[name] !== undefined) conditions.push(`${name} eq ${odataString(values[name]!)}`);
    }
    for await (const entity of table.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") } })) {
      const clusterKey = table === this.tables.index ? entity.rowKey.split("~")[0] : entity.partitionKey;
      yield withSeen(componentFromEntity(entity), manifest, clusterKey);
    }
  }

  async getCluster(clusterId: string): Promise<ComponentRecord[] | undefined> {
    const records: ComponentRecord[] = [];
    for await (const record of this.listComponents({ clusterId })) records.push(record);
    return records.length ? records : undefined;
  }

  async clusterTimeline(clusterId: string, options: { from?: Date; to?: Date } = {}): Promise<TransitionRecord[]> {
    const key = keys.clusterKey(clusterId);
    const from = options.from?.toISOString() ?? "";
    const to = options.to?.toISOString();
    const loose = odata`RowKey ge ${keys.TRANSITION_PREFIX + from} and RowKey lt ${to ? keys.TRANSITION_PREFIX + to : keys.prefixEnd(keys.TRANSITION_PREFIX)}`;
    // Packs are keyed by their last time: those ending at or after `from`, and starting before `to`.
    const packs = odata`RowKey ge ${keys.PACK_PREFIX + from} and RowKey lt ${keys.prefixEnd(keys.PACK_PREFIX)}` + (to ? odata` and firstAt lt ${to}` : "");
    const filter = odata`PartitionKey eq ${key}` + ` and ((${packs}) or (${loose}))`;
    const rows: Array<[string, TransitionRecord]> = [];
    for await (const entity of this.tables.clusters.listEntities<Entity>({ queryOptions: { filter } })) {
      if (!entity.rowKey.startsWith(keys.PACK_PREFIX)) rows.push([entity.rowKey, transitionFromEntity(entity)]);
      else for (const row of unpack(entity)) if (row[1].at >= from && (to === undefined || row[1].at < to)) rows.push(row);
    }
    // In loose-row key order: by time, then component and event.
    return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((row) => row[1]);
  }

  async *listTransitions(query: TransitionQuery = {}): AsyncIterable<TransitionRecord> {
    const low = query.from?.toISOString() ?? "";
    const high = query.to?.toISOString() ?? "~";
    const conditions = [odata`RowKey ge ${low} and RowKey lt ${high}`];
    if (query.catalogId) conditions.push(odata`PartitionKey eq ${keys.catalogPartition(query.catalogId)}`);
    if (query.extensionType) conditions.push(odata`extensionType eq ${query.extensionType.toLowerCase()}`);
    if (!query.catalogId && query.extensionType) conditions.push(odata`PartitionKey eq ${keys.extensionPartition(query.extensionType.toLowerCase())}`);
    if (query.catalogId || query.extensionType) {
      for await (const entity of this.tables.index.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") } })) yield transitionFromEntity(entity);
      return;
    }
    // A day's shards come one after the other; each day is merged back into time order.
    const first = `${keys.DAY_PREFIX}${low.slice(0, 10)}`;
    const last = keys.prefixEnd(`${keys.DAY_PREFIX}${query.to ? high.slice(0, 10) : "~"}`);
    conditions.push(odata`PartitionKey ge ${first} and PartitionKey lt ${last}`);
    let day = "";
    let rows: Entity[] = [];
    const flush = () => rows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1)).map(transitionFromEntity);
    for await (const entity of this.tables.index.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") } })) {
      const entityDay = entity.partitionKey.slice(0, keys.DAY_PREFIX.length + 10);
      if (entityDay !== day) {
        yield* flush();
        [day, rows] = [entityDay, []];
      }
      rows.push(entity);
    }
    yield* flush();
  }

  async listSweeps(options: { limit?: number; continuationToken?: string } = {}): Promise<Page<SweepRecord>> {
    const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${keys.SWEEP_ROW_PREFIX} and RowKey lt ${keys.prefixEnd(keys.SWEEP_ROW_PREFIX)}`;
    const pages = this.tables.sweeps.listEntities<Entity>({ queryOptions: { filter } }).byPage({ maxPageSize: options.limit ?? 50, continuationToken: options.continuationToken });
    const page = (await pages.next()).value as (Entity[] & { continuationToken?: string }) | undefined;
    return { items: (page ?? []).map(sweepFromEntity), ...(page?.continuationToken ? { continuationToken: page.continuationToken } : {}) };
  }

  async lastCompleteSweep(): Promise<SweepRecord | undefined> {
    const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${keys.SWEEP_ROW_PREFIX} and RowKey lt ${keys.prefixEnd(keys.SWEEP_ROW_PREFIX)} and partial eq ${false}`;
    for await (const entity of this.tables.sweeps.listEntities<Entity>({ queryOptions: { filter } })) return sweepFromEntity(entity);
    return undefined;
  }
}
