/**
 * The sweep timer: one collection sweep over FLEET_SCOPE into the history, inline; a fleet larger than
 * FLEET_SHARD_CLUSTERS is planned in shards for functions/sweep-shard.ts instead (docs/sharding.md).
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { SHARD_QUEUE } from "../shared/sweep/shards";

export async function sweepTimer(timer: Timer, context: InvocationContext): Promise<void> {
  // The worker's heap flags come from the languageWorkers__node__arguments app setting (shared/sweep/memory.ts).
  const [{ planSweep }, { sweepOptionsFromEnv }, { fleetHistoryOptionsFromEnv, openFleetHistory }, queues, { intSetting }] = await Promise.all([
    import("../shared/sweep/sharded"),
    import("../shared/sweep/from-env"),
    import("../shared/store"),
    import("../shared/store/shard-queue"),
    import("../shared/core/config"),
  ]);
  const history = await openFleetHistory(fleetHistoryOptionsFromEnv(process.env));
  const connection = queues.hostQueueConnection(process.env);
  const enqueue = connection && ((messages: unknown[]) => queues.sendMessages(queues.openQueue(connection, SHARD_QUEUE), messages));
  const options = await sweepOptionsFromEnv(process.env, { history, onProgress: (p) => context.log(p.message) });
  const planned = await planSweep({ ...options, targetClusters: intSetting("shardClusters", process.env), enqueue });
  if (planned.mode === "sharded") return;
  const { summary } = planned.result;
  // Nothing read at all is a failed run, visible in the Functions monitor; a partial sweep is a result.
  if (summary.nothingRead) throw new Error(`sweep ${summary.sweepId} read nothing: ${summary.partialScopes.map((p) => `${p.scope} [${p.code}]`).join("; ")}${timer.isPastDue ? " (run was past due)" : ""}`);
}

app.timer("sweep", { schedule: "%FLEET_SWEEP_SCHEDULE%", handler: sweepTimer });
