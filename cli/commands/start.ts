/**
 * `npm start`: the main job on the embedded defaults. With Azure configured (FLEET_SCOPE or
 * FLEET_ARM_ENDPOINT) it sweeps Azure; otherwise it sweeps a simulated fleet served by the local ARM
 * simulator, and says so. Table storage is the embedded Azurite unless configured. After the sweep it
 * prints a readable fleet summary and the digest of the last 24 hours (stored, not sent);
 * `--serve` then keeps the local host running (API under /api, timers) over the same environment.
 */
import { apiBaseUrl, intSetting, setting, settingOrDefault } from "../../shared/core/config";
import { renderText, runDigestFromEnv } from "../../shared/digest";
import { azureConfigured, withEmbeddedTables } from "../../dev/embedded";
import { startArmSimulator, type ArmSimulator } from "../../dev/simulator";
import { firstItem, fleetHistoryOptionsFromEnv, openFleetHistory } from "../../shared/store";
import { runSweep, type SweepResult } from "../../shared/sweep";
import { sweepOptionsFromEnv } from "../../shared/sweep/from-env";
import { preferSmallHeap } from "../../shared/sweep/memory";
import { withRunDeadline } from "../../shared/core/deadline";
import { type CliIo, parseArgs, UsageError } from "../io";
import { assertPortFree, run as serve } from "./serve";

const DEFAULT_SIMULATED_CLUSTERS = 300;
/** Share of the simulated fleet that changes between two runs, so the timeline has something to show. */
const SIMULATED_CHURN = 0.02;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { options } = parseArgs(args, { switches: ["serve"], values: ["clusters"] });
  const clusters = options.clusters === undefined ? DEFAULT_SIMULATED_CLUSTERS : Number(options.clusters);
  if (!Number.isInteger(clusters) || clusters < 1 || clusters > 100_000)
    throw new UsageError(`--clusters must be a whole number from 1 to 100000, got "${options.clusters}"`);
  const simulate = !azureConfigured(io.env);
  // A busy port is found before the sweep, not after it (serve checks again when it listens).
  if (options.serve) await assertPortFree(intSetting("port", io.env));

  const tables = await withEmbeddedTables(io.env);
  let simulator: ArmSimulator | undefined;
  try {
    let env = tables.env;
    if (simulate) {
      simulator = await startArmSimulator({ fleet: { clusters, seed: 20261122 } });
      env = { ...env, FLEET_ARM_ENDPOINT: simulator.endpoint, FLEET_ARM_TOKEN: simulator.token };
      io.stdout(`No Azure scope configured (FLEET_SCOPE and FLEET_ARM_ENDPOINT are unset): using the embedded defaults.`);
      io.stdout(`ARM: the local ARM simulator at ${simulator.endpoint}, serving a simulated fleet of ${clusters} clusters (not Azure).`);
    } else {
      io.stdout(`Azure: ${settingOrDefault("armEndpoint", env)}, scope ${setting("scope", env) ?? "everything the identity can read"}`);
    }
    for (const note of tables.notes) io.stdout(note);

    const history = await openFleetHistory(fleetHistoryOptionsFromEnv(env));
    if (simulator) {
      // Each run after the first sees a slightly different fleet, as a real one would be.
      if (await firstItem(history.listSweeps()))
        io.stdout(`Simulated fleet: ${simulator.fleet.churn(SIMULATED_CHURN, Date.now() % 100_000)} components changed since the last run.`);
    }

    io.stdout("");
    io.stdout("Sweeping ...");
    preferSmallHeap();
    const result = await withRunDeadline(env, async (signal) =>
      runSweep(
        await sweepOptionsFromEnv(env, { history, signal, onProgress: (p) => io.stderr(`  [${String(p.armRequests).padStart(4)} ARM requests] ${p.message}`) }),
      ),
    );
    for (const line of formatSweep(result)) io.stdout(line);
    if (result.summary.nothingRead) return 1;

    io.stdout("");
    const digest = await runDigestFromEnv({ env, send: false });
    io.stdout(renderText(digest.stored.digest, { apiBaseUrl: apiBaseUrl(env) }));

    // Functions read their settings from process.env, as in Azure; the host and its timers too.
    if (options.serve) {
      Object.assign(process.env, env);
      return await serve([], { ...io, env });
    }
    io.stdout("");
    io.stdout(`Next: \`npm start -- --serve\` keeps the dashboard on http://127.0.0.1:${intSetting("port", env)}/ and the API running, with the timers;`);
    io.stdout('      `npx fleet-health classify "<error message>"` explains one error; see README.md.');
    return 0;
  } finally {
    await simulator?.stop();
    await tables.stop();
  }
}

/** The readable fleet summary: what a platform engineer looks at first. */
export function formatSweep({ summary, snapshot }: SweepResult): string[] {
  const kinds = { arc: 0, aks: 0 };
  const failingClusters = snapshot.clusters.filter((c) => c.state === "failing" || c.state === "degraded").length;
  const otherClusters = snapshot.clusters.filter((c) => c.state === "pending" || c.state === "unknown").length;
  for (const c of snapshot.clusters) kinds[c.kind]++;
  const lines = [
    "",
    `Fleet: ${summary.clusters} clusters (${kinds.arc} Arc, ${kinds.aks} AKS), ${summary.components} components, sweep ${summary.sweepId}`,
    `  Components by state: ${Object.entries(summary.byState)
      .map(([state, n]) => `${state} ${n}`)
      .join(" · ")}`,
    `  Clusters with a failing or degraded component: ${failingClusters}; pending or unknown: ${otherClusters}`,
    `  ${summary.transitions} component state changes recorded; ${summary.armRequests} ARM requests in ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  if (summary.partial) {
    lines.push(`  PARTIAL: ${summary.partialScopes.length} scopes could not be read; their clusters are unknown, not healthy:`);
    for (const p of summary.partialScopes.slice(0, 10)) lines.push(`    ${p.scope}: [${p.code}] ${p.message.slice(0, 160)}`);
  }
  const top = Object.entries(summary.byCatalogId).sort((a, b) => b[1] - a[1]);
  if (top.length) {
    lines.push("", "Failing or degraded components by catalog entry:");
    for (const [id, n] of top.slice(0, 12)) lines.push(`  ${String(n).padStart(5)}  ${id}`);
    if (top.length > 12) lines.push(`  ... and ${top.length - 12} more entries`);
  }
  return lines;
}
