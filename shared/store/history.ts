/**
 * The fleet history over Azure Table storage. See keys.ts for the tables and keys, manifest.ts for how
 * a sweep finds what changed without reading the fleet, diff.ts for what a change is.
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
 * A crash anywhere leaves the lease with its dirty list; the next sweep re-reads those clusters and
 * rewrites their index copies from the transitions already in their partitions (deterministic keys),
 * so nothing is lost or doubled.
 */
import { odata, TableClient, TransactionAction } from "@azure/data-tables";
import { ClusterHealth, FleetSnapshot, HEALTH_STATES, HealthState, COMPONENT_KINDS, normalizeId } from "../core/model";
import {
  componentEntity,
  componentFromEntity,
  Entity,
  getText,
  putText,
  StoredComponent,
  sweepEntity,
  sweepFromEntity,
  transitionEntity,
  transitionFromEntity,
} from "./entities";
import { FleetHistoryError, statusOf } from "./errors";
import { clusterView, isGone, NOT_READ_REASON, planCluster, ComponentPlan } from "./diff";
import * as keys from "./keys";
import { clusterContentHash, ClusterView, Manifest, manifestEntities, manifestFromEntities } from "./manifest";
import { packRows, unpack } from "./packs";
import { countOperations, FleetHistoryOptions, openTable, operationsSoFar } from "./tables";
import type {
  ComponentChange,
  ComponentFilter,
  ComponentRecord,
  FleetHistory,
  Page,
  RecordSweepResult,
  SweepRecord,
  TransitionQuery,
  TransitionRecord,
} from "./types";

const MAX_BATCH_OPERATIONS = 100;
/** Under the 4 MiB limit of a transaction's body, with room for the multipart framing. */
const MAX_BATCH_BYTES = 3_500_000;
const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_RETENTION_DAYS = 400;
const DEFAULT_COMPACT_AFTER = 100;
const DAY_MS = 24 * 60 * 60_000;

interface Lease {
  owner: string;
  expiresAt: number;
  /** Cluster keys a sweep began writing and did not commit. */
  dirty: string[];
  etag?: string;
}

interface MetaState {
  lease: Lease;
  manifest: Manifest;
  manifestRowKeys: string[];
  /** Changes whenever a sweep takes the lease or commits: reads cached under it are still current. */
  version: string;
}

interface StoredRow {
  record: StoredComponent;
  etag: string;
}

interface ClusterRows {
  current: Map<string, StoredRow>;
  /** Transitions since the last commit (only read for clusters an interrupted sweep left dirty). */
  recent: TransitionRecord[];
  /** Component keys with a row in the open-failures index (only read for dirty clusters). */
  open?: Set<string>;
}

interface ClusterWork {
  key: string;
  cluster?: ClusterHealth;
  view: ClusterView | "gone" | "unread";
  hash?: string;
  /** Left half-written by an interrupted sweep: its index copies are rebuilt. */
  repair: boolean;
}

interface Plan {
  meta: MetaState;
  work: Map<string, ClusterWork>;
  /** Clusters whose hash matched: only their last-seen sweep moves. */
  seen: Set<string>;
}

type Action = TransactionAction;

/** How stale a read's `lastSeenAt` may be; sweeps run minutes apart. */
const MANIFEST_READ_TTL_MS = 5_000;

export class TableFleetHistory implements FleetHistory {
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly compactAfter: number;
  /** Partition reads of the last diffSnapshot, reused by recordSweep while `version` holds. */
  private cache?: { version: string; rows: Map<string, ClusterRows> };
  /** The manifest as reads see it (only for `lastSeenAt`), re-read at most every MANIFEST_READ_TTL_MS. */
  private readManifest?: { at: number; manifest: Promise<Manifest> };

  private constructor(
    private readonly clusters: TableClient,
    private readonly index: TableClient,
    private readonly sweeps: TableClient,
    private readonly options: FleetHistoryOptions,
  ) {
    this.leaseMs = options.leaseDurationMs ?? DEFAULT_LEASE_MS;
    this.concurrency = options.concurrency ?? 8;
    this.compactAfter = options.compactAfter ?? DEFAULT_COMPACT_AFTER;
  }

  static async open(options: FleetHistoryOptions): Promise<TableFleetHistory> {
    const [clusters, index, sweeps] = await Promise.all([openTable(options, keys.TABLES.clusters), openTable(options, keys.TABLES.index), openTable(options, keys.TABLES.sweeps)]);
    return new TableFleetHistory(clusters, index, sweeps, options);
  }

