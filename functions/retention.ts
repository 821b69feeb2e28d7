/** The retention timer: deletes history older than FLEET_RETENTION_DAYS; open failures are always kept. */
import { app, type InvocationContext } from "@azure/functions";

export async function retentionTimer(_timer: unknown, context: InvocationContext): Promise<void> {
  const [{ fleetHistoryOptionsFromEnv, openFleetHistory }, { withRunDeadline }] = await Promise.all([import("../shared/store"), import("../shared/core/deadline")]);
  const history = await openFleetHistory(fleetHistoryOptionsFromEnv(process.env));
  // FLEET_RUN_DEADLINE: the store's applyRetention takes no abortSignal yet (the store change adding
  // `abortSignal` options lands separately); once it does, pass this deadline's signal to it.
  const deleted = await withRunDeadline(process.env, () => history.applyRetention());
  context.log(`retention: ${deleted} entities older than the retention deleted`);
}

app.timer("retention", { schedule: "%FLEET_RETENTION_SCHEDULE%", handler: retentionTimer });
