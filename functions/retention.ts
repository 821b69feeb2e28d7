/** The retention timer: deletes history older than FLEET_RETENTION_DAYS; open failures are always kept. */
import { app, type InvocationContext } from "@azure/functions";

export async function retentionTimer(_timer: unknown, context: InvocationContext): Promise<void> {
  const { fleetHistoryOptionsFromEnv, openFleetHistory } = await import("../shared/store");
  const history = await openFleetHistory(fleetHistoryOptionsFromEnv(process.env));
  context.log(`retention: ${await history.applyRetention()} entities older than the retention deleted`);
}

app.timer("retention", { schedule: "%FLEET_RETENTION_SCHEDULE%", handler: retentionTimer });
