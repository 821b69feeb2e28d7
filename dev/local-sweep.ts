/**
 * A sweep run from the command line the way the Functions app runs it (docs/sharding.md): the
 * planner sweeps a fleet that fits one shard inline; a larger one goes on the shard queue, and the
 * local host's queue triggers (functions/sweep-shard.ts, loaded from package.json `main` with the
 * host's semantics from host.json) sweep the shards while this waits for the sweep to complete.
 * Without a queue service (`AzureWebJobsStorage` unset) every sweep is inline, as the timer's.
 */
import { intSetting, type Env } from "../shared/core/config";
import type { FleetHistory, ShardedSweepProgress, SweepRecord } from "../shared/store/types";
import { hostQueueConnection, openQueue, sendMessages } from "../shared/store/shard-queue";
import { runSweep, type SweepProgress, type SweepResult } from "../shared/sweep";
import { sweepOptionsFromEnv } from "../shared/sweep/from-env";
import { planSweep } from "../shared/sweep/sharded";
import { SHARD_QUEUE } from "../shared/sweep/shards";
import { readQueueSettings, startQueueTriggers } from "./host/queues";
import { loadApp, projectRoot } from "./host/registrations";

export type LocalSweep = { mode: "inline"; result: SweepResult } | { mode: "sharded"; sweep: SweepRecord; shards: number };

export interface LocalSweepOptions {
  /** The functions' settings; the shard workers read them from process.env, as in Azure, so the caller puts them there. */
  env: Env;
  history: FleetHistory;
  /** The run's deadline for reading (FLEET_RUN_DEADLINE); waiting for shards has its own bound. */
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** The local host's log lines (queue trigger invocations). */
  log?: (line: string) => void;
}

/** A sharded sweep did not complete within the bound. */
export class ShardedSweepIncompleteError extends Error {
  readonly code = "ShardedSweepIncomplete";
  constructor(
    readonly progress: ShardedSweepProgress,
    readonly waitedMs: number,
  ) {
    super(
      `sweep ${progress.sweepId}: ${progress.recorded} of ${progress.shards} shards recorded after ${Math.round(waitedMs / 1000)} s, the most this command waits; ` +
        `the rest stay on the queue ${SHARD_QUEUE} and are swept by the next \`npm start\` or \`fleet-health serve\` on this storage (see the shard errors above)`,
    );
    this.name = "ShardedSweepIncompleteError";
  }
}

export async function sweepLocally(options: LocalSweepOptions): Promise<LocalSweep> {
  const { env, history, signal, onProgress } = options;
  const sweepOptions = await sweepOptionsFromEnv(env, { history, signal, onProgress });
  const connection = hostQueueConnection(env);
  if (!connection) return { mode: "inline", result: await runSweep(sweepOptions) };
  const queue = openQueue(connection, SHARD_QUEUE);
  for (;;) {
    const planned = await planSweep({
      ...sweepOptions,
      targetClusters: intSetting("shardClusters", env),
      enqueue: (messages) => sendMessages(queue, messages, { abortSignal: signal }),
    });
    if (planned.mode === "inline") return planned;
    const sweepId = planned.mode === "sharded" ? planned.sweepId : planned.progress.sweepId;
    const shards = planned.mode === "sharded" ? planned.shards.length : planned.progress.shards;
    // One local host sweeps the shards one after another, each within the host's functionTimeout.
    const sweep = await withShardWorkers(options, (settings) => waitForShardedSweep(history, sweepId, { timeoutMs: shards * settings.holdMs, onProgress }));
    if (planned.mode === "sharded") return { mode: "sharded", sweep, shards };
    // A sweep an earlier run left in flight is now complete: plan this run's own sweep.
  }
}

/** Runs the app's queue triggers while `work` runs. */
async function withShardWorkers<T>(options: LocalSweepOptions, work: (settings: ReturnType<typeof readQueueSettings>) => Promise<T>): Promise<T> {
  const registrations = await loadApp();
  const settings = readQueueSettings(projectRoot());
  const runner = startQueueTriggers(registrations.queues, { env: options.env, settings, log: options.log });
  try {
    return await work(settings);
  } finally {
    await runner.stop();
  }
}

/**
 * Waits until every shard of the sweep is recorded and the sweep merged; throws
 * ShardedSweepIncompleteError after `timeoutMs`. Asks with `finishShardedSweep`, which merges a
 * complete sweep whose last worker died before merging (any caller may, any number of times).
 */
export async function waitForShardedSweep(
  history: FleetHistory,
  sweepId: string,
  options: { timeoutMs: number; pollMs?: number; onProgress?: (progress: SweepProgress) => void },
): Promise<SweepRecord> {
  const started = Date.now();
  let reported = -1;
  for (;;) {
    const progress = await history.finishShardedSweep(sweepId);
    if (progress.sweep) return progress.sweep;
    if (progress.recorded !== reported) {
      reported = progress.recorded;
      options.onProgress?.({ phase: "done", message: `sweep ${sweepId}: ${progress.recorded}/${progress.shards} shards recorded`, armRequests: 0 });
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw new ShardedSweepIncompleteError(progress, waited);
    await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 1000, options.timeoutMs - waited)));
  }
}