  // ---------------------------------------------------------------- writing

  async diffSnapshot(input: FleetSnapshot): Promise<ComponentChange[]> {
    const snapshot = checkedSnapshot(input);
    const plan = this.plan(snapshot, await this.readMeta());
    const rows = await this.readClusters(plan);
    this.cache = { version: plan.meta.version, rows };
    const changes: ComponentChange[] = [];
    for (const work of plan.work.values()) {
      for (const p of this.planWork(work, rows.get(work.key)!, snapshot)) {
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

  async recordSweep(input: FleetSnapshot): Promise<RecordSweepResult> {
    const snapshot = checkedSnapshot(input);
    // A scope of its own, so the sweep record counts this sweep's requests only.
    return (await countOperations(() => this.record(snapshot))).result;
  }

  private async record(snapshot: FleetSnapshot): Promise<RecordSweepResult> {
    const meta = await this.readMeta();
    const { manifest, lease } = meta;
    if (manifest.lastSweepId === snapshot.sweepId) {
      // A retry of a sweep that committed: nothing to do, report what was recorded.
      const done = await this.getSweep(snapshot);
      if (done) return { sweep: done, transitions: [] };
    }
    if (manifest.lastStartedAt && snapshot.startedAt < manifest.lastStartedAt) {
      throw new FleetHistoryError("SnapshotSuperseded", `sweep ${snapshot.sweepId} started at ${snapshot.startedAt}, before the last recorded sweep ${manifest.lastSweepId} (${manifest.lastStartedAt}); recording it would undo newer observations`);
    }
    assertLeaseFree(lease, snapshot.sweepId);
    const plan = this.plan(snapshot, meta);
    const writer = new LeaseHolder(this.sweeps, lease, this.leaseMs, snapshot.sweepId);
    if (plan.work.size > 0) await writer.acquire([...plan.work.keys()]);

    const cached = this.cache?.version === meta.version ? this.cache.rows : undefined;
    this.cache = undefined;
    const rows = await this.readClusters(plan, cached);
    const transitions: TransitionRecord[] = [];
    /** Loose transition rows per cluster after this sweep (the manifest's compaction trigger). */
    const loose = new Map<string, number>();
    const clusterActions = new Map<string, Action[][]>();
    const indexActions = new IndexWrites();
    for (const work of plan.work.values()) {
      const stored = rows.get(work.key)!;
      const plans = this.planWork(work, stored, snapshot);
      clusterActions.set(work.key, plans.map((p) => componentActions(work.key, p, stored.current.get(p.componentKey)?.etag)));
      for (const p of plans) transitions.push(...p.transitions);
      loose.set(work.key, (meta.manifest.clusters.get(work.key)?.loose ?? 0) + plans.reduce((n, p) => n + p.transitions.length, 0));
      indexActions.addPlans(work.key, plans, stored);
      if (work.repair) for (const t of stored.recent) indexActions.addTransition(work.key, t);
    }

    const beforeBatch = (table: TableClient, partitionKey: string) => async (operations: number, n: number) => {
      await writer.renewIfDue();
      await this.options.beforeBatch?.({ table: table.tableName, partitionKey, operations, batch: n });
    };
    await mapLimit([...clusterActions], this.concurrency, async ([key, units]) => {
      await writeUnits(this.clusters, key, units, beforeBatch(this.clusters, key));
      // Under the lease, so no other sweep writes the partition meanwhile.
      if (loose.get(key)! >= this.compactAfter) loose.set(key, await this.compact(key, meta.manifest.lastStartedAt, beforeBatch(this.clusters, key)));
    });
    const batch = (table: TableClient, partitionKey: string, units: Action[][]) => writeUnits(table, partitionKey, units, beforeBatch(table, partitionKey));
    await mapLimit([...indexActions.byPartition()], this.concurrency, ([pk, units]) => batch(this.index, pk, units));

    const next = nextManifest(plan, snapshot, loose);
    // The commit below is one more request.
    const sweep = sweepRecord(snapshot, transitions.length, operationsSoFar() + 1);
    await writer.commit(manifestEntities(next), meta.manifestRowKeys, sweepEntity(keys.META_PARTITION, keys.sweepRowKey(snapshot.startedAt, snapshot.sweepId), sweep));
    this.readManifest = undefined;
    return { sweep, transitions };
  }

  /**
   * Packs a cluster's loose transition rows older than the last committed sweep, one transaction per
   * pack (the pack in, its rows out), and returns how many loose rows remain. Newer rows stay loose:
   * an interrupted sweep's repair re-reads them to rebuild their index copies. A pack whose rows are
   * no longer all there (the transaction fails as a whole) is left for a later sweep.
   */
  private async compact(clusterKey: string, committedAt: string | undefined, before: (operations: number, batch: number) => Promise<void>): Promise<number> {
    const filter = odata`PartitionKey eq ${clusterKey} and RowKey ge ${keys.TRANSITION_PREFIX} and RowKey lt ${keys.prefixEnd(keys.TRANSITION_PREFIX)}`;
    const rows: Entity[] = [];
    for await (const entity of this.clusters.listEntities<Entity>({ queryOptions: { filter } })) rows.push(entity);
    const bound = `${keys.TRANSITION_PREFIX}${committedAt ?? ""}`;
    let remaining = rows.length;
    let n = 0;
    for (const pack of packRows(clusterKey, rows.filter((r) => r.rowKey < bound))) {
      await before(pack.rows.length + 1, n++);
      try {
        await this.clusters.submitTransaction([["upsert", pack.entity, "Replace"], ...pack.rows.map((r): Action => ["delete", { partitionKey: clusterKey, rowKey: r.rowKey }])]);
      } catch (err) {
        if ([404, 409, 412].includes(statusOf(err) ?? 0)) break;
        throw err;
      }
      remaining -= pack.rows.length;
    }
    return remaining;
  }

  /** Which clusters this snapshot changes, from hashes alone. */
  private plan(snapshot: FleetSnapshot, meta: MetaState): Plan {
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

  private planWork(work: ClusterWork, rows: ClusterRows, snapshot: FleetSnapshot): ComponentPlan[] {
    if (work.view === "unread") return [];
    const stored = new Map([...rows.current].map(([k, v]) => [k, v.record]));
    return planCluster({ clusterKey: work.key, cluster: work.cluster, view: work.view, stored, at: snapshot.startedAt, sweepId: snapshot.sweepId });
  }

  // ---------------------------------------------------------------- reading state

  private async readMeta(): Promise<MetaState> {
    const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey lt ${keys.META_STATE_END}`;
    const rows: Array<Entity & { etag?: string }> = [];
    for await (const entity of this.sweeps.listEntities<Entity>({ queryOptions: { filter } })) rows.push(entity);
    const leaseRow = rows.find((r) => r.rowKey === keys.LEASE_ROW);
    const manifestRows = rows.filter((r) => r.rowKey.startsWith(keys.MANIFEST_ROW_PREFIX));
    const lease: Lease = leaseRow
      ? {
          owner: String(leaseRow.owner ?? ""),
          expiresAt: leaseRow.expiresAt instanceof Date ? leaseRow.expiresAt.getTime() : 0,
          dirty: (getText(leaseRow, "dirty") ?? "").split(" ").filter(Boolean),
          etag: leaseRow.etag,
        }
      : { owner: "", expiresAt: 0, dirty: [] };
    return {
      lease,
      manifest: manifestFromEntities(manifestRows),
      manifestRowKeys: manifestRows.map((r) => r.rowKey),
      version: rows.map((r) => `${r.rowKey}=${r.etag}`).join(",") || "empty",
    };
  }

  /** The partitions of the clusters to change: current rows, and for dirty ones recent transitions and open-index rows. */
  private async readClusters(plan: Plan, cached?: Map<string, ClusterRows>): Promise<Map<string, ClusterRows>> {
    const since = plan.meta.manifest.lastStartedAt ?? "";
    const result = new Map<string, ClusterRows>();
    await mapLimit([...plan.work.values()], this.concurrency, async (work) => {
      const hit = cached?.get(work.key);
      if (hit && !work.repair) return void result.set(work.key, hit);
      // Every cluster with current rows is in the manifest or in the lease's dirty list: a new one has none.
      if (!work.repair && !plan.meta.manifest.clusters.has(work.key)) return void result.set(work.key, { current: new Map(), recent: [] });
      const current = new Map<string, StoredRow>();
      const recent: TransitionRecord[] = [];
      const lowRecent = `${keys.TRANSITION_PREFIX}${since}`;
      const filter = work.repair
        ? odata`PartitionKey eq ${work.key} and RowKey ge ${keys.CURRENT_PREFIX} and (RowKey lt ${keys.prefixEnd(keys.CURRENT_PREFIX)} or RowKey ge ${lowRecent})`
        : odata`PartitionKey eq ${work.key} and RowKey ge ${keys.CURRENT_PREFIX} and RowKey lt ${keys.prefixEnd(keys.CURRENT_PREFIX)}`;
      for await (const entity of this.clusters.listEntities<Entity>({ queryOptions: { filter } })) {
        if (entity.rowKey.startsWith(keys.CURRENT_PREFIX)) current.set(entity.rowKey.slice(keys.CURRENT_PREFIX.length), { record: componentFromEntity(entity), etag: entity.etag });
        else recent.push(transitionFromEntity(entity));
      }
      const rows: ClusterRows = { current, recent };
      if (work.repair) {
        rows.open = new Set();
        const prefix = `${work.key}~`;
        const openFilter = odata`PartitionKey eq ${keys.openPartition(work.key)} and RowKey ge ${prefix} and RowKey lt ${keys.prefixEnd(prefix)}`;
        for await (const entity of this.index.listEntities<Entity>({ queryOptions: { filter: openFilter, select: ["RowKey"] } })) rows.open.add(entity.rowKey.slice(prefix.length));
      }
      result.set(work.key, rows);
    });
    return result;
  }

  private async getSweep(snapshot: FleetSnapshot): Promise<SweepRecord | undefined> {
    try {
      return sweepFromEntity(await this.sweeps.getEntity(keys.META_PARTITION, keys.sweepRowKey(snapshot.startedAt, snapshot.sweepId)));
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  // ---------------------------------------------------------------- reading history

  /**
   * Reads need the manifest only for each cluster's last-seen sweep; at 10,000 clusters it is about a
   * megabyte, so reads share one copy for a few seconds instead of fetching it per request.
   */
  private manifestForReads(): Promise<Manifest> {
    const now = Date.now();
    if (!this.readManifest || now - this.readManifest.at > MANIFEST_READ_TTL_MS) {
      const manifest = this.readMeta().then((meta) => meta.manifest);
      // A failed read is not cached: the next request tries again.
      manifest.catch(() => (this.readManifest = undefined));
      this.readManifest = { at: now, manifest };
    }
    return this.readManifest.manifest;
  }

  async *listComponents(filter: ComponentFilter = {}): AsyncIterable<ComponentRecord> {
    const manifest = await this.manifestForReads();
    const conditions: string[] = [];
    let table = this.clusters;
    if (filter.clusterId) {
      const key = keys.clusterKey(filter.clusterId);
      conditions.push(odata`PartitionKey eq ${key} and RowKey ge ${keys.CURRENT_PREFIX} and RowKey lt ${keys.prefixEnd(keys.CURRENT_PREFIX)}`);
    } else if ((filter.state && filter.state !== "healthy") || filter.catalogId) {
      // Every component that is not healthy has a copy in the open partition: no fleet scan.
      table = this.index;
      conditions.push(OPEN_PARTITIONS);
    } else conditions.push(odata`RowKey ge ${keys.CURRENT_PREFIX} and RowKey lt ${keys.prefixEnd(keys.CURRENT_PREFIX)}`);
    const values = { ...filter, subscriptionId: filter.subscriptionId?.toLowerCase(), extensionType: filter.extensionType?.toLowerCase() };
    for (const name of ["state", "kind", "catalogId", "subscriptionId", "extensionType"] as const) {
      if (values[name] !== undefined) conditions.push(`${name} eq ${odataString(values[name]!)}`);
    }
    for await (const entity of table.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") } })) {
      const clusterKey = table === this.index ? entity.rowKey.split("~")[0] : entity.partitionKey;
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
    for await (const entity of this.clusters.listEntities<Entity>({ queryOptions: { filter } })) {
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
      for await (const entity of this.index.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") } })) yield transitionFromEntity(entity);
      return;
    }
    // A day's shards come one after the other; each day is merged back into time order.
    const first = `${keys.DAY_PREFIX}${low.slice(0, 10)}`;
    const last = keys.prefixEnd(`${keys.DAY_PREFIX}${query.to ? high.slice(0, 10) : "~"}`);
    conditions.push(odata`PartitionKey ge ${first} and PartitionKey lt ${last}`);
    let day = "";
    let rows: Entity[] = [];
    const flush = () => rows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1)).map(transitionFromEntity);
    for await (const entity of this.index.listEntities<Entity>({ queryOptions: { filter: conditions.join(" and ") } })) {
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
    const pages = this.sweeps.listEntities<Entity>({ queryOptions: { filter } }).byPage({ maxPageSize: options.limit ?? 50, continuationToken: options.continuationToken });
    const page = (await pages.next()).value as (Entity[] & { continuationToken?: string }) | undefined;
    return { items: (page ?? []).map(sweepFromEntity), ...(page?.continuationToken ? { continuationToken: page.continuationToken } : {}) };
  }

  async lastCompleteSweep(): Promise<SweepRecord | undefined> {
    const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${keys.SWEEP_ROW_PREFIX} and RowKey lt ${keys.prefixEnd(keys.SWEEP_ROW_PREFIX)} and partial eq ${false}`;
    for await (const entity of this.sweeps.listEntities<Entity>({ queryOptions: { filter } })) return sweepFromEntity(entity);
    return undefined;
  }

  // ---------------------------------------------------------------- retention

  async applyRetention(options: { days?: number; now?: Date } = {}): Promise<number> {
    const days = options.days ?? this.options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!Number.isInteger(days) || days <= 0) throw new FleetHistoryError("InvalidConfiguration", `retention must be a positive whole number of days, got ${days}`);
    const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS).toISOString();
    // An open failure keeps every transition since its episode began, however old.
    const openSince = new Map<string, string>();
    for await (const entity of this.index.listEntities<Entity>({ queryOptions: { filter: OPEN_PARTITIONS, select: ["RowKey", "firstSeenFailingAt"] } })) {
      const since = entity.firstSeenFailingAt instanceof Date ? entity.firstSeenFailingAt.toISOString() : undefined;
      if (since) openSince.set(entity.rowKey, since);
    }
    const keep = (clusterKey: string, componentKey: string, at: string) => {
      const since = openSince.get(keys.openRowKey(clusterKey, componentKey));
      return since !== undefined && at >= since;
    };
    let deleted = 0;
    const purge = async (table: TableClient, filter: string, kept: (e: Entity) => boolean, wholeRows = false) => {
      const byPartition = new Map<string, Action[][]>();
      for await (const entity of table.listEntities<Entity>({ queryOptions: { filter, ...(wholeRows ? {} : { select: ["PartitionKey", "RowKey"] }) } })) {
        if (kept(entity)) continue;
        const units = byPartition.get(entity.partitionKey) ?? [];
        units.push([["delete", { partitionKey: entity.partitionKey, rowKey: entity.rowKey }]]);
        byPartition.set(entity.partitionKey, units);
        deleted++;
      }
      await mapLimit([...byPartition], this.concurrency, ([pk, units]) => writeUnits(table, pk, units));
    };
    const keepLoose = (clusterKey: string, rowKey: string) => {
      const [, at, component] = rowKey.split("~");
      return keep(clusterKey, component, at);
    };
    // t~<at>~<component>~<event> in a cluster's partition
    await purge(this.clusters, odata`RowKey ge ${keys.TRANSITION_PREFIX} and RowKey lt ${keys.TRANSITION_PREFIX + cutoff}`, (e) => keepLoose(e.partitionKey, e.rowKey));
    // Packs whose every transition is older than the cut-off: kept whole while one belongs to an open failure.
    await purge(this.clusters, odata`RowKey ge ${keys.PACK_PREFIX} and RowKey lt ${keys.PACK_PREFIX + cutoff}`, (e) => unpack(e).some(([rowKey]) => keepLoose(e.partitionKey, rowKey)), true);
    // <at>~<cluster>~<component>~<event> in the event partitions
    await purge(this.index, odata`PartitionKey ge ${keys.EVENT_PARTITION_PREFIX} and PartitionKey lt ${keys.prefixEnd(keys.EVENT_PARTITION_PREFIX)} and RowKey lt ${cutoff}`, (e) => {
      const [at, cluster, component] = e.rowKey.split("~");
      return keep(cluster, component, at);
    });
    const cutoffSweep = keys.sweepRowKey(cutoff, "");
    await purge(this.sweeps, odata`PartitionKey eq ${keys.META_PARTITION} and RowKey gt ${cutoffSweep} and RowKey lt ${keys.prefixEnd(keys.SWEEP_ROW_PREFIX)}`, () => false);
    return deleted;
  }
}

// ---------------------------------------------------------------- the lease

function assertLeaseFree(lease: Lease, sweepId: string): void {
  if (lease.owner && lease.owner !== sweepId && lease.expiresAt > Date.now()) {
    throw new FleetHistoryError("SweepInProgress", `sweep ${lease.owner} is writing the history until ${new Date(lease.expiresAt).toISOString()}; nothing was written`);
  }
}

/** The write lease: one row in `meta`, taken and released with ETag conditions. */
class LeaseHolder {
  private etag?: string;
  private takenAt = 0;
  private renewing?: Promise<void>;
  private dirty: string[] = [];

  constructor(
    private readonly table: TableClient,
    private readonly seen: Lease,
    private readonly leaseMs: number,
    private readonly owner: string,
  ) {
    this.etag = seen.etag;
  }

  async acquire(dirty: string[]): Promise<void> {
    this.dirty = [...new Set([...this.seen.dirty, ...dirty])];
    this.etag = await this.write();
  }

  async renewIfDue(): Promise<void> {
    if (!this.takenAt || Date.now() - this.takenAt < this.leaseMs / 3) return;
    this.renewing ??= this.write().then((etag) => {
      this.etag = etag;
      this.renewing = undefined;
    });
    await this.renewing;
  }

  private async write(): Promise<string | undefined> {
    const entity = this.entity(this.owner, Date.now() + this.leaseMs, this.dirty);
    try {
      const response = this.etag ? await this.table.updateEntity(entity, "Replace", { etag: this.etag }) : await this.table.createEntity(entity);
      this.takenAt = Date.now();
      return response.etag;
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 409) throw new FleetHistoryError("SweepInProgress", `another sweep took the write lease; sweep ${this.owner} stopped`, { cause: err });
      throw err;
    }
  }

  /** Manifest, sweep record and lease release in one transaction, conditional on still holding the lease. */
  async commit(manifest: Entity[], oldManifestKeys: string[], sweep: Entity): Promise<void> {
    const release = this.entity("", 0, []);
    const stale = oldManifestKeys.filter((rk) => !manifest.some((m) => m.rowKey === rk));
    const actions: Action[] = [
      ...manifest.map((m): Action => ["upsert", m, "Replace"]),
      ...stale.map((rk): Action => ["delete", { partitionKey: keys.META_PARTITION, rowKey: rk }]),
      ["upsert", sweep, "Replace"],
      this.etag ? ["update", release, "Replace", { etag: this.etag }] : ["create", release],
    ];
    try {
      await this.table.submitTransaction(actions);
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 409) throw new FleetHistoryError("ConcurrentWrite", `another sweep changed the history while ${this.owner} was writing; the next sweep converges`, { cause: err });
      throw err;
    }
  }

