/** The retention timer: deletes history older than FLEET_RETENTION_DAYS; open failures are always kept. */
import { app, type InvocationContext } from "@azure/functions";

export async function retentionTimer(_timer: unknown, context: InvocationContext): Promise<void> {
  const [{ fleetHistoryOptionsFromEnv, openFleetHistory }, { openOperationsStore }, { applyOperationsRetention }, { withRunDeadline }] = await Promise.all([
    import("../shared/store"),
    import("../shared/store/operations"),
    import("../shared/operate"),
    import("../shared/core/deadline"),
  ]);
  const options = fleetHistoryOptionsFromEnv(process.env);
  const history = await openFleetHistory(options);
  // FLEET_RUN_DEADLINE: deletions stop at the deadline; what is left is deleted by the next run.
  await withRunDeadline(process.env, async (abortSignal) => {
    context.log(`retention: ${await history.applyRetention({ abortSignal })} entities older than the retention deleted`);
    // Expired silences, acknowledgements of resolved failures, notes and audit entries: the same rule.
    const operations = await applyOperationsRetention(await openOperationsStore(options), history, { days: options.retentionDays ?? 400 });
    context.log(`retention: ${operations} operator records and audit entries older than the retention deleted`);
  });
}

app.timer("retention", { schedule: "%FLEET_RETENTION_SCHEDULE%", handler: retentionTimer });
