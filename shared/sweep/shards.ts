/**
 * Splitting a fleet into shards (docs/sharding.md), pure: subscriptions are never split (a shard's
 * snapshot must hold every cluster of each of its subscriptions, or the store would take the missing
 * ones for deleted), and are packed first-fit by decreasing cluster count into shards of about the
 * target size. The shard message is the queue's contract between the planner and the workers.
 */

export interface SubscriptionCount {
  subscriptionId: string;
  clusters: number;
}

export interface Shard {
  /** Lower-cased subscription ids, sorted. */
  subscriptions: string[];
  clusters: number;
}

export interface ShardingOptions {
  /** Clusters per shard the planner aims at (`FLEET_SHARD_CLUSTERS`). */
  targetClusters: number;
  /**
   * Subscriptions per shard at most: the message must stay under the queue's 64 KiB (base64 of
   * ~48 KiB of JSON, ~40 characters per subscription id); default 600.
   */
  maxSubscriptions?: number;
}

export const DEFAULT_MAX_SUBSCRIPTIONS_PER_SHARD = 600;

/** The queue the sweep planner fills and `functions/sweep-shard.ts` drains (in the host's storage account). */
export const SHARD_QUEUE = "fleet-sweep-shards";
/** Where the Functions host moves a message after `maxDequeueCount` failed attempts. */
export const poisonQueueName = (queue: string): string => `${queue}-poison`;

export function planShards(counts: SubscriptionCount[], options: ShardingOptions): Shard[] {
  const target = options.targetClusters;
  const maxSubs = options.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_SHARD;
  if (!Number.isInteger(target) || target < 1) throw new RangeError(`target clusters per shard must be a positive whole number, got ${target}`);
  const merged = new Map<string, number>();
  for (const c of counts) merged.set(c.subscriptionId.toLowerCase(), (merged.get(c.subscriptionId.toLowerCase()) ?? 0) + Math.max(0, c.clusters));
  const sorted = [...merged].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const shards: Shard[] = [];
  for (const [subscriptionId, clusters] of sorted) {
    // First fit: the earliest shard with room (a subscription over the target fills a shard alone).
    const fit = shards.find((s) => s.clusters + clusters <= target && s.subscriptions.length < maxSubs);
    if (fit) {
      fit.subscriptions.push(subscriptionId);
      fit.clusters += clusters;
    } else shards.push({ subscriptions: [subscriptionId], clusters });
  }
  for (const s of shards) s.subscriptions.sort();
  return shards;
}

/** True when the last sweep's fleet (or an unknown one) may need more than one shard; a small fleet skips even the count query. */
export function worthPlanning(lastSweepClusters: number | undefined, targetClusters: number): boolean {
  return lastSweepClusters === undefined || lastSweepClusters > targetClusters * 0.8;
}

/** One queue message: one shard of one sweep. */
export interface ShardMessage {
  v: 1;
  sweepId: string;
  startedAt: string;
  index: number;
  count: number;
  subscriptions: string[];
  /**
   * Subscriptions the history holds clusters of that the configured scopes no longer return (one left
   * a management group, or the identity lost it): in the shard's scopes without being read, so their
   * clusters are recorded as deleted, as an inline sweep of the same scopes records them.
   */
  left?: string[];
}

export class ShardMessageError extends Error {
  readonly code = "InvalidShardMessage";
  constructor(message: string) {
    super(message);
    this.name = "ShardMessageError";
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Functions host hands a JSON message over already parsed, other text as a string: both are accepted. */
export function parseShardMessage(input: unknown): ShardMessage {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      throw new ShardMessageError(`a shard message is JSON; got ${JSON.stringify(input.slice(0, 80))}`);
    }
  }
  const m = value as Partial<ShardMessage> | null;
  if (typeof m !== "object" || m === null || m.v !== 1) throw new ShardMessageError("a shard message has v: 1");
  if (typeof m.sweepId !== "string" || !m.sweepId) throw new ShardMessageError("a shard message names its sweepId");
  if (typeof m.startedAt !== "string" || Number.isNaN(Date.parse(m.startedAt))) throw new ShardMessageError(`shard of ${m.sweepId}: startedAt is not a date`);
  if (!Number.isInteger(m.count) || m.count! < 1 || !Number.isInteger(m.index) || m.index! < 0 || m.index! >= m.count!)
    throw new ShardMessageError(`shard of ${m.sweepId}: index ${m.index} of ${m.count} is out of range`);
  const ids = (list: unknown) => Array.isArray(list) && list.every((s) => typeof s === "string" && GUID.test(s));
  if (!ids(m.subscriptions) || m.subscriptions!.length === 0 || (m.left !== undefined && !ids(m.left))) {
    throw new ShardMessageError(`shard ${m.index} of ${m.sweepId}: subscriptions must be lower-case subscription ids`);
  }
  const { sweepId, index, count, subscriptions, left } = m as ShardMessage;
  return { v: 1, sweepId, startedAt: new Date(m.startedAt).toISOString(), index, count, subscriptions, ...(left?.length ? { left } : {}) };
}

/** One message per shard; the subscriptions that left the scopes are spread over the shards (never a shard alone: it would read nothing). */
export function shardMessages(sweepId: string, startedAt: string, shards: Shard[], left: string[] = []): ShardMessage[] {
  return shards.map((s, index) => {
    const gone = left.filter((_, i) => i % shards.length === index);
    return { v: 1, sweepId, startedAt, index, count: shards.length, subscriptions: s.subscriptions, ...(gone.length ? { left: gone } : {}) };
  });
}

/**
 * Subscriptions the history knows that the count no longer returned. Only scopes that name no
 * subscription (management groups, the whole tenant) can lose one; a configured subscription is always
 * counted (with 0 clusters when it has none).
 */
export function leftSubscriptions(known: string[], counted: SubscriptionCount[], scopes: Array<{ kind: string }>): string[] {
  if (scopes.length > 0 && scopes.every((s) => s.kind === "subscription")) return [];
  const seen = new Set(counted.map((c) => c.subscriptionId.toLowerCase()));
  return known.filter((s) => GUID.test(s) && !seen.has(s)).sort();
}
