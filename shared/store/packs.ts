/**
 * Packs: older transitions of one cluster, many per row. Azurite (and Azure, less so) charge per row
 * read, so a cluster with 10,000 transitions reads in ~1 s as loose rows and in tens of ms as ~100
 * packs. A sweep writes every transition as its own row as before (the crash-safe path); when a
 * cluster it touches holds enough loose rows, one transaction per pack inserts the pack and deletes
 * the rows it holds, so a crash leaves either the rows or the pack, never both or neither.
 *
 * A pack row: `p~<last time>~<first row key>`, `firstAt` (a string column a window read filters on),
 * `count`, and the rows as gzip-compressed JSON `[[rowKey, document], ...]` in binary properties `z`,
 * `z_1` ... of at most 64,000 bytes each.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { Entity, transitionDocument, transitionFromDocument } from "./entities";
import { packRowKey } from "./keys";
import type { TransitionRecord } from "./types";

/** One transaction holds at most 100 operations: the pack and the rows it replaces. */
export const PACK_ROWS = 99;
/** A binary property holds at most 64 KiB. */
const BINARY_BYTES = 64_000;
/** Compressed bytes of one pack: well inside the 1 MiB entity and 4 MiB transaction limits (base64 in the body). */
const PACK_BYTES = 900_000;
const DATA = "z";

export interface Pack {
  entity: Entity;
  /** The loose rows it replaces, in key order. */
  rows: Entity[];
}

/**
 * Packs of `rows` (loose transition rows of one partition, in key order): at most 99 rows each,
 * fewer when the compressed data would exceed the pack's byte budget.
 */
export function packRows(partitionKey: string, rows: Entity[]): Pack[] {
  const packs: Pack[] = [];
  const documents = rows.map(transitionDocument);
  for (let i = 0; i < rows.length;) {
    let size = Math.min(PACK_ROWS, rows.length - i);
    let pack = packOf(partitionKey, rows.slice(i, i + size), documents.slice(i, i + size));
    // Incompressible 8,000-character messages: halve until it fits (one row always does, < 1 MiB).
    while (pack === undefined) {
      size = Math.ceil(size / 2);
      pack = packOf(partitionKey, rows.slice(i, i + size), documents.slice(i, i + size));
    }
    packs.push(pack);
    i += size;
  }
  return packs;
}

function packOf(partitionKey: string, rows: Entity[], documents: Array<Record<string, unknown>>): Pack | undefined {
  const data = gzipSync(JSON.stringify(rows.map((r, i) => [r.rowKey, documents[i]])));
  if (data.length > PACK_BYTES && rows.length > 1) return undefined;
  const entity: Entity = {
    partitionKey,
    rowKey: packRowKey(String(documents[documents.length - 1].at), rows[0].rowKey),
    firstAt: String(documents[0].at),
    count: rows.length,
  };
  Object.assign(entity, binaryProperties(data));
  return { entity, rows };
}

/** Bytes as binary properties `z`, `z_1` ... of at most 64,000 bytes each (a property's limit is 64 KiB). */
export function binaryProperties(data: Uint8Array): Record<string, Uint8Array> {
  const properties: Record<string, Uint8Array> = {};
  for (let part = 0; part * BINARY_BYTES < data.length; part++)
    properties[part === 0 ? DATA : `${DATA}_${part}`] = data.subarray(part * BINARY_BYTES, (part + 1) * BINARY_BYTES);
  return properties;
}

/** The bytes `binaryProperties` spread over an entity; empty when it has none. */
export function binaryOf(entity: Record<string, unknown>): Buffer {
  const parts: Uint8Array[] = [];
  for (let part = 0; entity[part === 0 ? DATA : `${DATA}_${part}`] instanceof Uint8Array; part++)
    parts.push(entity[part === 0 ? DATA : `${DATA}_${part}`] as Uint8Array);
  return Buffer.concat(parts);
}

/** The transitions of a pack row with their loose row keys, in key order. */
export function unpack(entity: Record<string, unknown>): Array<[string, TransitionRecord]> {
  const data = binaryOf(entity);
  if (data.length === 0) throw new Error(`pack ${String(entity.partitionKey)}/${String(entity.rowKey)} has no ${DATA} property`);
  const rows = JSON.parse(gunzipSync(data).toString("utf8")) as Array<[string, Record<string, unknown>]>;
  return rows.map(([rowKey, document]) => [rowKey, transitionFromDocument(document)]);
}
