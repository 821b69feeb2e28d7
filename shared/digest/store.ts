/**
 * Stored digests and their delivery status per target, in one Table (`<prefix>digests`).
 *
 * Keys: one partition `digest`. A digest's RowKey is `<inverted window end>_<id>` so a plain scan
 * lists the newest first; its deliveries sit right after it at `<digest RowKey>~<target>`, so a digest
 * and its deliveries are one range read and are created in one transaction. The content is gzip'd
 * JSON in binary properties of at most 64 KiB each (Table storage's property limit).
 *
 * Delivery is claimed with an ETag-conditional update that sets a lease, so two overlapping runs
 * cannot both send the same digest to the same target: the loser gets 412 and skips. A run that dies
 * mid-send leaves a lease that expires, and the next run retries.
 */
import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { statusOf } from "../store/errors";
import { type ContinuablePage, pagedList, type PagedList } from "../store/paging";
import type { StoreOperationOptions } from "../store/types";
import { type FleetHistoryOptions, openTable } from "../store/tables";
import type { Digest } from "./model";
import { DigestStoreError } from "./errors";
import {
  decodeBody,
  decodeToken,
  DEFAULT_LEASE_MS,
  type DeliveryEntity,
  deliveryRowKey,
  type DigestEntity,
  digestRowKey,
  encodeBody,
  encodeToken,
  inverted,
  isOpen,
  MAX_LIMIT,
  PK,
  plainDelivery,
  rowKeyOfId,
  SUMMARY_FIELDS,
  toStatus,
  toSummary,
} from "./store-rows";
import type {
  ClaimDeliveryOptions,
  CompleteDeliveryOptions,
  DeliveryClaim,
  DeliveryOutcome,
  DeliveryStatus,
  DeliveryTarget,
  DigestStore,
  DigestSummary,
  StoredDigest,
  UndeliveredOptions,
} from "./store-types";

export * from "./store-types";
export { DigestStoreError, type DigestStoreErrorCode } from "./errors";

export class TableDigestStore implements DigestStore {
  constructor(private readonly table: TableClient) {}

  list(options: StoreOperationOptions = {}): PagedList<DigestSummary> {
    const page = (limit: number, after: string | undefined) => this.page(limit, after, options.abortSignal);
    return pagedList(async function* (settings) {
      const limit = settings.maxPageSize ?? 20;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new DigestStoreError("InvalidLimit", `limit must be a whole number from 1 to ${MAX_LIMIT}`);
      let after = settings.continuationToken === undefined ? undefined : decodeToken(settings.continuationToken);
      do {
        const items = await page(limit, after);
        yield items;
        after = items.continuationToken === undefined ? undefined : decodeToken(items.continuationToken);
      } while (after !== undefined);
    });
  }

  private async page(limit: number, after: string | undefined, abortSignal: AbortSignal | undefined): Promise<ContinuablePage<DigestSummary>> {
    const filter = after ? odata`PartitionKey eq ${PK} and kind eq 'digest' and RowKey gt ${after}` : odata`PartitionKey eq ${PK} and kind eq 'digest'`;
    const rows: Array<Omit<DigestEntity, `body${number}`>> = [];
    // One more than asked tells whether another page exists.
    for await (const page of this.table
      .listEntities<Omit<DigestEntity, `body${number}`>>({ queryOptions: { filter, select: SUMMARY_FIELDS }, abortSignal })
      .byPage({ maxPageSize: limit + 1 })) {
      rows.push(...page);
      if (rows.length > limit) break;
    }
    const items = rows.slice(0, limit);
    const deliveries =
      items.length > 0 ? await this.deliveriesBetween(items[0].rowKey, items[items.length - 1].rowKey, abortSignal) : new Map<string, DeliveryStatus[]>();
    const summaries = items.map((e) => toSummary(e, deliveries.get(e.id) ?? []));
    return rows.length > limit ? Object.assign(summaries, { continuationToken: encodeToken(items[items.length - 1].rowKey) }) : summaries;
  }

  async get(id: string, { abortSignal }: StoreOperationOptions = {}): Promise<StoredDigest | undefined> {
    const rowKey = rowKeyOfId(id);
    const entity = await this.find<DigestEntity>(rowKey, abortSignal);
    if (!entity) return undefined;
    const deliveries = await this.deliveriesBetween(rowKey, rowKey, abortSignal);
    return { ...toSummary(entity, deliveries.get(id) ?? []), digest: decodeBody(entity) };
  }

  async save(digest: Digest, { abortSignal }: StoreOperationOptions = {}): Promise<{ stored: StoredDigest; created: boolean }> {
    const entity: DigestEntity = {
      partitionKey: PK,
      rowKey: digestRowKey(digest.id, digest.window),
      kind: "digest",
      id: digest.id,
      windowFrom: digest.window.from,
      windowTo: digest.window.to,
      generatedAt: digest.generatedAt,
      quiet: digest.quiet,
      totals: JSON.stringify(digest.totals),
      gaps: JSON.stringify(digest.coverage.gaps),
      ...encodeBody(digest),
    };
    let created = true;
    try {
      await this.table.createEntity(entity, { abortSignal });
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      created = false;
    }
    const stored = await this.get(digest.id, { abortSignal });
    if (!stored) throw new Error(`digest ${digest.id} vanished right after it was stored`);
    return { stored, created };
  }

