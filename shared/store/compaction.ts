/**
 * Compaction: packs a cluster's older loose transition rows (packs.ts) while a sweep holds the lease.
 */
import { odata, type TableClient } from "@azure/data-tables";
import type { Action } from "./batches";
import type { Entity } from "./entities";
import { statusOf } from "./errors";
import * as keys from "./keys";
import { packRows } from "./packs";

/**
 * Packs a cluster's loose transition rows older than the last committed sweep, one transaction per
 * pack (the pack in, its rows out), and returns how many loose rows remain. Newer rows stay loose:
 * an interrupted sweep's repair re-reads them to rebuild their index copies. A pack whose rows are
 * no longer all there (the transaction fails as a whole) is left for a later sweep.
 */
export async function compact(
  clusters: TableClient,
  clusterKey: string,
  committedAt: string | undefined,
  before: (operations: number, batch: number) => Promise<void>,
  abortSignal?: AbortSignal,
): Promise<number> {
  const filter = odata`PartitionKey eq ${clusterKey} and RowKey ge ${keys.TRANSITION_PREFIX} and RowKey lt ${keys.prefixEnd(keys.TRANSITION_PREFIX)}`;
  const rows: Entity[] = [];
  for await (const entity of clusters.listEntities<Entity>({ queryOptions: { filter }, abortSignal })) rows.push(entity);
  const bound = `${keys.TRANSITION_PREFIX}${committedAt ?? ""}`;
  let remaining = rows.length;
  let n = 0;
  for (const pack of packRows(
    clusterKey,
    rows.filter((r) => r.rowKey < bound),
  )) {
    await before(pack.rows.length + 1, n++);
    try {
      await clusters.submitTransaction(
        [["upsert", pack.entity, "Replace"], ...pack.rows.map((r): Action => ["delete", { partitionKey: clusterKey, rowKey: r.rowKey }])],
        { abortSignal },
      );
    } catch (err) {
      if ([404, 409, 412].includes(statusOf(err) ?? 0)) break;
      throw err;
    }
    remaining -= pack.rows.length;
  }
  return remaining;
}
