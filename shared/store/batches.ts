/**
 * Transactions: Table storage takes at most 100 operations and 4 MiB per transaction, all in one
 * partition. Units (a component's row with its transitions) are never split across transactions.
 */
import type { TableClient, TransactionAction } from "@azure/data-tables";
import { FleetHistoryError, statusOf } from "./errors";

export type Action = TransactionAction;

const MAX_BATCH_OPERATIONS = 100;
/** Under the 4 MiB limit of a transaction's body, with room for the multipart framing. */
const MAX_BATCH_BYTES = 3_500_000;

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

export async function writeUnits(
  table: TableClient,
  partitionKey: string,
  units: Action[][],
  before?: (operations: number, batch: number) => Promise<void>,
  abortSignal?: AbortSignal,
): Promise<void> {
  let n = 0;
  for (const batch of packUnits(units)) {
    await before?.(batch.length, n++);
    try {
      await table.submitTransaction(batch, { abortSignal });
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 && batch.every(([kind]) => kind !== "create" && kind !== "update")) {
        // A delete of a row an interrupted sweep already removed: apply the rest one by one.
        await retryIgnoringMissing(table, batch, abortSignal);
        continue;
      }
      if (status === 412 || status === 409)
        throw new FleetHistoryError(
          "ConcurrentWrite",
          `rows of partition ${partitionKey} in ${table.tableName} changed under this sweep; the next sweep converges`,
          { cause: err },
        );
      throw err;
    }
  }
}

async function retryIgnoringMissing(table: TableClient, batch: Action[], abortSignal: AbortSignal | undefined): Promise<void> {
  for (const [kind, entity, mode] of batch) {
    try {
      if (kind === "delete") await table.deleteEntity(entity.partitionKey, entity.rowKey, { abortSignal });
      else await table.upsertEntity(entity, mode ?? "Replace", { abortSignal });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}

export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
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