  private entity(owner: string, expiresAt: number, dirty: string[]): Entity {
    const entity: Entity = { partitionKey: keys.META_PARTITION, rowKey: keys.LEASE_ROW, owner, expiresAt: new Date(expiresAt) };
    putText(entity, "dirty", dirty.join(" "));
    return entity;
  }
}

// ---------------------------------------------------------------- writes

/** A component's row and its transitions: one unit, never split across transactions. */
function componentActions(clusterKey: string, plan: ComponentPlan, etag: string | undefined): Action[] {
  const actions: Action[] = plan.transitions.map((t) => ["upsert", transitionEntity(clusterKey, keys.transitionRowKey(t.at, plan.componentKey, t.event), t), "Replace"]);
  const rowKey = keys.currentRowKey(plan.componentKey);
  if (!plan.next) actions.push(["delete", { partitionKey: clusterKey, rowKey }]);
  else if (etag) actions.push(["update", componentEntity(clusterKey, rowKey, plan.next), "Replace", { etag }]);
  else actions.push(["create", componentEntity(clusterKey, rowKey, plan.next)]);
  return actions;
}

/** Index copies, grouped by partition; upserts and deletes only, all idempotent. */
class IndexWrites {
  private readonly partitions = new Map<string, Map<string, Action>>();

