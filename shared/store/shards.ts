/**
 * Sharded sweeps (docs/sharding.md): the planner records the sweep's plan (`plan~<sweep>` in `meta`)
 * and marks it pending (`!pending~<sweep>`, in the write state every writer reads). Each shard writes
 * under a lease of its own and commits its row (`shard~<sweep>~<n>`) with its manifest delta
 * (writer.ts). Whoever sees every shard recorded merges: one transaction writes the manifest with
 * every delta applied, the sweep row that lists and the digest read, and removes the pending marker.
 * Until then the sweep is invisible to them: readers keep using the last complete sweep.
 */
import type { TableClient } from "@azure/data-tables";
import { odata } from "@azure/data-tables";
import { HEALTH_STATES, HealthState, ScopeError } from "../core/model";
import { Action, writeUnits } from "./batches";
import { Entity, getText, putText, sweepEntity, sweepFromEntity } from "./entities";
import { FleetHistoryError, statusOf } from "./errors";
import * as keys from "./keys";
import { assertLeaseFree, LeaseHolder } from "./lease";
import { manifestEntities } from "./manifest";
import { MetaState, readMeta } from "./meta";
import { mergeManifest } from "./plan";
import type { HistoryTables } from "./tables";
import type { ShardedSweepPlan, ShardedSweepProgress, ShardRef, StoreOperationOptions, SweepRecord } from "./types";

/** How often a finisher re-reads and retries when another writer moved the write state under it. */
const MERGE_ATTEMPTS = 5;

export async function planShardedSweep(table: TableClient, plan: ShardedSweepPlan, { abortSignal }: StoreOperationOptions = {}): Promise<void> {
  if (!Number.isInteger(plan.shards) || plan.shards < 1)
    throw new FleetHistoryError("InvalidSnapshot", `sweep ${plan.sweepId}: a sharded sweep needs at least one shard, got ${plan.shards}`);
  const about = { partitionKey: keys.META_PARTITION, sweepId: plan.sweepId, startedAt: new Date(plan.startedAt), shards: plan.shards };
  const entity: Entity = { ...about, rowKey: keys.planRowKey(plan.sweepId) };
  putText(entity, "scopes", JSON.stringify(plan.scopes));
  const pending: Entity = { ...about, rowKey: keys.pendingRowKey(plan.sweepId) };
  // One transaction: a sweep is either planned and pending, or not at all.
  await table.submitTransaction(
    [
      ["upsert", entity, "Replace"],
      ["upsert", pending, "Replace"],
    ],
    { abortSignal },
  );
}

/** A shard that will never be swept: an empty record whose scopes are partial, so the sweep can complete. */
export async function recordFailedShard(
  table: TableClient,
  shard: ShardRef,
  partialScopes: ScopeError[],
  { abortSignal }: StoreOperationOptions = {},
): Promise<void> {
  const plan = await readPlan(table, shard.sweepId, abortSignal);
  const now = new Date().toISOString();
  const record: SweepRecord = {
    sweepId: shard.sweepId,
    startedAt: plan.startedAt,
    finishedAt: now,
    durationMs: 0,
    scopes: partialScopes.map((p) => p.scope),
    partial: true,
    partialScopes,
    clusters: 0,
    components: 0,
    byState: emptyByState(),
    armRequests: 0,
    tableOperations: 0,
    transitions: 0,
  };
  try {
    // Create, not upsert: a shard that did commit keeps its record.
    await table.createEntity(sweepEntity(keys.META_PARTITION, keys.shardRowKey(shard.sweepId, shard.index), record), { abortSignal });
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
  }
}

/**
 * Completes a sharded sweep once every shard is recorded: merges the shards' manifest deltas into the
 * manifest and writes the sweep row, in one transaction conditional on the write lease. Idempotent:
 * any worker (or the next writer) may call it any number of times; a merged sweep is left as it is.
 */
