/**
 * Read models kept per sweep: an answer that takes a pass over the whole fleet (the API's summary) is
 * computed once after a sweep and stored, so a process that starts later reads one row instead of
 * 40,000. A row of the sweeps table's `readmodel` partition per model, keyed by its name, holding
 * the sweep it was built for and the value as gzip-compressed JSON (binary properties, see packs.ts).
 */
import type { TableClient } from "@azure/data-tables";
import { gunzipSync, gzipSync } from "node:zlib";
import type { Entity } from "./entities";
import { statusOf } from "./errors";
import { binaryOf, binaryProperties } from "./packs";

export const READ_MODEL_PARTITION = "readmodel";
/** Compressed bytes: well inside the 1 MiB entity limit. */
const MAX_BYTES = 900_000;

export async function saveReadModel(sweeps: TableClient, name: string, sweepId: string, value: unknown, abortSignal?: AbortSignal): Promise<void> {
  const data = gzipSync(JSON.stringify(value));
  if (data.length > MAX_BYTES) throw new RangeError(`read model ${name} is ${data.length} bytes compressed, over ${MAX_BYTES}`);
  await sweeps.upsertEntity({ partitionKey: READ_MODEL_PARTITION, rowKey: name, sweepId, ...binaryProperties(data) }, "Replace", { abortSignal });
}

/** The stored value when it was built for `sweepId`; `undefined` when absent or built for another sweep. */
export async function loadReadModel<T>(sweeps: TableClient, name: string, sweepId: string, abortSignal?: AbortSignal): Promise<T | undefined> {
  let entity: Entity;
  try {
    entity = await sweeps.getEntity<Entity>(READ_MODEL_PARTITION, name, { abortSignal });
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
  if (entity.sweepId !== sweepId) return undefined;
  return JSON.parse(gunzipSync(binaryOf(entity)).toString("utf8")) as T;
}
