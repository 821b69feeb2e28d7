/**
 * Rows of the digest table: keys (see ./store.ts for the layout), entity shapes, the gzip'd content
 * in binary chunks, and the keyset continuation tokens of `list`.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { TableEntityResult } from "@azure/data-tables";
import type { Digest, DigestTotals } from "./model";
import { DigestStoreError } from "./errors";
import type { DeliveryState, DeliveryStatus, DeliveryTarget, DigestSummary } from "./store-types";
import { parseDigestId, type DigestWindow } from "./window";

export const PK = "digest";
/** Table storage: 64 KiB per binary property, 1 MiB per entity (learn.microsoft.com, "Understanding the Table service data model"). */
const CHUNK_BYTES = 64 * 1024;
const MAX_CHUNKS = 14;
export const DEFAULT_LEASE_MS = 10 * 60_000;
export const MAX_LIMIT = 1000;

export function inverted(iso: string): string {
  return String(9_999_999_999_999 - Date.parse(iso)).padStart(13, "0");
}

export function digestRowKey(id: string, window: DigestWindow): string {
  return `${inverted(window.to)}_${id}`;
}

export function deliveryRowKey(digestRk: string, target: DeliveryTarget): string {
  return `${digestRk}~${target}`;
}

export function rowKeyOfId(id: string): string {
  const window = parseDigestId(id);
  if (!window) throw new DigestStoreError("InvalidDigestId", `"${id}" is not a digest id (expected <from>_<to> as 20261121T070000Z_20261122T070000Z)`);
  return digestRowKey(id, window);
}

export interface DigestEntity {
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

export interface DeliveryEntity {
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

export const SUMMARY_FIELDS = ["RowKey", "id", "windowFrom", "windowTo", "generatedAt", "quiet", "totals", "gaps"];

export function toSummary(e: Omit<DigestEntity, `body${number}`>, deliveries: DeliveryStatus[]): DigestSummary {
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

export function toStatus(e: DeliveryEntity): DeliveryStatus {
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

export function encodeBody(digest: Digest): Record<`body${number}`, Uint8Array> & { chunks: number } {
  const zipped = gzipSync(Buffer.from(JSON.stringify(digest), "utf8"));
  const chunks = Math.ceil(zipped.length / CHUNK_BYTES);
  // composeDigest bounds every list (DigestLimits.maxItems), so this only trips on a bug.
  if (chunks > MAX_CHUNKS) throw new Error(`digest ${digest.id} is ${zipped.length} bytes compressed, over the ${MAX_CHUNKS * CHUNK_BYTES} an entity holds`);
  const body: Record<`body${number}`, Uint8Array> = {};
  for (let i = 0; i < chunks; i++) body[`body${i}`] = new Uint8Array(zipped.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  return { ...body, chunks };
}

export function decodeBody(e: DigestEntity): Digest {
  const parts = Array.from({ length: e.chunks }, (_, i) => Buffer.from(e[`body${i}`]));
  return JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8")) as Digest;
}

export function encodeToken(rowKey: string): string {
  return Buffer.from(JSON.stringify({ after: rowKey }), "utf8").toString("base64url");
}

export function decodeToken(token: string): string {
  try {
    const after = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown }).after;
    if (typeof after === "string" && /^\d{13}_\d{8}T\d{6}Z_\d{8}T\d{6}Z$/.test(after)) return after;
  } catch {
    // fall through to the typed error
  }
  throw new DigestStoreError("InvalidContinuationToken", "continuationToken is not one this API returned");
}

export function isOpen(row: DeliveryEntity, now: Date): boolean {
  if (row.status === "delivered" || row.status === "skipped") return false;
  return row.status !== "sending" || !row.leaseUntil || Date.parse(row.leaseUntil) <= now.getTime();
}

export function plainDelivery(row: TableEntityResult<DeliveryEntity>): DeliveryEntity {
  const {
    etag: _etag,
    timestamp: _timestamp,
    "odata.metadata": _metadata,
    ...rest
  } = row as TableEntityResult<DeliveryEntity> & { timestamp?: unknown; "odata.metadata"?: unknown };
  return rest;
}
