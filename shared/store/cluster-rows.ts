/**
 * Reading the partitions of the clusters a sweep changes: their current rows (with ETags, so writes
 * are conditional on what was read) and, for clusters an interrupted sweep left dirty, the recent
 * transitions and open-index rows their repair rebuilds from.
 */
import { odata, type TableClient } from "@azure/data-tables";
import { componentFromEntity, Entity, transitionFromEntity } from "./entities";
import { mapLimit } from "./batches";
import * as keys from "./keys";
import type { ClusterRows, Plan, StoredRow } from "./plan";
import type { TransitionRecord } from "./types";

/** The partitions of the clusters to change: current rows, and for dirty ones recent transitions and open-index rows. */
export async function readClusters(
  tables: { clusters: TableClient; index: TableClient },
  concurrency: number,
  plan: Plan,
  options: { cached?: Map<string, ClusterRows>; abortSignal?: AbortSignal } = {},
): Promise<Map<string, ClusterRows>> {
  const { cached, abortSignal } = options;
  const since = plan.meta.manifest.lastStartedAt ?? "";
  const result = new Map<string, ClusterRows>();
  await mapLimit([...plan.work.values()], concurrency, async (work) => {
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
    for await (const entity of tables.clusters.listEntities<Entity>({ queryOptions: { filter }, abortSignal })) {
      if (entity.rowKey.startsWith(keys.CURRENT_PREFIX))
        current.set(entity.rowKey.slice(keys.CURRENT_PREFIX.length), { record: componentFromEntity(entity), etag: entity.etag });
      else recent.push(transitionFromEntity(entity));
    }
    const rows: ClusterRows = { current, recent };
    if (work.repair) {
      rows.open = new Set();
      const prefix = `${work.key}~`;
      const openFilter = odata`PartitionKey eq ${keys.openPartition(work.key)} and RowKey ge ${prefix} and RowKey lt ${keys.prefixEnd(prefix)}`;
      for await (const entity of tables.index.listEntities<Entity>({ queryOptions: { filter: openFilter, select: ["RowKey"] }, abortSignal }))
        rows.open.add(entity.rowKey.slice(prefix.length));
    }
    result.set(work.key, rows);
  });
  return result;
}
