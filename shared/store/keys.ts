/**
 * Keys. ARM ids hold `/`, which Table keys refuse, and run to 200+ characters, so a cluster or a
 * component is keyed by a short hash of its canonical id (the id itself is a property of every row).
 *
 * Tables (prefix `fleet` by default):
 * - `<prefix>clusters`: one partition per cluster. `c~<component>` rows are the current state,
 *   `t~<time>~<component>~<event>` rows its transitions, oldest first. A component's new state and
 *   the transitions that led to it are written in one transaction, so they can never disagree.
 *   `p~<time>~...` rows pack older transitions, many per row (compaction, see packs.ts).
 * - `<prefix>index`: partitions `open~<shard>` hold a copy of every component that is not healthy
 *   (open failures now); `e~day~<yyyy-mm-dd>~<shard>` a copy of every transition of the day but
 *   `appeared` (a first sighting that is not a failure stays in its cluster's timeline);
 *   `e~cat~<catalog id>` and `e~ext~<extension type>` a copy of each failure-related transition
 *   (from or to failing/degraded, or classified) under its catalog entry and extension type.
 * - `<prefix>sweeps`: partition `meta` holds the write lease, the manifest (per-cluster content
 *   hashes) and one row per sweep, newest first.
 */
import { createHash } from "node:crypto";
import { normalizeId } from "../core/model";

export const TABLES = { clusters: "clusters", index: "index", sweeps: "sweeps" } as const;

/** 64 bits of SHA-256 in base64url: 11 characters, all legal in keys. */
export function shortHash(text: string, bytes = 8): string {
  return createHash("sha256").update(text).digest().subarray(0, bytes).toString("base64url");
}

export const clusterKey = (clusterId: string): string => shortHash(normalizeId(clusterId));
export const componentKey = (componentId: string): string => shortHash(normalizeId(componentId));

export const CURRENT_PREFIX = "c~";
export const TRANSITION_PREFIX = "t~";
export const currentRowKey = (component: string): string => `${CURRENT_PREFIX}${component}`;

/** Sorts by time because ISO-8601 UTC strings of one length sort like the instants they name. */
export const transitionRowKey = (at: string, component: string, event: string): string => `${TRANSITION_PREFIX}${at}~${component}~${event}`;

/**
 * A pack of older transitions of the cluster (see packs.ts): `p~<last time>~<first packed row key>`.
 * Sorting by the last time lets a window read start at its `from`; the first row key keeps packs of
 * one instant apart, and is the same when a re-run packs the same rows.
 */
export const PACK_PREFIX = "p~";
export const packRowKey = (lastAt: string, firstRowKey: string): string => `${PACK_PREFIX}${lastAt}~${firstRowKey.slice(TRANSITION_PREFIX.length)}`;

/** Key text for values that may hold characters keys refuse (`/`, `\`, `#`, `?`, control characters). */
export function keyText(value: string): string {
  return encodeURIComponent(value).replace(/%/g, "!");
}

/**
 * Fleet-wide partitions are split 16 ways by cluster: a first sweep of 10,000 clusters or a
 * fleet-wide incident writes tens of thousands of rows at once, more than one partition takes
 * quickly (Azure serves ~2,000 entities/s per partition; Azurite slows down as one grows).
 */
export function shard(cluster: string): string {
  return (cluster.charCodeAt(0) % 16).toString(16);
}

export const OPEN_PREFIX = "open~";
export const openPartition = (cluster: string): string => `${OPEN_PREFIX}${shard(cluster)}`;
export const EVENT_PARTITION_PREFIX = "e~";
export const DAY_PREFIX = "e~day~";
export const dayPartition = (at: string, cluster: string): string => `${DAY_PREFIX}${at.slice(0, 10)}~${shard(cluster)}`;
export const catalogPartition = (catalogId: string): string => `e~cat~${keyText(catalogId)}`;
export const extensionPartition = (extensionType: string): string => `e~ext~${keyText(extensionType)}`;
export const openRowKey = (cluster: string, component: string): string => `${cluster}~${component}`;
/** Same for every copy of one transition, and its public id. */
export const eventRowKey = (at: string, cluster: string, component: string, event: string): string => `${at}~${cluster}~${component}~${event}`;

export const META_PARTITION = "meta";
export const LEASE_ROW = "!lease";
export const MANIFEST_ROW_PREFIX = "!manifest~";
export const SWEEP_ROW_PREFIX = "sweep~";
/** Rows before this key in `meta` are the write state a sweep reads in one query: leases, manifest, sharded sweeps in flight. */
export const META_STATE_END = "!~";
/**
 * A sharded sweep in flight (docs/sharding.md): its pending marker, each shard's lease and each recorded
 * shard's manifest delta, all in the write state; the merge that completes the sweep removes them.
 */
export const PENDING_ROW_PREFIX = "!pending~";
export const pendingRowKey = (sweepId: string): string => `${PENDING_ROW_PREFIX}${keyText(sweepId)}`;
export const SHARD_LEASE_ROW_PREFIX = "!lease~";
export const shardLeaseRowKey = (sweepId: string, index: number): string => `${SHARD_LEASE_ROW_PREFIX}${keyText(sweepId)}~${String(index).padStart(5, "0")}`;
export const DELTA_ROW_PREFIX = "!delta~";
export const deltaRowPrefix = (sweepId: string, index: number): string => `${DELTA_ROW_PREFIX}${keyText(sweepId)}~${String(index).padStart(5, "0")}~`;

/** Newest first: the row key counts down with time; the sweep id keeps keys of one instant apart. */
export function sweepRowKey(startedAt: string, sweepId: string): string {
  const inverted = (9_999_999_999_999 - Date.parse(startedAt)).toString().padStart(13, "0");
  return `${SWEEP_ROW_PREFIX}${inverted}~${keyText(sweepId)}`;
}

/** A sharded sweep's plan and each recorded shard: rows of `meta` outside the sweep rows, so lists never see them. */
export const PLAN_ROW_PREFIX = "plan~";
export const planRowKey = (sweepId: string): string => `${PLAN_ROW_PREFIX}${keyText(sweepId)}`;
export const SHARD_ROW_PREFIX = "shard~";
export const shardRowPrefix = (sweepId: string): string => `${SHARD_ROW_PREFIX}${keyText(sweepId)}~`;
export const shardRowKey = (sweepId: string, index: number): string => `${shardRowPrefix(sweepId)}${String(index).padStart(5, "0")}`;

/** The smallest string greater than every string that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