  private put(partitionKey: string, rowKey: string, action: Action): void {
    const rows = this.partitions.get(partitionKey) ?? new Map<string, Action>();
    rows.set(rowKey, action);
    this.partitions.set(partitionKey, rows);
  }

  addTransition(clusterKey: string, t: TransitionRecord): void {
    const componentKey = keys.componentKey(t.componentId);
    const rowKey = keys.eventRowKey(t.at, clusterKey, componentKey, t.event);
    const targets = new Set([keys.dayPartition(t.at, clusterKey)]);
    for (const catalogId of [t.catalogId, t.endedCatalogId]) if (catalogId) targets.add(keys.catalogPartition(catalogId));
    if (t.extensionType && failureRelated(t)) targets.add(keys.extensionPartition(t.extensionType));
    // A first sighting that is not a failure stays in its cluster's timeline: a first sweep would
    // otherwise copy the whole fleet into the day index.
    if (t.event === "appeared") targets.delete(keys.dayPartition(t.at, clusterKey));
    for (const pk of targets) this.put(pk, rowKey, ["upsert", transitionEntity(pk, rowKey, t), "Replace"]);
  }

  /** The open-failures copy of a component: present exactly when it is stored and not healthy. */
  private setOpen(clusterKey: string, componentKey: string, record: StoredComponent | undefined, wasOpen: boolean): void {
    const partitionKey = keys.openPartition(clusterKey);
    const rowKey = keys.openRowKey(clusterKey, componentKey);
    if (record && record.state !== "healthy") this.put(partitionKey, rowKey, ["upsert", componentEntity(partitionKey, rowKey, record), "Replace"]);
    else if (wasOpen) this.put(partitionKey, rowKey, ["delete", { partitionKey, rowKey }]);
  }

