/**
 * `fleet-health sweep [--json]`: one collection sweep over FLEET_SCOPE, written to Table storage.
 * Progress goes to stderr; with --json the last stdout line is the contract's summary object.
 * Exit 0 when the sweep completed (even if partial), 1 when nothing could be read.
 */
import { fleetHistoryOptionsFromEnv, openFleetHistory } from "../../shared/store";
import { withEmbeddedTables } from "../../dev/embedded";
import { runSweep, SweepSummary } from "../../shared/sweep";
import { sweepOptionsFromEnv } from "../../shared/sweep/from-env";
import { preferSmallHeap } from "../../shared/sweep/memory";
import { withRunDeadline } from "../../shared/core/deadline";
import { CliIo, parseArgs, UsageError } from "../io";

export async function run(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseArgs(args, { switches: ["json"] });
  if (positional.length) throw new UsageError(`sweep takes no arguments, got "${positional[0]}"`);
  preferSmallHeap();
  const tables = await withEmbeddedTables(io.env);
  try {
    for (const note of tables.notes) io.stderr(note);
    const history = await openFleetHistory(fleetHistoryOptionsFromEnv(tables.env));
    const { summary } = await withRunDeadline(tables.env, async (signal) =>
      runSweep(await sweepOptionsFromEnv(tables.env, { history, signal, onProgress: (p) => io.stderr(`sweep ${p.message}`) })),
    );
    for (const line of describe(summary)) (options.json ? io.stderr : io.stdout)(line);
    if (options.json) io.stdout(JSON.stringify(contractSummary(summary)));
    return summary.nothingRead ? 1 : 0;
  } finally {
    await tables.stop();
  }
}

/** Exactly the fields CONTRACT.md names for `sweep --json`. */
export function contractSummary(s: SweepSummary) {
  return {
    clusters: s.clusters,
    components: s.components,
    failing: s.failing,
    partial: s.partial,
    armRequests: s.armRequests,
    durationMs: s.durationMs,
    byCatalogId: s.byCatalogId,
  };
}

export function describe(s: SweepSummary): string[] {
  const states = Object.entries(s.byState)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
  const top = Object.entries(s.byCatalogId)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10);
  return [
    `sweep ${s.sweepId}: ${s.clusters} clusters, ${s.components} components (${states || "none"}), ${s.armRequests} ARM requests, ${(s.durationMs / 1000).toFixed(1)} s`,
    ...(s.nothingRead ? ["nothing could be read: see the errors below"] : []),
    ...s.partialScopes.map((p) => `partial: ${p.scope}: [${p.code}] ${p.message}`),
    ...(s.confirmation.read
      ? [`confirmed ${s.confirmation.read} changed resources with ARM reads (${s.confirmation.corrected} differed from Resource Graph)`]
      : []),
    ...top.map(([id, n]) => `  ${String(n).padStart(5)}  ${id}`),
  ];
}
