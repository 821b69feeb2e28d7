/**
 * Retention: history older than the retention goes (loose transitions, packs, index copies, sweep
 * records, sharded sweeps' plan and shard rows), except what belongs to a failure that is still open.
 */
import { odata, type TableClient } from "@azure/data-tables";
import { Action, mapLimit, writeUnits } from "./batches";
import type { Entity } from "./entities";
import { FleetHistoryError } from "./errors";
import * as keys from "./keys";
import { unpack } from "./packs";
import { readMeta } from "./meta";
import { OPEN_PARTITIONS } from "./queries";
import { removeStale } from "./shards";
import { concurrencyOf, HistoryTables } from "./tables";
import type { ApplyRetentionOptions } from "./types";

const DEFAULT_RETENTION_DAYS = 400;
const DAY_MS = 24 * 60 * 60_000;

/** Deletes history older than the retention; never an open failure. Returns the number of entities deleted. */
export async function applyRetention(tables: HistoryTables, options: ApplyRetentionOptions = {}): Promise<number> {
  const { abortSignal } = options;
  const days = options.days ?? tables.options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isInteger(days) || days <= 0)
    throw new FleetHistoryError("InvalidConfiguration", `retention must be a positive whole number of days, got ${days}`);
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * DAY_MS).toISOString();
  // An open failure keeps every transition since its episode began, however old.
  const openSince = new Map<string, string>();
  for await (const entity of tables.index.listEntities<Entity>({
    queryOptions: { filter: OPEN_PARTITIONS, select: ["RowKey", "firstSeenFailingAt"] },
    abortSignal,
  })) {
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
    for await (const entity of table.listEntities<Entity>({
      queryOptions: { filter, ...(wholeRows ? {} : { select: ["PartitionKey", "RowKey"] }) },
      abortSignal,
    })) {
      if (kept(entity)) continue;
      const units = byPartition.get(entity.partitionKey) ?? [];
      units.push([["delete", { partitionKey: entity.partitionKey, rowKey: entity.rowKey }]]);
      byPartition.set(entity.partitionKey, units);
      deleted++;
    }
    await mapLimit([...byPartition], concurrencyOf(tables.options), ([pk, units]) => writeUnits(table, pk, units, undefined, abortSignal));
  };
  const keepLoose = (clusterKey: string, rowKey: string) => {
    const [, at, component] = rowKey.split("~");
    return keep(clusterKey, component, at);
  };
  // t~<at>~<component>~<event> in a cluster's partition
  await purge(tables.clusters, odata`RowKey ge ${keys.TRANSITION_PREFIX} and RowKey lt ${keys.TRANSITION_PREFIX + cutoff}`, (e) =>
    keepLoose(e.partitionKey, e.rowKey),
  );
  // Packs whose every transition is older than the cut-off: kept whole while one belongs to an open failure.
  await purge(
    tables.clusters,
    odata`RowKey ge ${keys.PACK_PREFIX} and RowKey lt ${keys.PACK_PREFIX + cutoff}`,
    (e) => unpack(e).some(([rowKey]) => keepLoose(e.partitionKey, rowKey)),
    true,
  );
  // <at>~<cluster>~<component>~<event> in the event partitions
  await purge(
    tables.index,
    odata`PartitionKey ge ${keys.EVENT_PARTITION_PREFIX} and PartitionKey lt ${keys.prefixEnd(keys.EVENT_PARTITION_PREFIX)} and RowKey lt ${cutoff}`,
    (e) => {
      const [at, cluster, component] = e.rowKey.split("~");
      return keep(cluster, component, at);
    },
  );
  // A sharded sweep's plan and shard rows (sweeps in flight keep theirs), and left-overs of merged ones.
  const inFlight = new Set((await readMeta(tables.sweeps, abortSignal)).pending.map((p) => p.sweepId));
  for (const prefix of [keys.PLAN_ROW_PREFIX, keys.SHARD_ROW_PREFIX]) {
    await purge(
      tables.sweeps,
      odata`PartitionKey eq ${keys.META_PARTITION} and RowKey ge ${prefix} and RowKey lt ${keys.prefixEnd(prefix)} and startedAt lt ${new Date(cutoff)}`,
      (e) => inFlight.has(String(e.sweepId)),
      true,
    );
  }
  deleted += await removeStale(tables, abortSignal);
  const cutoffSweep = keys.sweepRowKey(cutoff, "");
  await purge(
    tables.sweeps,
    odata`PartitionKey eq ${keys.META_PARTITION} and RowKey gt ${cutoffSweep} and RowKey lt ${keys.prefixEnd(keys.SWEEP_ROW_PREFIX)}`,
    () => false,
  );
  return deleted;
}
