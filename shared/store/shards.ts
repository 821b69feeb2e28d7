/**
 * Sharded sweeps (docs/sharding.md): the planner records the sweep's plan (`plan~<sweep>` in `meta`),
 * each shard commits its row (`shard~<sweep>~<n>`) in the transaction that releases the write lease
 * (writer.ts), and whoever sees every shard recorded writes the sweep row that lists and the digest
 * read. Until then the sweep is invisible to them: readers keep using the last complete sweep.
 */
import type { TableClient } from "@azure/data-tables";
import { odata } from "@azure/data-tables";
import { HEALTH_STATES, HealthState, ScopeError } from "../core/model";
import { Entity, getText, putText, sweepEntity, sweepFromEntity } from "./entities";
import { FleetHistoryError, statusOf } from "./errors";
import * as keys from "./keys";
import type { ShardedSweepPlan, ShardedSweepProgress, ShardRef, StoreOperationOptions, SweepRecord } from "./types";

export async function planShardedSweep(table: TableClient, plan: ShardedSweepPlan, { abortSignal }: StoreOperationOptions = {}): Promise<void> {
  if (!Number.isInteger(plan.shards) || plan.shards < 1)
    throw new FleetHistoryError("InvalidSnapshot", `sweep ${plan.sweepId}: a sharded sweep needs at least one shard, got ${plan.shards}`);
  const entity: Entity = {
    partitionKey: keys.META_PARTITION,
    rowKey: keys.planRowKey(plan.sweepId),
    sweepId: plan.sweepId,
    startedAt: new Date(plan.startedAt),
    shards: plan.shards,
  };
  putText(entity, "scopes", JSON.stringify(plan.scopes));
  await table.upsertEntity(entity, "Replace", { abortSignal });
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

export async function finishShardedSweep(table: TableClient, sweepId: string, { abortSignal }: StoreOperationOptions = {}): Promise<ShardedSweepProgress> {
  const plan = await readPlan(table, sweepId, abortSignal);
  const prefix = keys.shardRowPrefix(sweepId);
  const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${prefix} and RowKey lt ${keys.prefixEnd(prefix)}`;
  const shards: SweepRecord[] = [];
  for await (const entity of table.listEntities<Entity>({ queryOptions: { filter }, abortSignal })) shards.push(sweepFromEntity(entity));
  const progress = { sweepId, recorded: shards.length, shards: plan.shards };
  if (shards.length < plan.shards) return progress;
  const sweep = mergeShards(plan, shards);
  // Every finisher computes the same row from the same shard rows, so writing it twice is harmless.
  await table.upsertEntity(sweepEntity(keys.META_PARTITION, keys.sweepRowKey(plan.startedAt, sweepId), sweep), "Replace", { abortSignal });
  return { ...progress, sweep };
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