export async function finishShardedSweep(
  tables: HistoryTables,
  leaseMs: number,
  sweepId: string,
  { abortSignal }: StoreOperationOptions = {},
): Promise<ShardedSweepProgress> {
  const table = tables.sweeps;
  const plan = await readPlan(table, sweepId, abortSignal);
  const prefix = keys.shardRowPrefix(sweepId);
  const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${prefix} and RowKey lt ${keys.prefixEnd(prefix)}`;
  const shards: SweepRecord[] = [];
  for await (const entity of table.listEntities<Entity>({ queryOptions: { filter }, abortSignal })) shards.push(sweepFromEntity(entity));
  const progress = { sweepId, recorded: shards.length, shards: plan.shards };
  if (shards.length < plan.shards) return progress;
  const sweep = mergeShards(plan, shards);
  const sweepRow = sweepEntity(keys.META_PARTITION, keys.sweepRowKey(plan.startedAt, sweepId), sweep);
  let merged = false;
  for (let attempt = 1; ; attempt++) {
    const meta = await readMeta(table, abortSignal);
    // Not pending: merged already (the sweep row was written with the merge; writing it again is harmless).
    if (!meta.pending.some((p) => p.sweepId === sweepId)) {
      await table.upsertEntity(sweepRow, "Replace", { abortSignal });
      break;
    }
    try {
      await merge(tables, leaseMs, meta, sweepId, sweepRow, abortSignal);
      merged = true;
      break;
    } catch (err) {
      const moved = err instanceof FleetHistoryError && (err.code === "ConcurrentWrite" || err.code === "SweepInProgress");
      if (!moved || attempt >= MERGE_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt * (0.5 + Math.random())));
    }
  }
  await removeStale(tables, abortSignal);
  return { ...progress, sweep, ...(merged ? { merged } : {}) };
}

async function merge(tables: HistoryTables, leaseMs: number, meta: MetaState, sweepId: string, sweepRow: Entity, abortSignal?: AbortSignal) {
  const owner = `${sweepId}#merge`;
  assertLeaseFree(meta.lease, owner);
  const pending = meta.pending.find((p) => p.sweepId === sweepId)!;
  const deltas = meta.deltas.filter((d) => d.sweepId === sweepId).map((d) => d.manifest);
  const next = mergeManifest(meta.manifest, deltas, pending);
  // What a shard repaired leaves the lease's list; what failed shards left half written joins it.
  const repaired = new Set(deltas.flatMap((d) => [...d.clusters.keys()]));
  const dirty = new Set(meta.lease.dirty.filter((k) => !repaired.has(k)));
  for (const l of meta.shardLeases) if (l.sweepId === sweepId) for (const k of l.lease.dirty) dirty.add(k);
  const rows = manifestEntities(next);
  const writes: Action[] = [
    ...rows.map((m): Action => ["upsert", m, "Replace"]),
    ...meta.manifestRowKeys
      .filter((rk) => !rows.some((m) => m.rowKey === rk))
      .map((rk): Action => ["delete", { partitionKey: keys.META_PARTITION, rowKey: rk }]),
    ["upsert", sweepRow, "Replace"],
    ["delete", { partitionKey: keys.META_PARTITION, rowKey: keys.pendingRowKey(sweepId) }],
  ];
  // The shard leases and deltas are left-overs once the marker is gone (meta.ts); removeStale deletes them.
  await new LeaseHolder(tables.sweeps, meta.lease, leaseMs, owner, abortSignal).commit(writes, [...dirty]);
}

/** Deletes the shard leases and deltas of merged sweeps; what a crash leaves here is deleted by the next call. */
export async function removeStale(tables: HistoryTables, abortSignal?: AbortSignal): Promise<number> {
  const { stale } = await readMeta(tables.sweeps, abortSignal);
  const units = stale.map((rowKey): Action[] => [["delete", { partitionKey: keys.META_PARTITION, rowKey }]]);
  await writeUnits(tables.sweeps, keys.META_PARTITION, units, undefined, abortSignal);
  return stale.length;
}

/** The sweep record of a sharded sweep: the sums of its shards, partial when any shard is. */
export function mergeShards(plan: ShardedSweepPlan, shards: SweepRecord[]): SweepRecord {
  const byState = emptyByState();
  for (const shard of shards) for (const state of HEALTH_STATES) byState[state] += shard.byState[state] ?? 0;
  const sum = (pick: (s: SweepRecord) => number) => shards.reduce((n, s) => n + pick(s), 0);
  const finishedAt = shards.reduce((latest, s) => (s.finishedAt > latest ? s.finishedAt : latest), plan.startedAt);
  const partialScopes = shards.flatMap((s) => s.partialScopes);
  return {
    sweepId: plan.sweepId,
    startedAt: plan.startedAt,
    finishedAt,
    durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(plan.startedAt)),
    scopes: plan.scopes,
    partial: partialScopes.length > 0,
    partialScopes,
    clusters: sum((s) => s.clusters),
    components: sum((s) => s.components),
    byState,
    armRequests: sum((s) => s.armRequests),
    tableOperations: sum((s) => s.tableOperations),
    transitions: sum((s) => s.transitions),
  };
}

async function readPlan(table: TableClient, sweepId: string, abortSignal: AbortSignal | undefined): Promise<ShardedSweepPlan> {
  try {
    const entity = await table.getEntity<Entity>(keys.META_PARTITION, keys.planRowKey(sweepId), { abortSignal });
    return {
      sweepId,
      startedAt: new Date(entity.startedAt as Date | string).toISOString(),
      shards: Number(entity.shards),
      scopes: JSON.parse(getText(entity, "scopes") ?? "[]") as string[],
    };
  } catch (err) {
    if (statusOf(err) === 404) throw new FleetHistoryError("NotFound", `sweep ${sweepId} was not planned as a sharded sweep`, { cause: err });
    throw err;
  }
}

function emptyByState(): Record<HealthState, number> {
  return Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
}
