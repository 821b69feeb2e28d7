/**
 * Sharded sweeps (docs/sharding.md). The sweep timer plans: a fleet that fits one shard (or whose size
 * cannot be counted) is swept inline exactly as before; a larger one is recorded as planned and one
 * message per shard goes on the shard queue. Each queue-triggered worker sweeps its shard and records
 * it; the worker that records the last shard completes the sweep.
 */
import { RequestCounter } from "../azure/connection";
import { CLUSTER_COUNT_QUERY } from "../azure/resource-graph";
import { batchScopes } from "../azure/scopes";
import { systemClock } from "../azure/pacing";
import { parseScopes } from "../core/config";
import type { ScopeError } from "../core/model";
import { firstItem, FleetHistoryError } from "../store";
import type { FleetHistory, RecordSweepOptions, ShardedSweepProgress } from "../store/types";
import { graphReader, newSweepId, runSweep, SweepOptions, SweepResult } from "./index";
import { planShards, Shard, ShardMessage, shardMessages, SubscriptionCount, worthPlanning } from "./shards";

export interface PlanSweepOptions extends SweepOptions {
  /** Clusters per shard (`FLEET_SHARD_CLUSTERS`). */
  targetClusters: number;
  /** Puts the shard messages on the queue; without it every sweep runs inline. */
  enqueue?: (messages: ShardMessage[]) => Promise<void>;
}

export type PlannedSweep =
  { mode: "inline"; result: SweepResult } | { mode: "sharded"; sweepId: string; startedAt: string; shards: Shard[]; armRequests: number };

export async function planSweep(options: PlanSweepOptions): Promise<PlannedSweep> {
  const inline = async (): Promise<PlannedSweep> => ({ mode: "inline", result: await runSweep(options) });
  if (!options.enqueue) return inline();
  const last = await firstItem(options.history.listSweeps({ abortSignal: options.signal }));
  if (!worthPlanning(last?.clusters, options.targetClusters)) return inline();
  const counter = new RequestCounter();
  const counts = await countClusters(options, counter);
  // A count that failed cannot size shards safely: the inline sweep reports what it cannot read.
  if (!counts) return inline();
  const shards = planShards(counts, { targetClusters: options.targetClusters });
  if (shards.length <= 1) return inline();
  const startedAt = new Date((options.clock ?? systemClock).now());
  const sweepId = newSweepId(startedAt);
  const scopes = (options.scopes ?? []).map((s) => s.scope);
  await options.history.planShardedSweep({ sweepId, startedAt: startedAt.toISOString(), scopes, shards: shards.length }, { abortSignal: options.signal });
  await options.enqueue(shardMessages(sweepId, startedAt.toISOString(), shards));
  options.onProgress?.({
    phase: "done",
    message: `planned: sweep ${sweepId} in ${shards.length} shards (${shards.map((s) => s.clusters).join(", ")} clusters)`,
    armRequests: counter.count,
  });
  return { mode: "sharded", sweepId, startedAt: startedAt.toISOString(), shards, armRequests: counter.count };
}

/** Clusters per subscription over the configured scopes, one query per batch; undefined when any part cannot be counted. */
async function countClusters(options: SweepOptions, counter: RequestCounter): Promise<SubscriptionCount[] | undefined> {
  const graph = graphReader(options, counter);
  const scopes = options.scopes ?? [];
  // A configured subscription without clusters still gets a shard: its clusters that vanished must be seen as deleted.
  const counts: SubscriptionCount[] = scopes.filter((s) => s.kind === "subscription").map((s) => ({ subscriptionId: s.id, clusters: 0 }));
  try {
    for (const batch of batchScopes(scopes, options.subscriptionsPerQuery)) {
      for await (const page of graph.pages(CLUSTER_COUNT_QUERY, batch, { abortSignal: options.signal })) {
        if (page.subscriptionLimitHit) return undefined;
        for (const row of page.rows as Array<{ subscriptionId?: unknown; count_?: unknown }>) {
          if (typeof row.subscriptionId === "string" && typeof row.count_ === "number")
            counts.push({ subscriptionId: row.subscriptionId, clusters: row.count_ });
        }
      }
    }
  } catch (err) {
    if (options.signal?.aborted) throw err;
    options.onProgress?.({
      phase: "clusters",
      message: `plan: counting clusters failed (${(err as Error).message}); sweeping inline`,
      armRequests: counter.count,
    });
    return undefined;
  }
  return counts;
}

export interface ShardOutcome {
  result?: SweepResult;
  /** Set when the shard could not be recorded for good (a newer sweep was recorded first). */
  failed?: ScopeError[];
  progress: ShardedSweepProgress;
}

/** How long a shard waits for the write lease another shard holds before its invocation fails (and the queue retries it). */
const LEASE_WAIT_MS = 8 * 60_000;

/** Sweeps one shard and records it; completes the sweep when it was the last. */
export async function sweepShard(message: ShardMessage, options: SweepOptions): Promise<ShardOutcome> {
  const shard = { sweepId: message.sweepId, index: message.index, count: message.count, startedAt: message.startedAt };
  const scopes = parseScopes(message.subscriptions.map((s) => `/subscriptions/${s}`).join(","));
  try {
    const result = await runSweep({ ...options, scopes, shard, history: waitingForLease(options.history, options) });
    return { result, progress: await options.history.finishShardedSweep(message.sweepId, { abortSignal: options.signal }) };
  } catch (err) {
    if (!(err instanceof FleetHistoryError && err.code === "SnapshotSuperseded")) throw err;
    // Retrying cannot help: the shard's scopes become partial with the reason, and the sweep can complete.
    const failed = scopes.map((s) => ({ scope: s.scope, code: err.code, message: err.message }));
    return { failed, progress: await failShard(message, failed, options.history, options.signal) };
  }
}

/** A shard that will not be swept (poisoned, superseded): its scopes are partial with the error. */
export async function failShard(message: ShardMessage, errors: ScopeError[], history: FleetHistory, signal?: AbortSignal): Promise<ShardedSweepProgress> {
  await history.recordFailedShard({ sweepId: message.sweepId, index: message.index, count: message.count }, errors, { abortSignal: signal });
  return history.finishShardedSweep(message.sweepId, { abortSignal: signal });
}

/** The history with `recordSweep` waiting (with jitter) while another shard of the fleet holds the write lease. */
function waitingForLease(history: FleetHistory, options: SweepOptions): FleetHistory {
  const clock = options.clock ?? systemClock;
  const waiting: FleetHistory = Object.create(history);
  waiting.recordSweep = async (snapshot, recordOptions?: RecordSweepOptions) => {
    const deadline = clock.now() + LEASE_WAIT_MS;
    for (;;) {
      try {
        return await history.recordSweep(snapshot, recordOptions);
      } catch (err) {
        if (!(err instanceof FleetHistoryError && err.code === "SweepInProgress") || clock.now() > deadline || options.signal?.aborted) throw err;
        await clock.sleep(500 + Math.random() * 1500);
      }
    }
  };
  return waiting;
}
