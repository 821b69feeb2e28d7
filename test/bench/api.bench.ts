/**
 * `npm run bench:api`: the API at 10,000 clusters and about 100,000 transitions in its own Azurite,
 * data built through the store. Measures p50/p95 of `/summary`, `/clusters?state=failing` and one
 * cluster's history over real HTTP against the local host, with a concurrent client, and compares the
 * first two with a baseline in the same run: answering from the store on every request (no read model).
 *
 * Options (environment): BENCH_CLUSTERS (10000), BENCH_SWEEPS (4), BENCH_REQUESTS (400 per route),
 * BENCH_CONCURRENCY (8), BENCH_AZURITE_DIR (keep the seeded Azurite there and reuse it next run:
 * seeding 10,000 clusters takes many minutes on a small machine), or BENCH_TABLES_CONNECTION with
 * BENCH_TABLE_PREFIX to measure a store that is already filled (nothing is written).
 */
import * as os from "node:os";
import * as path from "node:path";
import { buildFleetView } from "../../shared/api/fleet-view";
import { startAzurite } from "../../dev/azurite";
import { loadApp } from "../../dev/host/registrations";
import { startLocalHost } from "../../dev/host/server";
import { collect, firstItem, openFleetHistory } from "../../shared/store";
import type { ComponentRecord, FleetHistory } from "../../shared/store/types";
import { cluster, snapshot, BENCH_SUBSCRIPTIONS as SUBSCRIPTIONS, FLUX_FAIL, HELM_FAIL } from "../store/fixtures";

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 10_000);
const SWEEPS = Number(process.env.BENCH_SWEEPS ?? 4);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/**
 * Sweep s: with the "quiet" pattern flux fails on one cluster in five and monitoring on another one in
 * five; the "storm" pattern inverts both. Alternating them changes two components of every cluster per
 * sweep, so four sweeps make 40,000 first observations plus 3 x 20,000 changes: 100,000 transitions.
 * The first sweep is a storm so the last one is quiet (40% of clusters failing).
 */
function fleetAt(s: number) {
  const storm = s % 2 === 0;
  return Array.from({ length: CLUSTERS }, (_, i) =>
    cluster(
      `c${String(i).padStart(5, "0")}`,
      { flux: (i % 5 === 0) !== storm ? FLUX_FAIL : undefined, monitor: (i % 5 === 2) !== storm ? HELM_FAIL : undefined },
      { sub: SUBSCRIPTIONS[i % SUBSCRIPTIONS.length], kind: i % 5 === 4 ? "aks" : "arc" },
    ),
  );
}

