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
import { gunzipSync, gzipSync } from "node:zlib";
import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { type ContinuablePage, pagedList, type PagedList } from "../store/paging";
import type { StoreOperationOptions } from "../store/types";
import { type FleetHistoryOptions, openTable } from "../store/tables";
import type { Digest, DigestTotals } from "./model";
import { DigestStoreError } from "./errors";
import { parseDigestId, type DigestWindow } from "./window";

export const DELIVERY_TARGETS = ["teams", "slack", "webhook", "email"] as const;
export type DeliveryTarget = (typeof DELIVERY_TARGETS)[number];

/**
 * `pending`: to be sent; `sending`: claimed by a run (until `leaseUntil`); `delivered`; `failed`: the
 * last attempt failed and the next run retries; `skipped`: nothing to say (FLEET_DIGEST_SKIP_EMPTY).
 */
export type DeliveryState = "pending" | "sending" | "delivered" | "failed" | "skipped";

export interface DeliveryStatus {
  target: DeliveryTarget;
  status: DeliveryState;
  attempts: number;
  lastAttemptAt?: string;
  deliveredAt?: string;
  /** HTTP status of the target's last answer, when there was one. */
  httpStatus?: number;
  error?: { code: string; message: string };
}

/** What `list` returns per digest: everything but the content. */
export interface DigestSummary {
  id: string;
  window: DigestWindow;
  generatedAt: string;
  quiet: boolean;
  totals: DigestTotals;
  /** Coverage problems (data that could not be read), in words. */
  gaps: string[];
  /** One per target a run was asked to send to; empty when the digest was only built. */
  deliveries: DeliveryStatus[];
}

export interface StoredDigest extends DigestSummary {
  digest: Digest;
}

export { DigestStoreError, type DigestStoreErrorCode } from "./errors";

/** A delivery this run may send; pass it back to `completeDelivery`. */
export interface DeliveryClaim {
  digestId: string;
  target: DeliveryTarget;
  attempts: number;
  etag: string;
}

export type DeliveryOutcome = { ok: true; httpStatus?: number } | { ok: false; httpStatus?: number; error: { code: string; message: string } };

export interface DigestStore {
  /** Stored digests, newest window first, without their content; pages of 20 unless `byPage` names a `maxPageSize`. */
  list(options?: StoreOperationOptions): PagedList<DigestSummary>;
  /** One digest with its content and delivery status; `undefined` when not stored. Throws `InvalidDigestId` for text that is no digest id. */
  get(id: string): Promise<StoredDigest | undefined>;
  /** Stores the digest unless one with its id exists; either way returns what is stored (the first content wins). */
  save(digest: Digest): Promise<{ stored: StoredDigest; created: boolean }>;
  /** Adds a delivery row per target that has none yet. */
  addDeliveries(id: string, targets: readonly DeliveryTarget[], status: "pending" | "skipped"): Promise<void>;
  /** Claims a delivery unless it is delivered, skipped, or leased by another run. */
  claimDelivery(id: string, target: DeliveryTarget, options?: { now?: Date; leaseMs?: number }): Promise<DeliveryClaim | undefined>;
  /** Records the outcome; false when the lease was lost to another run meanwhile. */
  completeDelivery(claim: DeliveryClaim, outcome: DeliveryOutcome, now?: Date): Promise<boolean>;
  /** Deliveries not yet done (pending, failed, or with an expired lease) of digests whose window ended after `since`, newest first. */
  undelivered(options: { since: Date; now?: Date; limit?: number }): Promise<Array<{ digestId: string; target: DeliveryTarget }>>;
}

const PK = "digest";
/** Table storage: 64 KiB per binary property, 1 MiB per entity (learn.microsoft.com, "Understanding the Table service data model"). */
const CHUNK_BYTES = 64 * 1024;
const MAX_CHUNKS = 14;
const DEFAULT_LEASE_MS = 10 * 60_000;
const MAX_LIMIT = 1000;

function inverted(iso: string): string {
  return String(9_999_999_999_999 - Date.parse(iso)).padStart(13, "0");
}

function digestRowKey(id: string, window: DigestWindow): string {
  return `${inverted(window.to)}_${id}`;
}

function deliveryRowKey(digestRk: string, target: DeliveryTarget): string {
  return `${digestRk}~${target}`;
}

