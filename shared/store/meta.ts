/**
 * The `meta` state a sweep starts from: the lease and the manifest (per-cluster content hashes, see
 * manifest.ts), read in one query.
 */
import { odata, type TableClient } from "@azure/data-tables";
import { Entity, getText } from "./entities";
import * as keys from "./keys";
import type { Lease } from "./lease";
import { Manifest, manifestFromEntities } from "./manifest";

export interface MetaState {
  lease: Lease;
  manifest: Manifest;
  manifestRowKeys: string[];
  /** Changes whenever a sweep takes the lease or commits: reads cached under it are still current. */
  version: string;
}

export async function readMeta(sweeps: TableClient, abortSignal?: AbortSignal): Promise<MetaState> {
  const filter = odata`PartitionKey eq ${keys.META_PARTITION} and RowKey lt ${keys.META_STATE_END}`;
  const rows: Array<Entity & { etag?: string }> = [];
  for await (const entity of sweeps.listEntities<Entity>({ queryOptions: { filter }, abortSignal })) rows.push(entity);
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
