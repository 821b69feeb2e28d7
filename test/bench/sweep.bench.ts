/**
 * `npm run bench:sweep`: the collector against the ARM simulator (its own child process) at fleet
 * scale, under Resource Graph's real quota (15 queries per 5 s) and 50 ms latency per request, and in
 * the same run a naive per-cluster baseline (list extensions and Flux configurations of every cluster
 * with the SDK, under ARM's read limits). Each side runs in its own child process so its peak RSS is
 * its own. Prints requests, wall time and peak RSS of both, the floor the quota imposes, and the targets.
 *
 * Options: --clusters N (default 10000), --baseline-sample N (clusters the baseline reads; default all,
 * the figures are then extrapolated and labelled so), --concurrency N (baseline requests in flight, default 32),
 * --rounding up,down,nearest (how the simulator rounds x-ms-user-quota-resets-after; default each in turn,
 * one collector run per mode, with its count of 429s), --no-baseline (collector runs only).
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { cpus, loadavg } from "node:os";
import { staticTokenCredential } from "../../shared/azure/credentials";
import { ConfigurationReader } from "../../shared/azure/kubernetes-configuration";
import { parseClusterId } from "../../shared/core/ids";
import { RequestCounter } from "../../shared/azure/connection";
import { simulatorCa, startArmSimulatorProcess, SimulatedFleet, type FleetSpec } from "../../dev/simulator";
import { RESET_ROUNDINGS, type ResetRounding } from "../../dev/simulator/limits";
import { runSweep } from "../../shared/sweep";
import { preferSmallHeap } from "../../shared/sweep/memory";
import type { FleetHistory, RecordSweepResult } from "../../shared/store/types";
import type { FleetSnapshot } from "../../shared/core/model";
import { benchEntry, option, rssMeter } from "./measure";

const QUOTA = { perWindow: 15, windowMs: 5000 };
const LATENCY_MS = 50;
const ARM_READ_LIMIT = { size: 250, refillPerSecond: 25 };

interface SideResult {
  requests: number;
  wallMs: number;
  peakRssMb: number;
  detail: Record<string, number | string | boolean>;
}

type Job = { side: "collector" | "baseline"; endpoint: string; token: string; fleet: Partial<FleetSpec>; sample?: number; concurrency: number };

const cpuSeconds = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1e5) / 10;

/** CPU seconds a process has used (Linux /proc), to tell the collector's cost from the simulator's. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function connection(job: Job) {
  return { endpoint: job.endpoint, credential: staticTokenCredential(job.token), agent: new Agent({ ca: simulatorCa(), keepAlive: true, maxSockets: 64 }) };
}

/** The collector measured alone: persistence is the store's benchmark, so the history here keeps nothing. */
const discardingHistory = {
  diffSnapshot: async () => [],
  recordSweep: async (snapshot: FleetSnapshot): Promise<RecordSweepResult> => ({
    sweep: { sweepId: snapshot.sweepId } as RecordSweepResult["sweep"],
    transitions: [],
  }),
} as unknown as FleetHistory;

async function collectorSide(job: Job): Promise<SideResult> {
  preferSmallHeap(); // as the sweep command and the timer function do
  const peak = rssMeter();
  const started = Date.now();
  const cpu = process.cpuUsage();
  const { summary } = await runSweep({ ...connection(job), armEndpoint: job.endpoint, history: discardingHistory });
  const wallMs = Date.now() - started;
  return {
    requests: summary.armRequests,
    wallMs,
    peakRssMb: peak(),
    detail: {
      clusters: summary.clusters,
      components: summary.components,
      failing: summary.failing,
      partial: summary.partial,
      cpuSeconds: cpuSeconds(process.cpuUsage(cpu)),
    },
  };
}

async function baselineSide(job: Job): Promise<SideResult> {
  const peak = rssMeter();
  const fleet = new SimulatedFleet(job.fleet); // the same deterministic fleet, for its cluster ids
  const clusters = fleet.clusters.slice(0, job.sample ?? fleet.clusters.length).map((c) => parseClusterId(c.id));
  const counter = new RequestCounter();
  const reader = new ConfigurationReader({ ...connection(job), counter, readBucket: ARM_READ_LIMIT });
  const started = Date.now();
  let next = 0;
  let items = 0;
  const worker = async () => {
    while (next < clusters.length) {
      const cluster = clusters[next++];
      const [extensions, flux] = await Promise.all([reader.list(cluster, "extensions"), reader.list(cluster, "fluxConfigurations")]);
      items += extensions.length + flux.length;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  return { requests: counter.count, wallMs: Date.now() - started, peakRssMb: peak(), detail: { clusters: clusters.length, items } };
}

function runChild(job: Job): Promise<SideResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ["--child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.once("message", (m: { result?: SideResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
    child.once("exit", (code) => code && reject(new Error(`${job.side} exited with ${code}`)));
    child.send(job);
  });
}

/** One collector run against a fresh simulator whose resets-after is rounded as given. */
async function collectorRun(rounding: ResetRounding, fleet: Partial<FleetSpec>, concurrency: number) {
  const sim = await startArmSimulatorProcess({
    fleet,
    latencyMs: LATENCY_MS,
    argQuota: { ...QUOTA, rounding },
    armReadBucket: ARM_READ_LIMIT,
    armPageSize: 100,
  });
  const simCpuBefore = processCpuSeconds(sim.pid);
  const result = await runChild({ endpoint: sim.endpoint, token: sim.token, fleet, concurrency, side: "collector" });
  const simCpu = simCpuBefore === undefined ? undefined : Math.round((processCpuSeconds(sim.pid)! - simCpuBefore) * 10) / 10;
  const stats = await sim.stats();
  return { rounding, result, stats, simCpu, sim };
}

