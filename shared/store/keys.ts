/**
 * Keys. ARM ids hold `/`, which Table keys refuse, and run to 200+ characters, so a cluster or a
 * component is keyed by a short hash of its canonical id (the id itself is a property of every row).
 *
 * Tables (prefix `fleet` by default):
 * - `<prefix>clusters`: one partition per cluster. `c~<component>` rows are the current state,
 *   `t~<time>~<component>~<event>` rows its transitions, oldest first. A component's new state and
 *   the transitions that led to it are written in one transaction, so they can never disagree.
 * - `<prefix>index`: partition `open` holds a copy of every component that is not healthy (open
 *   failures now); `e~day~<yyyy-mm-dd>`, `e~cat~<catalog id>` and `e~ext~<extension type>` hold a copy
 *   of each transition under the day, catalog entry and extension type it belongs to.
 * - `<prefix>sweeps`: partition `meta` holds the write lease, the manifest (per-cluster content
 *   hashes) and one row per sweep, newest first.
 */
import { createHash } from "node:crypto";
import { normalizeId } from "../health/model";

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

/** Key text for values that may hold characters keys refuse (`/`, `\`, `#`, `?`, control characters). */
export function keyText(value: string): string {
  return encodeURIComponent(value).replace(/%/g, "!");
}

export const OPEN_PARTITION = "open";
export const EVENT_PARTITION_PREFIX = "e~";
export const dayPartition = (at: string): string => `e~day~${at.slice(0, 10)}`;
export const catalogPartition = (catalogId: string): string => `e~cat~${keyText(catalogId)}`;
export const extensionPartition = (extensionType: string): string => `e~ext~${keyText(extensionType)}`;
export const openRowKey = (cluster: string, component: string): string => `${cluster}~${component}`;
/** Same for every copy of one transition, and its public id. */
export const eventRowKey = (at: string, cluster: string, component: string, event: string): string => `${at}~${cluster}~${component}~${event}`;

export const META_PARTITION = "meta";
export const LEASE_ROW = "!lease";
export const MANIFEST_ROW_PREFIX = "!manifest~";
export const SWEEP_ROW_PREFIX = "sweep~";
/** Rows before this key in `meta` are the lease and the manifest shards. */
export const META_STATE_END = "!~";

/** Newest first: the row key counts down with time; the sweep id keeps keys of one instant apart. */
export function sweepRowKey(startedAt: string, sweepId: string): string {
  const inverted = (9_999_999_999_999 - Date.parse(startedAt)).toString().padStart(13, "0");
  return `${SWEEP_ROW_PREFIX}${inverted}~${keyText(sweepId)}`;
}

/** The smallest string greater than every string that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
