/**
 * The write lease: one row in `meta`, taken and released with ETag conditions, so one sweep writes at
 * a time. It lists the clusters the holder began writing (`dirty`): a sweep that dies leaves them for
 * the next one to repair. Each shard of a sharded sweep holds a lease row of its own
 * (`keys.shardLeaseRowKey`), so shards of one sweep write at once (docs/sharding.md).
 */
import type { TableClient } from "@azure/data-tables";
import { Entity, getText, putText } from "./entities";
import { FleetHistoryError, statusOf } from "./errors";
import type { Action } from "./batches";
import * as keys from "./keys";

export interface Lease {
  owner: string;
  expiresAt: number;
  /** Cluster keys a sweep began writing and did not commit. */
  dirty: string[];
  etag?: string;
}

export function leaseFromEntity(row: (Entity & { etag?: string }) | undefined): Lease {
  if (!row) return { owner: "", expiresAt: 0, dirty: [] };
  return {
    owner: String(row.owner ?? ""),
    expiresAt: row.expiresAt instanceof Date ? row.expiresAt.getTime() : 0,
    dirty: (getText(row, "dirty") ?? "").split(" ").filter(Boolean),
    etag: row.etag,
  };
}

export function assertLeaseFree(lease: Lease, sweepId: string): void {
  if (lease.owner && lease.owner !== sweepId && lease.expiresAt > Date.now()) {
    throw new FleetHistoryError(
      "SweepInProgress",
      `sweep ${lease.owner} is writing the history until ${new Date(lease.expiresAt).toISOString()}; nothing was written`,
    );
  }
}

/** The write lease: one row in `meta`, taken and released with ETag conditions. */
export class LeaseHolder {
  private etag?: string;
  private takenAt = 0;
  private renewing?: Promise<void>;
  private dirty: string[] = [];

  constructor(
    private readonly table: TableClient,
    private readonly seen: Lease,
    private readonly leaseMs: number,
    private readonly owner: string,
    private readonly abortSignal?: AbortSignal,
    /** The lease row: the global one, or a shard's (with the sweep's id and start as properties). */
    private readonly row: { rowKey: string; properties?: Record<string, unknown> } = { rowKey: keys.LEASE_ROW },
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
      const response = this.etag
        ? await this.table.updateEntity(entity, "Replace", { etag: this.etag, abortSignal: this.abortSignal })
        : await this.table.createEntity(entity, { abortSignal: this.abortSignal });
      this.takenAt = Date.now();
      return response.etag;
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 409)
        throw new FleetHistoryError("SweepInProgress", `another sweep took the write lease; sweep ${this.owner} stopped`, { cause: err });
      throw err;
    }
  }

  /**
   * The writes (manifest or delta, sweep or shard record) and the lease release in one transaction,
   * conditional on still holding the lease; `dirty` is what the released lease still lists for repair.
   */
  async commit(writes: Action[], dirty: string[] = []): Promise<void> {
    const release = this.entity("", 0, dirty);
    const done: Action = this.etag ? ["update", release, "Replace", { etag: this.etag }] : ["create", release];
    try {
      await this.table.submitTransaction([...writes, done], { abortSignal: this.abortSignal });
    } catch (err) {
      // 404: a row this commit deletes is gone, so another writer committed meanwhile.
      if (statusOf(err) === 412 || statusOf(err) === 409 || statusOf(err) === 404)
        throw new FleetHistoryError("ConcurrentWrite", `another sweep changed the history while ${this.owner} was writing; the next sweep converges`, {
          cause: err,
        });
      throw err;
    }
  }

  private entity(owner: string, expiresAt: number, dirty: string[]): Entity {
    const entity: Entity = { partitionKey: keys.META_PARTITION, rowKey: this.row.rowKey, ...this.row.properties, owner, expiresAt: new Date(expiresAt) };
    putText(entity, "dirty", dirty.join(" "));
    return entity;
  }
}
