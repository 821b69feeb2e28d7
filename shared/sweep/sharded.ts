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
import { FleetScope, parseScopes } from "../core/config";
import type { ScopeError } from "../core/model";
import { firstItem, FleetHistoryError } from "../store";
import type { FleetHistory, RecordSweepOptions, ShardedSweepProgress } from "../store/types";
import { graphReader, newSweepId, runSweep, storeSummary, SweepOptions, SweepResult } from "./index";
import { leftSubscriptions, planShards, Shard, ShardMessage, shardMessages, SubscriptionCount, worthPlanning } from "./shards";

export interface PlanSweepOptions extends SweepOptions {
  /** Clusters per shard (`FLEET_SHARD_CLUSTERS`). */
  targetClusters: number;
  /** Puts the shard messages on the queue; without it every sweep runs inline. */
  enqueue?: (messages: ShardMessage[]) => Promise<void>;
  /**
   * A sharded sweep still in flight after this long (ms, default 2 h: far past five deliveries of a
   * shard within the function timeout) lost a message: its missing shards are recorded as failed.
   */
  abandonAfterMs?: number;
}

export type PlannedSweep =
  | { mode: "inline"; result: SweepResult }
  | { mode: "sharded"; sweepId: string; startedAt: string; shards: Shard[]; armRequests: number }
  /** A sharded sweep is still in flight: sweeps are recorded in order, so this run starts none. */
  | { mode: "busy"; progress: ShardedSweepProgress };

const DEFAULT_ABANDON_AFTER_MS = 2 * 60 * 60_000;

export async function planSweep(options: PlanSweepOptions): Promise<PlannedSweep> {
  const inline = async (): Promise<PlannedSweep> => ({ mode: "inline", result: await runSweep(options) });
  const clock = options.clock ?? systemClock;
  const state = await options.history.shardPlanningState({ abortSignal: options.signal });
  for (const sweep of state.inFlight) {
    let progress = await finish(options.history, sweep.sweepId, options, options.signal);
    if (!progress.sweep && clock.now() - Date.parse(sweep.startedAt) > (options.abandonAfterMs ?? DEFAULT_ABANDON_AFTER_MS)) {
      progress = await abandon(options.history, sweep, options.scopes ?? [], options);
    }
    if (!progress.sweep) {
      options.onProgress?.({
        phase: "done",
        message: `busy: sweep ${sweep.sweepId} has ${progress.recorded}/${progress.shards} shards recorded; no new sweep`,
        armRequests: 0,
      });
      return { mode: "busy", progress };
    }
  }
  if (!options.enqueue) return inline();
  const last = await firstItem(options.history.listSweeps({ abortSignal: options.signal }));
  if (!worthPlanning(last?.clusters, options.targetClusters)) return inline();
  const counter = new RequestCounter();
  const counts = await countClusters(options, counter);
  // A count that failed cannot size shards safely: the inline sweep reports what it cannot read.
  if (!counts) return inline();
  const shards = planShards(counts, { targetClusters: options.targetClusters });
  if (shards.length <= 1) return inline();
  const startedAt = new Date(clock.now());
  const sweepId = newSweepId(startedAt);
  const scopes = (options.scopes ?? []).map((s) => s.scope);
  const left = leftSubscriptions(state.subscriptions, counts, options.scopes ?? []);
  await options.history.planShardedSweep({ sweepId, startedAt: startedAt.toISOString(), scopes, shards: shards.length }, { abortSignal: options.signal });
  await options.enqueue(shardMessages(sweepId, startedAt.toISOString(), shards, left));
  options.onProgress?.({
    phase: "done",
    message: `planned: sweep ${sweepId} in ${shards.length} shards (${shards.map((s) => s.clusters).join(", ")} clusters)${left.length ? `; ${left.length} subscriptions left the scopes` : ""}`,
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

/** How long a shard waits for an earlier sweep in flight (or a merge holding the write lease) before its invocation fails (and the queue retries it). */
const LEASE_WAIT_MS = 8 * 60_000;

/** Sweeps one shard and records it; completes the sweep when it was the last. */
export async function sweepShard(message: ShardMessage, options: SweepOptions): Promise<ShardOutcome> {
  const shard = { sweepId: message.sweepId, index: message.index, count: message.count, startedAt: message.startedAt, left: message.left };
  const scopes = parseScopes(message.subscriptions.map((s) => `/subscriptions/${s}`).join(","));
  try {
    const result = await runSweep({ ...options, scopes, shard, history: waitingForLease(options.history, options) });
    return { result, progress: await finish(options.history, message.sweepId, options, options.signal) };
  } catch (err) {
    if (!(err instanceof FleetHistoryError && err.code === "SnapshotSuperseded")) throw err;
    // Retrying cannot help: the shard's scopes become partial with the reason, and the sweep can complete.
    const failed = scopes.map((s) => ({ scope: s.scope, code: err.code, message: err.message }));
    return { failed, progress: await failShard(message, failed, options.history, options.signal, options.onProgress) };
  }
}

/** A shard that will not be swept (poisoned, superseded): its scopes are partial with the error. */
export async function failShard(
  message: ShardMessage,
  errors: ScopeError[],
  history: FleetHistory,
  signal?: AbortSignal,
  onProgress?: SweepOptions["onProgress"],
): Promise<ShardedSweepProgress> {
  await history.recordFailedShard({ sweepId: message.sweepId, index: message.index, count: message.count }, errors, { abortSignal: signal });
  return finish(history, message.sweepId, { onProgress }, signal);
}

/** Completes the sweep when every shard is recorded; the one call that merges it stores its summary. */
async function finish(history: FleetHistory, sweepId: string, options: Pick<SweepOptions, "onProgress">, signal?: AbortSignal): Promise<ShardedSweepProgress> {
  const progress = await history.finishShardedSweep(sweepId, { abortSignal: signal });
  if (progress.merged) await storeSummary(history, sweepId, (phase, message) => options.onProgress?.({ phase, message, armRequests: 0 }), signal);
  return progress;
}

/** A sweep whose shards never all reported: each missing one is recorded as failed, so the sweep completes partial. */
async function abandon(history: FleetHistory, sweep: { sweepId: string; shards: number }, scopes: FleetScope[], options: SweepOptions) {
  const signal = options.signal;
  const message = `sweep ${sweep.sweepId}: the shard never reported (its queue message was lost); the next sweep reads its subscriptions again`;
  const errors = (scopes.length ? scopes.map((s) => s.scope) : ["/"]).map((scope) => ({ scope, code: "ShardLost", message }));
  for (let index = 0; index < sweep.shards; index++) {
    await history.recordFailedShard({ sweepId: sweep.sweepId, index, count: sweep.shards }, errors, { abortSignal: signal });
  }
  return finish(history, sweep.sweepId, options, signal);
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
