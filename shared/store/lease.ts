/**
 * The write lease: one row in `meta`, taken and released with ETag conditions, so one sweep writes at
 * a time. It lists the clusters the holder began writing (`dirty`): a sweep that dies leaves them for
 * the next one to repair.
 */
import type { TableClient } from "@azure/data-tables";
import { Entity, putText } from "./entities";
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
      await this.table.submitTransaction(actions, { abortSignal: this.abortSignal });
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 409)
        throw new FleetHistoryError("ConcurrentWrite", `another sweep changed the history while ${this.owner} was writing; the next sweep converges`, {
          cause: err,
        });
      throw err;
    }
  }

  private entity(owner: string, expiresAt: number, dirty: string[]): Entity {
    const entity: Entity = { partitionKey: keys.META_PARTITION, rowKey: keys.LEASE_ROW, owner, expiresAt: new Date(expiresAt) };
    putText(entity, "dirty", dirty.join(" "));
    return entity;
  }
}