  addPlans(clusterKey: string, plans: ComponentPlan[], rows: ClusterRows): void {
    for (const plan of plans) {
      for (const t of plan.transitions) this.addTransition(clusterKey, t);
      const wasOpen = rows.open ? rows.open.has(plan.componentKey) : plan.previous !== undefined && plan.previous.state !== "healthy";
      this.setOpen(clusterKey, plan.componentKey, plan.next, wasOpen);
    }
    // A dirty cluster's open rows are rebuilt from its current rows, whatever the interrupted sweep left.
    if (rows.open) {
      const planned = new Set(plans.map((p) => p.componentKey));
      for (const componentKey of new Set([...rows.current.keys(), ...rows.open])) {
        if (!planned.has(componentKey)) this.setOpen(clusterKey, componentKey, rows.current.get(componentKey)?.record, rows.open.has(componentKey));
      }
    }
  }

  byPartition(): Array<[string, Action[][]]> {
    return [...this.partitions].map(([pk, rows]) => [pk, [...rows.values()].map((a) => [a])]);
  }
}

/** Packs units into transactions of at most 100 operations and ~3.5 MB, in order. */
export function packUnits(units: Action[][]): Action[][] {
  const batches: Action[][] = [];
  let current: Action[] = [];
  let bytes = 0;
  for (const unit of units) {
    const size = unit.reduce((n, [, entity]) => n + Buffer.byteLength(JSON.stringify(entity)) + 200, 0);
    if (current.length && (current.length + unit.length > MAX_BATCH_OPERATIONS || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(...unit);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

async function writeUnits(table: TableClient, partitionKey: string, units: Action[][], before?: (operations: number, batch: number) => Promise<void>): Promise<void> {
  let n = 0;
  for (const batch of packUnits(units)) {
    await before?.(batch.length, n++);
    try {
      await table.submitTransaction(batch);
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 && batch.every(([kind]) => kind !== "create" && kind !== "update")) {
        // A delete of a row an interrupted sweep already removed: apply the rest one by one.
        await retryIgnoringMissing(table, batch);
        continue;
      }
      if (status === 412 || status === 409) throw new FleetHistoryError("ConcurrentWrite", `rows of partition ${partitionKey} in ${table.tableName} changed under this sweep; the next sweep converges`, { cause: err });
      throw err;
    }
  }
}

async function retryIgnoringMissing(table: TableClient, batch: Action[]): Promise<void> {
  for (const [kind, entity, mode] of batch) {
    try {
      if (kind === "delete") await table.deleteEntity(entity.partitionKey, entity.rowKey);
      else await table.upsertEntity(entity, mode ?? "Replace");
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

// ---------------------------------------------------------------- records

function nextManifest(plan: Plan, snapshot: FleetSnapshot, loose: ReadonlyMap<string, number>): Manifest {
  const previous = plan.meta.manifest;
  const seq = previous.seq + 1;
  const clusters = new Map(previous.clusters);
  for (const work of plan.work.values()) {
    if (work.view === "gone") clusters.delete(work.key);
    else if (work.cluster && work.hash) clusters.set(work.key, { hash: work.hash, subscriptionId: work.cluster.subscriptionId.toLowerCase(), seenSeq: clusters.get(work.key)?.seenSeq ?? seq, loose: loose.get(work.key) ?? 0 });
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

function withSeen(record: StoredComponent, manifest: Manifest, clusterKey: string): ComponentRecord {
  const seen = manifest.sweeps[manifest.clusters.get(clusterKey)?.seenSeq ?? -1];
  return { ...record, lastSeenAt: seen?.[1] ?? record.lastTransitionAt, lastSeenSweepId: seen?.[0] ?? "" };
}

function sweepRecord(snapshot: FleetSnapshot, transitions: number, tableOperations: number): SweepRecord {
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

const OPEN_PARTITIONS = odata`PartitionKey ge ${keys.OPEN_PREFIX} and PartitionKey lt ${keys.prefixEnd(keys.OPEN_PREFIX)}`;

/** Catalog and extension indexes answer questions about failures: they keep only transitions that touch one. */
function failureRelated(t: TransitionRecord): boolean {
  const failure = (s: string | null) => s === "failing" || s === "degraded";
  return failure(t.from) || failure(t.to) || t.event === "recovered" || Boolean(t.catalogId) || Boolean(t.endedCatalogId);
}

/** An OData string literal (the `odata` tag quotes only inside a larger template). */
const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

// ---------------------------------------------------------------- input checks

/** The snapshot with its times in the one ISO form keys sort by; rejects one that cannot be recorded faithfully. */
function checkedSnapshot(snapshot: FleetSnapshot): FleetSnapshot {
  validateSnapshot(snapshot);
  return { ...snapshot, startedAt: new Date(snapshot.startedAt).toISOString(), finishedAt: new Date(snapshot.finishedAt).toISOString() };
}

/** Rejects a snapshot that cannot be recorded faithfully, before anything is written. */
export function validateSnapshot(snapshot: FleetSnapshot): void {
  const problems: string[] = [];
  if (typeof snapshot?.sweepId !== "string" || !snapshot.sweepId.trim()) problems.push("sweepId is empty");
  for (const field of ["startedAt", "finishedAt"] as const) {
    if (typeof snapshot?.[field] !== "string" || Number.isNaN(Date.parse(snapshot[field]))) problems.push(`${field} is not a date: ${JSON.stringify(snapshot?.[field])}`);
  }
  if (!Array.isArray(snapshot?.clusters)) problems.push("clusters is not a list");
  if (!Array.isArray(snapshot?.partialScopes) || !Array.isArray(snapshot?.scopes)) problems.push("scopes and partialScopes must be lists");
  const clusterIds = new Set<string>();
  for (const cluster of Array.isArray(snapshot?.clusters) ? snapshot.clusters : []) {
    const where = `cluster ${JSON.stringify(cluster?.id)}`;
    if (typeof cluster?.id !== "string" || !cluster.id.trim()) problems.push("a cluster has no id");
    else if (clusterIds.has(normalizeId(cluster.id))) problems.push(`${where} appears twice`);
    else clusterIds.add(normalizeId(cluster.id));
    if (!Array.isArray(cluster?.components) || cluster.components.length === 0) {
      problems.push(`${where} has no components (the cluster's own component comes first)`);
      continue;
    }
    const componentIds = new Set<string>();
    for (const c of cluster.components) {
      if (typeof c?.id !== "string" || !c.id.trim()) problems.push(`${where}: a component has no id`);
      else if (componentIds.has(normalizeId(c.id))) problems.push(`${where}: component ${c.id} appears twice`);
      else componentIds.add(normalizeId(c.id));
      if (!HEALTH_STATES.includes(c?.state)) problems.push(`${where}: component ${c?.id} has state ${JSON.stringify(c?.state)}`);
      if (!COMPONENT_KINDS.includes(c?.kind)) problems.push(`${where}: component ${c?.id} has kind ${JSON.stringify(c?.kind)}`);
      if (!Array.isArray(c?.evidence)) problems.push(`${where}: component ${c?.id} has no evidence list`);
    }
  }
  if (problems.length) {
    throw new FleetHistoryError("InvalidSnapshot", `snapshot cannot be recorded (nothing was written): ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? `; and ${problems.length - 5} more` : ""}`);
  }
}