async function main() {
  const clusters = option("clusters", 10_000)!;
  const sample = option("baseline-sample");
  const concurrency = option("concurrency", 32)!;
  const roundingArg = process.argv[process.argv.indexOf("--rounding") + 1];
  const roundings = process.argv.includes("--rounding") ? (roundingArg.split(",") as ResetRounding[]) : [...RESET_ROUNDINGS];
  const fleet: Partial<FleetSpec> = { clusters, arcRatio: 0.5, extensionsPerCluster: 5, fluxPerCluster: 2, seed: 42 };
  console.log(
    `bench:sweep: ${clusters} clusters (half Arc, half AKS, 5 extensions and 2 Flux configurations each), quota ${QUOTA.perWindow}/${QUOTA.windowMs / 1000} s with resets-after rounded ${roundings.join(" / ")}, latency ${LATENCY_MS} ms, ARM reads ${ARM_READ_LIMIT.size} burst + ${ARM_READ_LIMIT.refillPerSecond}/s per subscription`,
  );
  const runs = [];
  for (const rounding of roundings) {
    const run = await collectorRun(rounding, fleet, concurrency);
    runs.push(run);
    if (rounding !== roundings.at(-1)) await run.sim.stop();
  }
  const last = runs.at(-1)!.sim;
  try {
    const baseline = process.argv.includes("--no-baseline")
      ? undefined
      : await runChild({ endpoint: last.endpoint, token: last.token, fleet, concurrency, side: "baseline", sample });
    const scale = sample && sample < clusters ? clusters / sample : 1;
    const baselineRequests = Math.round((baseline?.requests ?? NaN) * scale);
    // Per subscription the bucket allows 250 + 25/s; the baseline's own concurrency bounds it otherwise.
    const baselineMs = Math.round((baseline?.wallMs ?? NaN) * scale);
    const label = scale > 1 ? ` (measured on ${sample} clusters, extrapolated ×${scale.toFixed(1)})` : "";
    const row = (name: string, r: { requests: number; wallMs: number; peakRssMb: number }, extra = "") =>
      `${name.padEnd(18)} ${String(r.requests).padStart(9)} ${(r.wallMs / 1000).toFixed(1).padStart(10)} ${r.peakRssMb.toFixed(1).padStart(13)}${extra}`;
    const floorOf = (pages: number) => (Math.ceil(pages / QUOTA.perWindow) - 1) * QUOTA.windowMs;
    console.log("");
    console.log(
      `${"side".padEnd(18)} ${"requests".padStart(9)} ${"wall (s)".padStart(10)} ${"peak RSS (MB)".padStart(13)} ${"ARG 429s".padStart(12)} ${"wall/floor".padStart(10)}`,
    );
    for (const { rounding, result, stats } of runs) {
      const sent = stats.argQueries + stats.argThrottled;
      console.log(
        row(
          `collector (${rounding})`,
          result,
          ` ${`${stats.argThrottled}/${sent}`.padStart(12)} ${(result.wallMs / floorOf(stats.argQueries)).toFixed(2).padStart(10)}`,
        ),
      );
    }
    if (baseline) console.log(row("baseline", { requests: baselineRequests, wallMs: baselineMs, peakRssMb: baseline.peakRssMb }) + label);
    console.log("");
    for (const { rounding, result, stats, simCpu } of runs) {
      console.log(
        `collector (${rounding}): ${JSON.stringify(result.detail)}; Resource Graph pages ${stats.argQueries}, throttled ${stats.argThrottled}, ARM reads ${stats.armReads}; simulator CPU meanwhile ${simCpu ?? "?"} s`,
      );
    }
    console.log(
      `${baseline ? `baseline: ${JSON.stringify(baseline.detail)}, concurrency ${concurrency}; ` : ""}load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`,
    );
    const pages = runs[0].stats.argQueries;
    console.log(
      `quota floor for ${pages} pages: (ceil(${pages}/${QUOTA.perWindow}) - 1) × ${QUOTA.windowMs / 1000} s = ${(floorOf(pages) / 1000).toFixed(1)} s`,
    );
    const checks: Array<readonly [string, boolean]> = [];
    for (const { rounding, result, stats } of runs) {
      const sent = stats.argQueries + stats.argThrottled;
      const ratio = baselineRequests / result.requests;
      const floorMs = floorOf(stats.argQueries);
      checks.push(
        [
          `(${rounding}) 429s: ${stats.argThrottled} of ${sent} Resource Graph requests = ${((100 * stats.argThrottled) / sent).toFixed(1)}% (target ≤ 5%)`,
          stats.argThrottled <= 0.05 * sent,
        ],
        ...(baseline ? [[`(${rounding}) requests: baseline/collector = ${ratio.toFixed(0)}× (target ≥ 200×)`, ratio >= 200] as const] : []),
        [
          `(${rounding}) wall time: ${(result.wallMs / 1000).toFixed(1)} s = ${(result.wallMs / floorMs).toFixed(2)}× the quota floor (target ≤ 1.25×)`,
          result.wallMs <= 1.25 * floorMs,
        ],
        [`(${rounding}) peak RSS: ${result.peakRssMb.toFixed(1)} MB (target < 256 MB)`, result.peakRssMb < 256],
      );
    }
    for (const [text, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"} ${text}`);
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await last.stop();
  }
}

benchEntry((job: Job) => (job.side === "collector" ? collectorSide(job) : baselineSide(job)), main);
