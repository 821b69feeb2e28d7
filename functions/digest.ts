/** The digest timer: the schedule period that just ended, stored and delivered to every configured target. */
import { app, type InvocationContext, type Timer } from "@azure/functions";

export async function digestTimer(timer: Timer, context: InvocationContext): Promise<void> {
  const [{ describeDelivery, runScheduledDigest }, { flushTelemetry, recordDigestDelivery, startTelemetry }, { withRunDeadline }] = await Promise.all([
    import("../shared/digest"),
    import("../shared/telemetry"),
    import("../shared/core/deadline"),
  ]);
  await startTelemetry();
  // FLEET_RUN_DEADLINE: deliveries still pending then fail, are stored so, and the next run retries them.
  const result = await withRunDeadline(process.env, (abortSignal) => runScheduledDigest({ env: process.env, log: (line) => context.log(line), abortSignal }));
  for (const d of result.deliveries) {
    context.log(describeDelivery(d));
    recordDigestDelivery(d.target, d.result);
  }
  await flushTelemetry();
  const failed = result.deliveries.filter((d) => d.result === "failed");
  // A failed delivery is stored and retried by the next run; the error makes it visible in the Functions monitor too.
  if (failed.length > 0)
    throw new Error(`digest ${result.stored.id}: ${failed.map(describeDelivery).join("; ")}${timer.isPastDue ? " (run was past due)" : ""}`);
}

app.timer("digest", { schedule: "%FLEET_DIGEST_SCHEDULE%", handler: digestTimer });