  async addDeliveries(
    id: string,
    targets: readonly DeliveryTarget[],
    status: "pending" | "skipped",
    { abortSignal }: StoreOperationOptions = {},
  ): Promise<void> {
    const digestRk = rowKeyOfId(id);
    for (const target of targets) {
      const row: DeliveryEntity = { partitionKey: PK, rowKey: deliveryRowKey(digestRk, target), kind: "delivery", digestId: id, target, status, attempts: 0 };
      try {
        await this.table.createEntity(row, { abortSignal });
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
    }
  }

  async claimDelivery(id: string, target: DeliveryTarget, options: ClaimDeliveryOptions = {}): Promise<DeliveryClaim | undefined> {
    const now = options.now ?? new Date();
    const row = await this.find<DeliveryEntity>(deliveryRowKey(rowKeyOfId(id), target), options.abortSignal);
    if (!row || !isOpen(row, now)) return undefined;
    const next: DeliveryEntity = {
      ...plainDelivery(row),
      status: "sending",
      attempts: row.attempts + 1,
      leaseUntil: new Date(now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
      lastAttemptAt: now.toISOString(),
    };
    try {
      const result = await this.table.updateEntity(next, "Replace", { etag: row.etag, abortSignal: options.abortSignal });
      return { digestId: id, target, attempts: next.attempts, etag: result.etag ?? "" };
    } catch (err) {
      if (statusOf(err) === 412) return undefined;
      throw err;
    }
  }

  async completeDelivery(claim: DeliveryClaim, outcome: DeliveryOutcome, { now = new Date(), abortSignal }: CompleteDeliveryOptions = {}): Promise<boolean> {
    const row: DeliveryEntity = {
      partitionKey: PK,
      rowKey: deliveryRowKey(rowKeyOfId(claim.digestId), claim.target),
      kind: "delivery",
      digestId: claim.digestId,
      target: claim.target,
      status: outcome.ok ? "delivered" : "failed",
      attempts: claim.attempts,
      lastAttemptAt: now.toISOString(),
      ...(outcome.ok ? { deliveredAt: now.toISOString() } : { errorCode: outcome.error.code, errorMessage: outcome.error.message.slice(0, 2000) }),
      ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
    };
    try {
      await this.table.updateEntity(row, "Replace", { etag: claim.etag, abortSignal });
      return true;
    } catch (err) {
      if (statusOf(err) === 412) return false;
      throw err;
    }
  }

  async undelivered(options: UndeliveredOptions): Promise<Array<{ digestId: string; target: DeliveryTarget }>> {
    const now = options.now ?? new Date();
    const limit = options.limit ?? 50;
    // Newer windows have smaller inverted keys: everything below the bound ended after `since`.
    const bound = inverted(options.since.toISOString());
    const filter = odata`PartitionKey eq ${PK} and RowKey lt ${bound} and kind eq 'delivery' and status ne 'delivered' and status ne 'skipped'`;
    const found: Array<{ digestId: string; target: DeliveryTarget }> = [];
    for await (const row of this.table.listEntities<DeliveryEntity>({ queryOptions: { filter }, abortSignal: options.abortSignal })) {
      if (isOpen(row, now)) found.push({ digestId: row.digestId, target: row.target });
      if (found.length >= limit) break;
    }
    return found;
  }

  private async find<T extends object>(rowKey: string, abortSignal: AbortSignal | undefined): Promise<TableEntityResult<T> | undefined> {
    try {
      return await this.table.getEntity<T>(PK, rowKey, { abortSignal });
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** Delivery rows of the digests whose RowKeys lie from `firstRk` to `lastRk`, by digest id. */
  private async deliveriesBetween(firstRk: string, lastRk: string, abortSignal?: AbortSignal): Promise<Map<string, DeliveryStatus[]>> {
    const filter = odata`PartitionKey eq ${PK} and RowKey gt ${firstRk} and RowKey lt ${`${lastRk}~~`} and kind eq 'delivery'`;
    const byDigest = new Map<string, DeliveryStatus[]>();
    for await (const row of this.table.listEntities<DeliveryEntity>({ queryOptions: { filter }, abortSignal })) {
      const list = byDigest.get(row.digestId) ?? [];
      list.push(toStatus(row));
      byDigest.set(row.digestId, list);
    }
    return byDigest;
  }
}

/** The digest store on `<prefix>digests`, created if missing; same connection settings as the history. */
export async function openDigestStore(options: FleetHistoryOptions): Promise<DigestStore> {
  return new TableDigestStore(await openTable(options, "digests"));
}
