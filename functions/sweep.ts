/** The sweep timer: one collection sweep over FLEET_SCOPE into the history. */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import type { SweepResult } from "../shared/sweep";

export async function sweepTimer(timer: Timer, context: InvocationContext): Promise<void> {
  // The worker's heap flags come from the languageWorkers__node__arguments app setting (shared/sweep/memory.ts).
  const [{ runSweep }, { sweepOptionsFromEnv }, { fleetHistoryOptionsFromEnv, openFleetHistory }, { sweepTelemetry }, { flushTelemetry, startTelemetry }, { withRunDeadline }] = await Promise.all([
    import("../shared/sweep"),
    import("../shared/sweep/from-env"),
    import("../shared/store"),
    import("../shared/sweep/telemetry"),
    import("../shared/telemetry"),
    import("../shared/core/deadline"),
  ]);
  await startTelemetry();
  const telemetry = sweepTelemetry(context.traceContext?.traceParent);
  let result: SweepResult;
  try {
    const history = await openFleetHistory(fleetHistoryOptionsFromEnv(process.env));
    // FLEET_RUN_DEADLINE: stop reading in time to record a partial sweep before the host's functionTimeout.
    result = await withRunDeadline(process.env, async (signal) =>
      runSweep(await sweepOptionsFromEnv(process.env, { history, signal, onProgress: (p) => (context.log(p.message), telemetry.onProgress(p)) })),
    );
  } catch (err) {
    telemetry.finish(undefined, err);
    await flushTelemetry();
    throw err;
  }
  telemetry.finish(result);
  // The instance may be frozen before the next periodic export: send this sweep's telemetry now.
  await flushTelemetry();
  const { summary } = result;
  // Nothing read at all is a failed run, visible in the Functions monitor; a partial sweep is a result.
  if (summary.nothingRead) throw new Error(`sweep ${summary.sweepId} read nothing: ${summary.partialScopes.map((p) => `${p.scope} [${p.code}]`).join("; ")}${timer.isPastDue ? " (run was past due)" : ""}`);
}

app.timer("sweep", { schedule: "%FLEET_SWEEP_SCHEDULE%", handler: sweepTimer });
