/**
 * The sweep timer: one collection sweep over FLEET_SCOPE into the history, inline; a fleet larger than
 * FLEET_SHARD_CLUSTERS is planned in shards for functions/sweep-shard.ts instead (docs/sharding.md).
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import type { PlannedSweep } from "../shared/sweep/sharded";
import { SHARD_QUEUE } from "../shared/sweep/shards";

export async function sweepTimer(timer: Timer, context: InvocationContext): Promise<void> {
  // The worker's heap flags come from the languageWorkers__node__arguments app setting (shared/sweep/memory.ts).
  const [
    { planSweep },
    { sweepOptionsFromEnv },
    { fleetHistoryOptionsFromEnv, openFleetHistory },
    queues,
    { intSetting },
    { sweepTelemetry },
    { flushTelemetry, startTelemetry },
    { withRunDeadline },
  ] = await Promise.all([
    import("../shared/sweep/sharded"),
    import("../shared/sweep/from-env"),
    import("../shared/store"),
    import("../shared/store/shard-queue"),
    import("../shared/core/config"),
    import("../shared/sweep/telemetry"),
    import("../shared/telemetry"),
    import("../shared/core/deadline"),
  ]);
  await startTelemetry();
  const telemetry = sweepTelemetry(context.traceContext?.traceParent);
  let planned: PlannedSweep;
  try {
    const history = await openFleetHistory(fleetHistoryOptionsFromEnv(process.env));
    const connection = queues.hostQueueConnection(process.env);
    const enqueue = connection && ((messages: unknown[]) => queues.sendMessages(queues.openQueue(connection, SHARD_QUEUE), messages));
    // FLEET_RUN_DEADLINE: stop reading in time to record a partial sweep before the host's functionTimeout.
    planned = await withRunDeadline(process.env, async (signal) =>
      planSweep({
        ...(await sweepOptionsFromEnv(process.env, { history, signal, onProgress: (p) => (context.log(p.message), telemetry.onProgress(p)) })),
        targetClusters: intSetting("shardClusters", process.env),
        enqueue,
      }),
    );
  } catch (err) {
    telemetry.finish(undefined, err);
    await flushTelemetry();
    throw err;
  }
  // A sharded sweep is reported by its workers; a busy run (a sharded sweep still in flight) records nothing (docs/sharding.md).
  if (planned.mode !== "inline") {
    telemetry.planned(planned);
    await flushTelemetry();
    return;
  }
  telemetry.finish(planned.result);
  // The instance may be frozen before the next periodic export: send this sweep's telemetry now.
  await flushTelemetry();
  const { summary } = planned.result;
  // Nothing read at all is a failed run, visible in the Functions monitor; a partial sweep is a result.
  if (summary.nothingRead)
    throw new Error(
      `sweep ${summary.sweepId} read nothing: ${summary.partialScopes.map((p) => `${p.scope} [${p.code}]`).join("; ")}${timer.isPastDue ? " (run was past due)" : ""}`,
    );
}

app.timer("sweep", { schedule: "%FLEET_SWEEP_SCHEDULE%", handler: sweepTimer });
