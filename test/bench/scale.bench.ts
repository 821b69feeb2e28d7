/**
 * `npm run bench:scale`: sharded sweeps (docs/sharding.md), figures printed, nothing timed in a test.
 *
 * Part 1, the shared quota: the ARM simulator (its own process) serves a large fleet under Resource
 * Graph's real quota (15 queries per 5 s, one identity) with 50 ms latency; the planner counts and
 * splits it, and several worker processes sweep the shards at once. Then, in the same run, one process
 * sweeps the whole fleet (today's single invocation). Prints requests, 429s, wall time against the
 * quota floor and each worker's peak RSS. Persistence is left out here (the history keeps nothing).
 *
 * Part 2, the import: the first sweep of a fleet into a fresh Azurite, one invocation against shards
 * recorded by several worker processes (no quota: this part measures the store).
 *
 * Options: --clusters N (part 1, default 100000), --workers N (default 4), --shard N (clusters per
 * shard, default 4000), --import N (part 2 clusters, default 10000; 0 skips part 2), --no-single,
 * --no-sharded (part 1 with one side only, when a run must be split in time).
 */
import { fork } from "node:child_process";
import { Agent } from "node:https";
import { cpus, loadavg } from "node:os";
import { startAzurite } from "../../dev/azurite";
import { simulatorCa, startArmSimulatorProcess, type FleetSpec } from "../../dev/simulator";
import { staticTokenCredential } from "../../shared/azure/credentials";
import type { FleetSnapshot } from "../../shared/core/model";
import { collect, openFleetHistory } from "../../shared/store";
import type { FleetHistory, RecordSweepResult } from "../../shared/store/types";
import { runSweep, SweepOptions } from "../../shared/sweep";
import { preferSmallHeap } from "../../shared/sweep/memory";
import { planSweep, sweepShard } from "../../shared/sweep/sharded";
import type { ShardMessage } from "../../shared/sweep/shards";
import { benchEntry, option, rssMeter } from "./measure";

const QUOTA = { perWindow: 15, windowMs: 5000 };
const LATENCY_MS = 50;

/** Part 1 measures reading and judging; persistence is part 2's. */
const discardingHistory = {
  diffSnapshot: async () => [],
  recordSweep: async (snapshot: FleetSnapshot): Promise<RecordSweepResult> => ({
    sweep: { sweepId: snapshot.sweepId } as RecordSweepResult["sweep"],
    transitions: [],
  }),
  listSweeps: () => collectable([]),
  planShardedSweep: async () => undefined,
  finishShardedSweep: async (sweepId: string) => ({ sweepId, recorded: 0, shards: 0 }),
  shardPlanningState: async () => ({ inFlight: [], subscriptions: [] }),
} as unknown as FleetHistory;

function collectable<T>(items: T[]) {
  const it = (async function* () {
    yield* items;
  })();
  return Object.assign(it, {
    byPage: () =>
      (async function* () {
        yield items;
      })(),
  });
}

type Job = { endpoint: string; token: string; tables?: string; prefix?: string; messages?: ShardMessage[]; whole?: boolean };
type JobResult = { requests: number; wallMs: number; peakRssMb: number; clusters: number; shards: number; transitions: number };

function sweepOptions(job: Job, history: FleetHistory): SweepOptions {
  return {
    armEndpoint: job.endpoint,
    credential: staticTokenCredential(job.token),
    agent: new Agent({ ca: simulatorCa(), keepAlive: true, maxSockets: 32 }),
    history,
    quotaJitter: 0.2,
  };
}

/** A worker process: sweeps the shards it is given one after another (one message at a time, as host.json's batchSize 1 makes it), or the whole fleet. */
async function worker(job: Job): Promise<JobResult> {
  preferSmallHeap();
  const peak = rssMeter();
  const history = job.tables ? await openFleetHistory({ connectionString: job.tables, tablePrefix: job.prefix }) : discardingHistory;
  const options = sweepOptions(job, history);
  const started = Date.now();
  let requests = 0;
  let clusters = 0;
  let transitions = 0;
  if (job.whole) {
    const { summary } = await runSweep(options);
    ({ armRequests: requests, clusters, transitions } = summary);
  }
  for (const message of job.messages ?? []) {
    const { result } = await sweepShard(message, options);
    requests += result?.summary.armRequests ?? 0;
    clusters += result?.summary.clusters ?? 0;
    transitions += result?.summary.transitions ?? 0;
  }
  return { requests, wallMs: Date.now() - started, peakRssMb: peak(), clusters, shards: job.messages?.length ?? 0, transitions };
}

function runChild(job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ["--child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.once("message", (m: { result?: JobResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
    child.once("exit", (code) => code && reject(new Error(`worker exited with ${code}`)));
    child.send(job);
  });
}

/** Deals the shards out round-robin: each worker takes its next message when the last is done, like instances draining one queue. */
function deal(messages: ShardMessage[], workers: number): ShardMessage[][] {
  const hands: ShardMessage[][] = Array.from({ length: workers }, () => []);
  messages.forEach((m, i) => hands[i % workers].push(m));
  return hands.filter((h) => h.length);
}

async function plan(job: Job, history: FleetHistory, targetClusters: number): Promise<{ messages: ShardMessage[]; countRequests: number }> {
  const messages: ShardMessage[] = [];
  const planned = await planSweep({ ...sweepOptions(job, history), targetClusters, enqueue: async (m) => void messages.push(...m) });
  if (planned.mode !== "sharded") throw new Error("the fleet fit one shard; raise --clusters or lower --shard");
  return { messages, countRequests: planned.armRequests };
}

