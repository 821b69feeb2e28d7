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
import { invalidContinuationToken, keysetPages, pagedList, PagedList, tablePages } from "./paging";
import { withSeen } from "./plan";
import type { HistoryTables } from "./tables";
import type {
  ComponentRecord,
  ListClusterTransitionsOptions,
  ListComponentsOptions,
  ListTransitionsOptions,
  StoreOperationOptions,
  SweepRecord,
  TransitionRecord,
} from "./types";

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
   * megabyte, so reads share one copy for a few seconds instead of fetching it per request. Being
   * shared, the read takes no caller's abort signal; the caller stops right after it.
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

  listComponents(options: ListComponentsOptions = {}): PagedList<ComponentRecord> {
    const { abortSignal, ...filter } = options;
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
    const open = table === this.tables.index;
    const manifestForReads = () => this.manifestForReads();
    return pagedList(async function* (settings) {
      const manifest = await manifestForReads();
      abortSignal?.throwIfAborted();
      const entities = table.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") }, abortSignal }).byPage(settings);
      yield* tablePages(entities, (entity) => withSeen(componentFromEntity(entity), manifest, open ? entity.rowKey.split("~")[0] : entity.partitionKey));
    });
  }

  async getCluster(clusterId: string, options: StoreOperationOptions = {}): Promise<ComponentRecord[] | undefined> {
    const records: ComponentRecord[] = [];
    for await (const record of this.listComponents({ clusterId, abortSignal: options.abortSignal })) records.push(record);
    return records.length ? records : undefined;
  }

  /** Packs and loose rows come apart (packs sort first): they are merged in loose-row key order, and a token is the last row key sent. */
  listClusterTransitions(clusterId: string, options: ListClusterTransitionsOptions = {}): PagedList<TransitionRecord> {
    const key = keys.clusterKey(clusterId);
    const to = options.to?.toISOString();
    const clusters = this.tables.clusters;
    const read = async function* (after: string | undefined): AsyncIterable<Array<[string, TransitionRecord]>> {
      if (after !== undefined && !after.startsWith(keys.TRANSITION_PREFIX)) throw invalidContinuationToken();
      const afterAt = after?.slice(keys.TRANSITION_PREFIX.length).split("~")[0] ?? "";
      const requested = options.from?.toISOString() ?? "";
      const from = afterAt > requested ? afterAt : requested;
      const loose = odata`RowKey ge ${keys.TRANSITION_PREFIX + from} and RowKey lt ${to ? keys.TRANSITION_PREFIX + to : keys.prefixEnd(keys.TRANSITION_PREFIX)}`;
      // Packs are keyed by their last time: those ending at or after `from`, and starting before `to`.
      const packs = odata`RowKey ge ${keys.PACK_PREFIX + from} and RowKey lt ${keys.prefixEnd(keys.PACK_PREFIX)}` + (to ? odata` and firstAt lt ${to}` : "");
      const filter = odata`PartitionKey eq ${key}` + ` and ((${packs}) or (${loose}))`;
      const rows: Array<[string, TransitionRecord]> = [];
      for await (const entity of clusters.listEntities<Entity>({ queryOptions: { filter }, abortSignal: options.abortSignal })) {
        if (!entity.rowKey.startsWith(keys.PACK_PREFIX)) rows.push([entity.rowKey, transitionFromEntity(entity)]);
        else for (const row of unpack(entity)) if (row[1].at >= from && (to === undefined || row[1].at < to)) rows.push(row);
      }
      // In loose-row key order: by time, then component and event.
      rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      yield after === undefined ? rows : rows.filter((row) => row[0] > after);
    };
    return pagedList((settings) => keysetPages(settings, read));
  }

  /**
   * The times of the cluster's oldest and newest recorded change, from the keys alone: packs are keyed
   * by their last time and hold their first, loose rows by their own (one read of small rows, about
   * one per 99 transitions, and no manifest).
   */
  async clusterChangeSpan(clusterId: string, options: StoreOperationOptions = {}): Promise<{ earliestAt?: string; latestAt?: string }> {
    const key = keys.clusterKey(clusterId);
    const filter = odata`PartitionKey eq ${key} and RowKey ge ${keys.PACK_PREFIX} and RowKey lt ${keys.prefixEnd(keys.TRANSITION_PREFIX)}`;
    let earliestAt: string | undefined;
    let latestAt: string | undefined;
    const select = ["RowKey", "firstAt"];
    for await (const entity of this.tables.clusters.listEntities<Entity>({ queryOptions: { filter, select }, abortSignal: options.abortSignal })) {
      const pack = entity.rowKey.startsWith(keys.PACK_PREFIX);
      if (!pack && !entity.rowKey.startsWith(keys.TRANSITION_PREFIX)) continue;
      const last = entity.rowKey.split("~")[1];
      const first = pack ? String(entity.firstAt) : last;
      if (earliestAt === undefined || first < earliestAt) earliestAt = first;
      if (latestAt === undefined || last > latestAt) latestAt = last;
    }
    return { ...(earliestAt ? { earliestAt } : {}), ...(latestAt ? { latestAt } : {}) };
  }

  /** By catalog entry or extension type: one index partition. Otherwise the day partitions, each day's shards merged back into time order. A token is the last row key sent. */
  listTransitions(options: ListTransitionsOptions = {}): PagedList<TransitionRecord> {
    const { abortSignal, ...query } = options;
    const index = this.tables.index;
    const read = async function* (after: string | undefined): AsyncIterable<Array<[string, TransitionRecord]>> {
      if (after !== undefined && !/^\d{4}-\d{2}-\d{2}T[^~]*~/.test(after)) throw invalidContinuationToken();
      const low = query.from?.toISOString() ?? "";
      const high = query.to?.toISOString() ?? "~";
      const conditions = [odata`RowKey ge ${low} and RowKey lt ${high}`];
      if (after !== undefined) conditions.push(odata`RowKey gt ${after}`);
      if (query.catalogId) conditions.push(odata`PartitionKey eq ${keys.catalogPartition(query.catalogId)}`);
      if (query.extensionType) conditions.push(odata`extensionType eq ${query.extensionType.toLowerCase()}`);
      if (!query.catalogId && query.extensionType) conditions.push(odata`PartitionKey eq ${keys.extensionPartition(query.extensionType.toLowerCase())}`);
      const pages = () => index.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") }, abortSignal }).byPage();
      const keyed = (entity: Entity): [string, TransitionRecord] => [entity.rowKey, transitionFromEntity(entity)];
      if (query.catalogId || query.extensionType) {
        for await (const page of pages()) yield page.map(keyed);
        return;
      }
      const start = after !== undefined && after > low ? after : low;
      const first = `${keys.DAY_PREFIX}${start.slice(0, 10)}`;
      const last = keys.prefixEnd(`${keys.DAY_PREFIX}${query.to ? high.slice(0, 10) : "~"}`);
      conditions.push(odata`PartitionKey ge ${first} and PartitionKey lt ${last}`);
      let day = "";
      let rows: Entity[] = [];
      const flush = () => rows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1)).map(keyed);
      for await (const page of pages()) {
        for (const entity of page) {
          const entityDay = entity.partitionKey.slice(0, keys.DAY_PREFIX.length + 10);
          if (entityDay !== day) {
            yield flush();
            [day, rows] = [entityDay, []];
          }
          rows.push(entity);
        }
      }
      yield flush();
    };
    return pagedList((settings) => keysetPages(settings, read));
  }

  listSweeps(options: StoreOperationOptions = {}): PagedList<SweepRecord> {
    const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${keys.SWEEP_ROW_PREFIX} and RowKey lt ${keys.prefixEnd(keys.SWEEP_ROW_PREFIX)}`;
    const sweeps = this.tables.sweeps;
    return pagedList((settings) =>
      tablePages(sweeps.listEntities<Entity>({ queryOptions: { filter }, abortSignal: options.abortSignal }).byPage(settings), sweepFromEntity),
    );
  }

  async lastCompleteSweep(options: StoreOperationOptions = {}): Promise<SweepRecord | undefined> {
    const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${keys.SWEEP_ROW_PREFIX} and RowKey lt ${keys.prefixEnd(keys.SWEEP_ROW_PREFIX)} and partial eq ${false}`;
    for await (const entity of this.tables.sweeps.listEntities<Entity>({ queryOptions: { filter }, abortSignal: options.abortSignal }))
      return sweepFromEntity(entity);
    return undefined;
  }
}