async function seed(history: FleetHistory): Promise<{ transitions: number; seconds: number }> {
  const started = Date.now();
  let transitions = 0;
  for (let s = 0; s < SWEEPS; s++) {
    const t0 = Date.now();
    const result = await history.recordSweep(snapshot(fleetAt(s), { minute: s * 15, sweepId: `bench-${s}` }));
    transitions += result.transitions.length;
    console.log(
      `  sweep ${s + 1}/${SWEEPS}: ${result.transitions.length} transitions, ${result.sweep.tableOperations} table operations, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return { transitions, seconds: (Date.now() - started) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** CPU of this process (client and local host together) per call, by measurement. */
const cpuPerCall = new WeakMap<number[], number>();

/** `total` calls of `fn` from `concurrency` workers; latencies in ms, sorted. */
async function measure(total: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await fn(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  cpuPerCall.set(latencies, (cpu.user + cpu.system) / 1000 / total);
  return latencies;
}

const fmt = (sorted: number[]) =>
  `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms, CPU ${(cpuPerCall.get(sorted) ?? 0).toFixed(1)} ms/call (n=${sorted.length})`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

async function main() {
  console.log(
    `bench:api: ${CLUSTERS} clusters, ${SWEEPS} sweeps, ${REQUESTS} requests per route from ${CONCURRENCY} concurrent clients (Node ${process.version}, ${os.cpus().length} CPUs, load ${load()})`,
  );
  const dir = process.env.BENCH_AZURITE_DIR;
  const existing = process.env.BENCH_TABLES_CONNECTION;
  const azurite = existing ? { connectionString: existing, stop: async () => undefined } : await startAzurite(dir ? { location: path.resolve(dir) } : {});
  const prefix = existing ? (process.env.BENCH_TABLE_PREFIX ?? "fleet") : `benchapi${CLUSTERS}x${SWEEPS}`;
  const history = await openFleetHistory({ connectionString: azurite.connectionString, tablePrefix: prefix });
  try {
    const last = await firstItem(history.listSweeps());
    if (existing) {
      let transitions = 0;
      for await (const _ of history.listTransitions()) transitions++;
      console.log(`measuring the existing store (tables ${prefix}*, latest sweep ${last?.sweepId ?? "none"}, ${transitions} transitions); nothing is written`);
    } else if (last?.sweepId === `bench-${SWEEPS - 1}`) console.log(`reusing the fleet seeded earlier in ${dir} (tables ${prefix}*)`);
    else {
      console.log("seeding through the store:");
      const seeded = await seed(history);
      console.log(`seeded ${CLUSTERS} clusters, ${seeded.transitions} transitions in ${seeded.seconds.toFixed(0)} s`);
    }

    process.env.FLEET_TABLES_CONNECTION = azurite.connectionString;
    process.env.FLEET_TABLE_PREFIX = prefix;
    const registrations = await loadApp(path.resolve(__dirname, "../../functions/index.ts"), () => require("../../functions/index"));
    const host = await startLocalHost({ registrations, timers: false });
    const get = async (p: string) => {
      const res = await fetch(`${host.url}${p}`);
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    try {
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const summary = await get("/api/summary");
      const cold = performance.now() - t0;
      console.log(
        `first /summary (builds the read model): ${cold.toFixed(0)} ms; heap +${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(0)} MB`,
      );
      console.log(
        `  fleet: ${summary.clusters.total} clusters (${summary.clusters.byState.failing} failing), ${summary.components.total} components, ${summary.failures.open} open failures`,
      );
      const failing = await get("/api/clusters?state=failing");

      const results: Record<string, number[]> = {};
      results["/summary"] = await measure(REQUESTS, CONCURRENCY, async () => void (await get("/api/summary")));
      results["/clusters?state=failing"] = await measure(REQUESTS, CONCURRENCY, async () => void (await get("/api/clusters?state=failing")));
      results["/clusters?state=failing, pages 1-5 by token"] = await measure(Math.ceil(REQUESTS / 5), CONCURRENCY, async () => {
        let token: string | undefined;
        for (let page = 0; page < 5; page++) token = (await get(`/api/clusters?state=failing${token ? `&continuationToken=${token}` : ""}`)).continuationToken;
      });
      results["one cluster's history"] = await measure(
        REQUESTS,
        CONCURRENCY,
        async (i) => void (await get(`${failing.items[i % failing.items.length].href}/history`)),
      );
      results["one cluster"] = await measure(REQUESTS, CONCURRENCY, async (i) => void (await get(failing.items[i % failing.items.length].href)));

      // Baseline: the same answers computed from the store on every request.
      const baselineRuns = Math.max(3, Math.ceil(REQUESTS / 40));
      const latest = await firstItem(history.listSweeps());
      results["baseline /summary (scan per request)"] = await measure(baselineRuns, 1, async () => {
        const records = await collect<ComponentRecord>(history.listComponents());
        buildFleetView(records, latest, await history.lastCompleteSweep());
      });
      results["baseline state=failing (open index per request)"] = await measure(baselineRuns, CONCURRENCY, async () => {
        const failingIds = new Set((await collect(history.listComponents({ state: "failing" }))).map((c) => c.clusterId));
        void [...failingIds].sort().slice(0, 100);
      });

      console.log(`\nresults (HTTP through the local host, warm read model; load average ${load()}; CPU is this process, client and host together):`);
      for (const [name, sorted] of Object.entries(results)) console.log(`  ${name.padEnd(50)} ${fmt(sorted)}`);
      const p95 = (name: string) => percentile(results[name], 95);
      console.log(
        `\ntarget p95 < 100 ms: /summary ${p95("/summary") < 100 ? "met" : "MISSED"}, /clusters?state=failing ${p95("/clusters?state=failing") < 100 ? "met" : "MISSED"}`,
      );
      console.log(
        `speed-up over the baseline at p50: /summary x${(percentile(results["baseline /summary (scan per request)"], 50) / percentile(results["/summary"], 50)).toFixed(0)}, state=failing x${(percentile(results["baseline state=failing (open index per request)"], 50) / percentile(results["/clusters?state=failing"], 50)).toFixed(0)}`,
      );
    } finally {
      await host.stop();
    }
  } finally {
    await azurite.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
