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
import { sweepLocally } from "../../dev/local-sweep";
import { preferSmallHeap } from "../../shared/sweep/memory";
import { withRunDeadline } from "../../shared/core/deadline";
import { type CliIo, parseArgs, UsageError } from "../io";
import { assertPortFree, run as serve } from "./serve";
import { formatSummary, summaryOfResult, summaryOfShardedSweep } from "./start-summary";

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
    // Functions read their settings from process.env, as in Azure: the shard workers, and with --serve the host and its timers.
    Object.assign(process.env, env);
    const progress = (line: string) => io.stderr(line);
    const swept = await withRunDeadline(env, (signal) =>
      sweepLocally({ env, history, signal, log: progress, onProgress: (p) => progress(`  [${String(p.armRequests).padStart(4)} ARM requests] ${p.message}`) }),
    );
    const summary = swept.mode === "inline" ? summaryOfResult(swept.result) : await summaryOfShardedSweep(history, swept.sweep, swept.shards);
    for (const line of formatSummary(summary)) io.stdout(line);
    if (swept.mode === "inline" && swept.result.summary.nothingRead) return 1;

    io.stdout("");
    const digest = await runDigestFromEnv({ env, send: false });
    io.stdout(renderText(digest.stored.digest, { apiBaseUrl: apiBaseUrl(env) }));

    if (options.serve) {
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