function rowKeyOfId(id: string): string {
  const window = parseDigestId(id);
  if (!window) throw new DigestStoreError("InvalidDigestId", `"${id}" is not a digest id (expected <from>_<to> as 20261121T070000Z_20261122T070000Z)`);
  return digestRowKey(id, window);
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}

interface DigestEntity {
  partitionKey: string;
  rowKey: string;
  kind: "digest";
  id: string;
  windowFrom: string;
  windowTo: string;
  generatedAt: string;
  quiet: boolean;
  totals: string;
  gaps: string;
  chunks: number;
  [body: `body${number}`]: Uint8Array;
}

interface DeliveryEntity {
  partitionKey: string;
  rowKey: string;
  kind: "delivery";
  digestId: string;
  target: DeliveryTarget;
  status: DeliveryState;
  attempts: number;
  leaseUntil?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
}

const SUMMARY_FIELDS = ["RowKey", "id", "windowFrom", "windowTo", "generatedAt", "quiet", "totals", "gaps"];

function toSummary(e: Omit<DigestEntity, `body${number}`>, deliveries: DeliveryStatus[]): DigestSummary {
  return {
    id: e.id,
    window: { from: e.windowFrom, to: e.windowTo },
    generatedAt: e.generatedAt,
    quiet: e.quiet,
    totals: JSON.parse(e.totals) as DigestTotals,
    gaps: JSON.parse(e.gaps) as string[],
    deliveries,
  };
}

function toStatus(e: DeliveryEntity): DeliveryStatus {
  return {
    target: e.target,
    status: e.status,
    attempts: e.attempts,
    ...(e.lastAttemptAt ? { lastAttemptAt: e.lastAttemptAt } : {}),
    ...(e.deliveredAt ? { deliveredAt: e.deliveredAt } : {}),
    ...(typeof e.httpStatus === "number" ? { httpStatus: e.httpStatus } : {}),
    ...(e.errorCode ? { error: { code: e.errorCode, message: e.errorMessage ?? "" } } : {}),
  };
}