const row = (name: string, r: JobResult) =>
  `${name.padEnd(12)} ${String(r.shards).padStart(6)} ${String(r.clusters).padStart(8)} ${String(r.requests).padStart(9)} ${(r.wallMs / 1000).toFixed(1).padStart(9)} ${String(r.peakRssMb).padStart(14)}`;
const header = `${"process".padEnd(12)} ${"shards".padStart(6)} ${"clusters".padStart(8)} ${"requests".padStart(9)} ${"wall (s)".padStart(9)} ${"peak RSS (MB)".padStart(14)}`;

/** Half Arc, half AKS, 5 extensions and 2 Flux configurations each, about 400 clusters a subscription. */
function benchFleet(clusters: number, seed: number): Partial<FleetSpec> {
  return { clusters, arcRatio: 0.5, extensionsPerCluster: 5, fluxPerCluster: 2, subscriptions: Math.max(4, Math.round(clusters / 400)), seed };
}

async function quotaPart(clusters: number, workers: number, shardSize: number, single: boolean, sharded: boolean) {
  const fleet = benchFleet(clusters, 42);
  console.log(
    `part 1: ${clusters} clusters in ${fleet.subscriptions} subscriptions, quota ${QUOTA.perWindow}/${QUOTA.windowMs / 1000} s for one identity, latency ${LATENCY_MS} ms; ${workers} workers, ${shardSize} clusters per shard`,
  );
  const sim = await startArmSimulatorProcess({ fleet, latencyMs: LATENCY_MS, argQuota: QUOTA });
  try {
    const job = { endpoint: sim.endpoint, token: sim.token };
    const started = Date.now();
    let total = 0;
    if (sharded) {
      const { messages, countRequests } = await plan(job, discardingHistory, shardSize);
      const results = await Promise.all(deal(messages, workers).map((hand) => runChild({ ...job, messages: hand })));
      const wallMs = Date.now() - started;
      const stats = await sim.stats();
      const floorMs = (Math.ceil(stats.argQueries / QUOTA.perWindow) - 1) * QUOTA.windowMs;
      console.log(header);
      results.forEach((r, i) => console.log(row(`worker ${i + 1}`, r)));
      total = countRequests + results.reduce((n, r) => n + r.requests, 0);
      console.log(
        `sharded: ${messages.length} shards, ${total} requests (${countRequests} to count), ${stats.argQueries} Resource Graph queries served, ${stats.argThrottled} answered 429; wall ${(wallMs / 1000).toFixed(1)} s = ${(wallMs / floorMs).toFixed(2)}× the quota floor of ${(floorMs / 1000).toFixed(1)} s; peak RSS per worker ≤ ${Math.max(...results.map((r) => r.peakRssMb))} MB (target ≤ 256 MB)`,
      );
    }
    if (single) {
      const before = await sim.stats();
      const one = await runChild({ ...job, whole: true });
      const after = await sim.stats();
      const queries = after.argQueries - before.argQueries;
      const oneFloor = (Math.ceil(queries / QUOTA.perWindow) - 1) * QUOTA.windowMs;
      console.log(row("single", { ...one, shards: 1 }));
      console.log(
        `single invocation: ${one.requests} requests, ${queries} Resource Graph queries served, ${after.argThrottled - before.argThrottled} answered 429, wall ${(one.wallMs / 1000).toFixed(1)} s = ${(one.wallMs / oneFloor).toFixed(2)}× its floor${total ? `; sharded/single requests = ${(total / one.requests).toFixed(2)}` : ""}`,
      );
    }
  } finally {
    await sim.stop();
  }
}

async function importPart(clusters: number, workers: number, shardSize: number) {
  const fleet = benchFleet(clusters, 43);
  console.log(
    `\npart 2: first sweep of ${clusters} clusters into a fresh Azurite (no quota), one invocation vs ${workers} workers with ${shardSize} clusters per shard`,
  );
  const [sim, azurite] = await Promise.all([startArmSimulatorProcess({ fleet, argQuota: false }), startAzurite()]);
  try {
    const job = { endpoint: sim.endpoint, token: sim.token, tables: azurite.connectionString };
    const single = await runChild({ ...job, prefix: "single", whole: true });
    const history = await openFleetHistory({ connectionString: azurite.connectionString, tablePrefix: "sharded" });
    const started = Date.now();
    const { messages } = await plan(job, history, shardSize);
    const results = await Promise.all(deal(messages, workers).map((hand) => runChild({ ...job, prefix: "sharded", messages: hand })));
    const wallMs = Date.now() - started;
    const [sweep] = await collect(history.listSweeps());
    console.log(header);
    console.log(row("single", { ...single, shards: 1 }));
    results.forEach((r, i) => console.log(row(`worker ${i + 1}`, r)));
    console.log(
      `import: single ${(single.wallMs / 1000).toFixed(1)} s (${single.transitions} transitions); sharded ${(wallMs / 1000).toFixed(1)} s in ${messages.length} shards (${results.reduce((n, r) => n + r.transitions, 0)} transitions, sweep ${sweep?.sweepId === messages[0]?.sweepId ? "complete" : "NOT complete"}, ${sweep?.clusters ?? 0} clusters)`,
    );
  } finally {
    await Promise.all([sim.stop(), azurite.stop()]);
  }
}

async function main() {
  const workers = option("workers", 4)!;
  const shardSize = option("shard", 4000)!;
  const clusters = option("clusters", 100_000)!;
  const importClusters = option("import", 10_000)!;
  console.log(`bench:scale on ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}`);
  if (clusters > 0) await quotaPart(clusters, workers, shardSize, !process.argv.includes("--no-single"), !process.argv.includes("--no-sharded"));
  if (importClusters > 0) await importPart(importClusters, workers, shardSize);
  console.log(`\nload average at the end ${loadavg()[0].toFixed(1)}`);
}

benchEntry(worker, main);
