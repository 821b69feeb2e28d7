import { apiBaseUrl } from "../../shared/core/config";
import { describeDelivery, parseDuration, renderText, runDigestFromEnv } from "../../shared/digest";
import { withEmbeddedTables } from "../../dev/embedded";
import { withRunDeadline } from "../../shared/core/deadline";
import { type CliIo, parseArgs, UsageError } from "../io";

/** `digest [--since DURATION] [--send]`: builds the digest of the window ending now, stores it, prints it, and with --send delivers it. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseArgs(args, { values: ["since"], switches: ["send"] });
  if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
  let since: number;
  try {
    since = parseDuration(typeof options.since === "string" ? options.since : "24h");
  } catch (err) {
    throw new UsageError(`--since: ${(err as Error).message}`);
  }
  const tables = await withEmbeddedTables(io.env);
  try {
    for (const note of tables.notes) io.stderr(note);
    const result = await withRunDeadline(tables.env, (abortSignal) =>
      runDigestFromEnv({ env: tables.env, since, send: options.send === true, log: (line) => io.stderr(line), abortSignal }),
    );
    io.stdout(renderText(result.stored.digest, { apiBaseUrl: apiBaseUrl(tables.env) }));
    if (options.send === true) {
      if (result.deliveries.length === 0)
        io.stdout("\nNo delivery target is configured (FLEET_DIGEST_TEAMS_URL, FLEET_DIGEST_SLACK_URL, FLEET_DIGEST_WEBHOOK_URL, FLEET_DIGEST_EMAIL_*).");
      else io.stdout(["", "Deliveries:", ...result.deliveries.map((d) => `  ${describeDelivery(d)}`)].join("\n"));
    }
    return result.deliveries.some((d) => d.result === "failed") ? 1 : 0;
  } finally {
    await tables.stop();
  }
}
