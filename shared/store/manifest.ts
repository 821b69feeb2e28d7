/**
 * The manifest: one line per known cluster with a hash of the snapshot content last applied to it.
 * A sweep hashes each cluster of its snapshot and reads only the clusters whose hash differs, so a
 * sweep where nothing changed costs the same few table calls at any fleet size.
 *
 * Stored as text in rows `!manifest~<n>` of the `meta` partition (each row ≤ 13 properties of 32K
 * characters), written in the same transaction as the sweep record and the lease release.
 */
import type { ClusterHealth } from "../core/model";
import { putText, getText, type Entity } from "./entities";
import { META_PARTITION, MANIFEST_ROW_PREFIX, shortHash } from "./keys";

export interface ManifestCluster {
  /** Hash of the applied content; see `clusterContentHash`. */
  hash: string;
  subscriptionId: string;
  /** Sequence number of the last sweep that read the cluster (not dark, scope read). */
  seenSeq: number;
  /**
   * Transition rows of the cluster not yet packed (see packs.ts); a trigger for compaction, not an
   * exact count (a crashed sweep's rows are counted once it commits). 0 in manifests written before packs.
   */
  loose: number;
}

export interface Manifest {
  /** Increments with every committed sweep. */
  seq: number;
  lastSweepId?: string;
  /** `startedAt` of the last committed sweep: transitions are never older than this. */
  lastStartedAt?: string;
  /** The sweeps some cluster was last seen in, by sequence number: [sweepId, startedAt]. */
  sweeps: Record<number, [string, string]>;
  clusters: Map<string, ManifestCluster>;
}

export const emptyManifest = (): Manifest => ({ seq: 0, sweeps: {}, clusters: new Map() });

const PROPERTIES_PER_ROW = 13;

/** The hash of a cluster a shard's manifest delta (plan.ts `manifestDelta`) removes. */
export const GONE_HASH = "-";

/** Manifest rows: a header (`h`) on the first, the cluster lines spread over `m`, `m_1` ... (`rowPrefix` names a shard's delta instead). */
export function manifestEntities(manifest: Manifest, rowPrefix = MANIFEST_ROW_PREFIX): Entity[] {
  const subs = [...new Set([...manifest.clusters.values()].map((c) => c.subscriptionId))];
  const subIndex = new Map(subs.map((s, i) => [s, i]));
  const lines = [...manifest.clusters].map(
    ([key, c]) => `${key} ${c.hash} ${subIndex.get(c.subscriptionId)!.toString(36)} ${c.seenSeq.toString(36)}${c.loose ? ` ${c.loose.toString(36)}` : ""}`,
  );
  const header = { v: 1, seq: manifest.seq, lastSweepId: manifest.lastSweepId, lastStartedAt: manifest.lastStartedAt, sweeps: manifest.sweeps, subs };
  // Lines are ~30 characters (at most 34); fill each row up to its property budget.
  const perRow = Math.floor((PROPERTIES_PER_ROW * 32_000) / 34) - 1;
  const rows: Entity[] = [];
  for (let i = 0; i === 0 || i < lines.length; i += perRow) {
    const entity: Entity = { partitionKey: META_PARTITION, rowKey: `${rowPrefix}${String(rows.length).padStart(4, "0")}` };
    if (rows.length === 0) putText(entity, "h", JSON.stringify(header));
    putText(entity, "m", lines.slice(i, i + perRow).join("\n"));
    rows.push(entity);
  }
  return rows;
}

export function manifestFromEntities(entities: Array<Record<string, unknown>>): Manifest {
  if (entities.length === 0) return emptyManifest();
  const sorted = [...entities].sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
  const header = JSON.parse(getText(sorted[0], "h") ?? "{}") as {
    seq?: number;
    lastSweepId?: string;
    lastStartedAt?: string;
    sweeps?: Manifest["sweeps"];
    subs?: string[];
  };
  const subs = header.subs ?? [];
  const clusters = new Map<string, ManifestCluster>();
  for (const entity of sorted) {
    for (const line of (getText(entity, "m") ?? "").split("\n")) {
      if (!line) continue;
      const [key, hash, sub, seen, loose] = line.split(" ");
      clusters.set(key, { hash, subscriptionId: subs[parseInt(sub, 36)] ?? "", seenSeq: parseInt(seen, 36), loose: loose ? parseInt(loose, 36) : 0 });
    }
  }
  return { seq: header.seq ?? 0, lastSweepId: header.lastSweepId, lastStartedAt: header.lastStartedAt, sweeps: header.sweeps ?? {}, clusters };
}

/** How a sweep saw a cluster; part of the hash because the same content means different things. */
export type ClusterView = "read" | "partial" | "dark";

/**
 * Hash of what a sweep would apply to a cluster: identity, and per component only what the store
 * keeps (state, reason, catalog entry, fingerprint or message, facts, id casing, location, tags). Evidence text, digits of an
 * unclassified message and time facts (`lastConnectivityTime`) are left out on purpose: they change
 * every sweep while the health stays the same, and would turn every sweep into a full rewrite.
 */
export function clusterContentHash(cluster: ClusterHealth, view: ClusterView): string {
  const components = cluster.components
    .map((c) => [
      c.id.toLowerCase(),
      c.id,
      c.kind,
      c.name,
      c.extensionType ?? "",
      c.parentId ?? "",
      c.state,
      c.reason,
      c.classification?.catalogId ?? "",
      c.classification?.fingerprint ?? c.message.replace(/\d+/g, "#"),
      stableFacts(c.facts),
    ])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return shortHash(
    JSON.stringify([
      view,
      cluster.name,
      cluster.kind,
      cluster.subscriptionId,
      cluster.resourceGroup,
      cluster.location ?? "",
      Object.entries(cluster.tags ?? {}).sort(),
      components,
    ]),
    6,
  );
}

function stableFacts(facts: Record<string, string> | undefined): Array<[string, string]> {
  return Object.entries(facts ?? {})
    .filter(([name]) => !/(Time|At)$/.test(name))
    .sort(([a], [b]) => a.localeCompare(b));
}
