/**
 * One shard of a sharded sweep per queue message (docs/sharding.md). A failed invocation leaves the
 * message for the host to retry; after host.json's maxDequeueCount the host moves it to the poison
 * queue, whose trigger records the shard's scopes as partial so the sweep still completes.
 */
import { app, type InvocationContext } from "@azure/functions";
import type { ShardOutcome } from "../shared/sweep/sharded";
import { poisonQueueName, SHARD_QUEUE, type ShardMessage } from "../shared/sweep/shards";

async function open(context: InvocationContext) {
  const [{ parseShardMessage }, sharded, { sweepOptionsFromEnv }, { fleetHistoryOptionsFromEnv, openFleetHistory }, { shardTelemetry }, telemetry] =
    await Promise.all([
      import("../shared/sweep/shards"),
      import("../shared/sweep/sharded"),
      import("../shared/sweep/from-env"),
      import("../shared/store"),
      import("../shared/sweep/telemetry"),
      import("../shared/telemetry"),
    ]);
  await telemetry.startTelemetry();
  const history = await openFleetHistory(fleetHistoryOptionsFromEnv(process.env));
  /** Runs one shard's work with its telemetry, sent before the instance may be frozen. */
  const reported = async (message: ShardMessage, poisoned: boolean, work: () => Promise<ShardOutcome>): Promise<ShardOutcome> => {
    const finish = shardTelemetry(message, context.traceContext?.traceParent, poisoned);
    try {
      const outcome = await work();
      finish(outcome);
      return outcome;
    } catch (err) {
      finish(undefined, err);
      throw err;
    } finally {
      await telemetry.flushTelemetry();
    }
  };
  return {
    parseShardMessage,
    sharded,
    history,
    reported,
    options: () => sweepOptionsFromEnv(process.env, { history, onProgress: (p) => context.log(p.message) }),
  };
}

export async function sweepShardHandler(message: unknown, context: InvocationContext): Promise<void> {
  const { parseShardMessage, sharded, options, reported } = await open(context);
  const shard = parseShardMessage(message);
  const { result, failed, progress } = await reported(shard, false, async () => sharded.sweepShard(shard, await options()));
  context.log(
    `shard ${shard.index + 1}/${shard.count} of ${shard.sweepId}: ${result ? `${result.summary.clusters} clusters, ${result.summary.transitions} transitions` : `not recorded (${failed?.[0]?.code})`}; ${progress.recorded}/${progress.shards} shards recorded${progress.sweep ? ", sweep complete" : ""}`,
  );
}

export async function poisonedShardHandler(message: unknown, context: InvocationContext): Promise<void> {
  const { parseShardMessage, sharded, history, reported } = await open(context);
  const shard = parseShardMessage(message);
  const reason = `shard ${shard.index + 1}/${shard.count} failed on every delivery and was moved to ${poisonQueueName(SHARD_QUEUE)}; the sweep-shard function's failures carry the errors`;
  const errors = shard.subscriptions.map((s) => ({ scope: `/subscriptions/${s}`, code: "ShardFailed", message: reason }));
  const { progress } = await reported(shard, true, async () => ({
    progress: await sharded.failShard(shard, errors, history, undefined, (p) => context.log(p.message)),
  }));
  context.log(`${reason}; ${progress.recorded}/${progress.shards} shards recorded${progress.sweep ? ", sweep complete (partial)" : ""}`);
}

app.storageQueue("sweep-shard", { queueName: SHARD_QUEUE, connection: "AzureWebJobsStorage", handler: sweepShardHandler });
app.storageQueue("sweep-shard-poison", { queueName: poisonQueueName(SHARD_QUEUE), connection: "AzureWebJobsStorage", handler: poisonedShardHandler });