function encodeBody(digest: Digest): Record<`body${number}`, Uint8Array> & { chunks: number } {
  const zipped = gzipSync(Buffer.from(JSON.stringify(digest), "utf8"));
  const chunks = Math.ceil(zipped.length / CHUNK_BYTES);
  // composeDigest bounds every list (DigestLimits.maxItems), so this only trips on a bug.
  if (chunks > MAX_CHUNKS) throw new Error(`digest ${digest.id} is ${zipped.length} bytes compressed, over the ${MAX_CHUNKS * CHUNK_BYTES} an entity holds`);
  const body: Record<`body${number}`, Uint8Array> = {};
  for (let i = 0; i < chunks; i++) body[`body${i}`] = new Uint8Array(zipped.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  return { ...body, chunks };
}

function decodeBody(e: DigestEntity): Digest {
  const parts = Array.from({ length: e.chunks }, (_, i) => Buffer.from(e[`body${i}`]));
  return JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8")) as Digest;
}

function encodeToken(rowKey: string): string {
  return Buffer.from(JSON.stringify({ after: rowKey }), "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown }).after;
    if (typeof after === "string" && /^\d{13}_\d{8}T\d{6}Z_\d{8}T\d{6}Z$/.test(after)) return after;
  } catch {
    // fall through to the typed error
  }
  throw new DigestStoreError("InvalidContinuationToken", "continuationToken is not one this API returned");
}

export class TableDigestStore implements DigestStore {
  constructor(private readonly table: TableClient) {}

  list(options: StoreOperationOptions = {}): PagedList<DigestSummary> {
    const page = (limit: number, after: string | undefined) => this.page(limit, after, options.abortSignal);
    return pagedList(async function* (settings) {
      const limit = settings.maxPageSize ?? 20;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new DigestStoreError("InvalidLimit", `limit must be a whole number from 1 to ${MAX_LIMIT}`);
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
    for await (const page of this.table.listEntities<Omit<DigestEntity, `body${number}`>>({ queryOptions: { filter, select: SUMMARY_FIELDS }, abortSignal }).byPage({ maxPageSize: limit + 1 })) {
      rows.push(...page);
      if (rows.length > limit) break;
    }
    const items = rows.slice(0, limit);
    const deliveries = items.length > 0 ? await this.deliveriesBetween(items[0].rowKey, items[items.length - 1].rowKey, abortSignal) : new Map<string, DeliveryStatus[]>();
    const summaries = items.map((e) => toSummary(e, deliveries.get(e.id) ?? []));
    return rows.length > limit ? Object.assign(summaries, { continuationToken: encodeToken(items[items.length - 1].rowKey) }) : summaries;
  }

  async get(id: string): Promise<StoredDigest | undefined> {
    const rowKey = rowKeyOfId(id);
    const entity = await this.find<DigestEntity>(rowKey);
    if (!entity) return undefined;
    const deliveries = await this.deliveriesBetween(rowKey, rowKey);
    return { ...toSummary(entity, deliveries.get(id) ?? []), digest: decodeBody(entity) };
  }

  async save(digest: Digest): Promise<{ stored: StoredDigest; created: boolean }> {
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
      await this.table.createEntity(entity);
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      created = false;
    }
    const stored = await this.get(digest.id);
    if (!stored) throw new Error(`digest ${digest.id} vanished right after it was stored`);
    return { stored, created };
  }

  async addDeliveries(id: string, targets: readonly DeliveryTarget[], status: "pending" | "skipped"): Promise<void> {
    const digestRk = rowKeyOfId(id);
    for (const target of targets) {
      const row: DeliveryEntity = { partitionKey: PK, rowKey: deliveryRowKey(digestRk, target), kind: "delivery", digestId: id, target, status, attempts: 0 };
      try {
        await this.table.createEntity(row);
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
    }
  }

  async claimDelivery(id: string, target: DeliveryTarget, options: { now?: Date; leaseMs?: number } = {}): Promise<DeliveryClaim | undefined> {
    const now = options.now ?? new Date();
    const row = await this.find<DeliveryEntity>(deliveryRowKey(rowKeyOfId(id), target));
    if (!row || !isOpen(row, now)) return undefined;
    const next: DeliveryEntity = {
      ...plainDelivery(row),
      status: "sending",
      attempts: row.attempts + 1,
      leaseUntil: new Date(now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
      lastAttemptAt: now.toISOString(),
    };
    try {
      const result = await this.table.updateEntity(next, "Replace", { etag: row.etag });
      return { digestId: id, target, attempts: next.attempts, etag: result.etag ?? "" };
    } catch (err) {
      if (statusOf(err) === 412) return undefined;
      throw err;
    }
  }

  async completeDelivery(claim: DeliveryClaim, outcome: DeliveryOutcome, now = new Date()): Promise<boolean> {
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
      await this.table.updateEntity(row, "Replace", { etag: claim.etag });
      return true;
    } catch (err) {
      if (statusOf(err) === 412) return false;
      throw err;
    }
  }

  async undelivered(options: { since: Date; now?: Date; limit?: number }): Promise<Array<{ digestId: string; target: DeliveryTarget }>> {
    const now = options.now ?? new Date();
    const limit = options.limit ?? 50;
    // Newer windows have smaller inverted keys: everything below the bound ended after `since`.
    const bound = inverted(options.since.toISOString());
    const filter = odata`PartitionKey eq ${PK} and RowKey lt ${bound} and kind eq 'delivery' and status ne 'delivered' and status ne 'skipped'`;
    const found: Array<{ digestId: string; target: DeliveryTarget }> = [];
    for await (const row of this.table.listEntities<DeliveryEntity>({ queryOptions: { filter } })) {
      if (isOpen(row, now)) found.push({ digestId: row.digestId, target: row.target });
      if (found.length >= limit) break;
    }
    return found;
  }

  private async find<T extends object>(rowKey: string): Promise<TableEntityResult<T> | undefined> {
    try {
      return await this.table.getEntity<T>(PK, rowKey);
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

function isOpen(row: DeliveryEntity, now: Date): boolean {
  if (row.status === "delivered" || row.status === "skipped") return false;
  return row.status !== "sending" || !row.leaseUntil || Date.parse(row.leaseUntil) <= now.getTime();
}

function plainDelivery(row: TableEntityResult<DeliveryEntity>): DeliveryEntity {
  const { etag: _etag, timestamp: _timestamp, "odata.metadata": _metadata, ...rest } = row as TableEntityResult<DeliveryEntity> & { timestamp?: unknown; "odata.metadata"?: unknown };
  return rest;
}

/** The digest store on `<prefix>digests`, created if missing; same connection settings as the history. */
export async function openDigestStore(options: FleetHistoryOptions): Promise<DigestStore> {
  return new TableDigestStore(await openTable(options, "digests"));
}
