/**
 * Simulator figures at fleet scale: `node --expose-gc --require tsx/cjs test/simulator/simulator.bench.ts [clusters]`.
 * Prints the memory of the compact fleet against a baseline in the same run (the same fleet's ARM
 * documents materialized, which is what a naive simulator would keep), and the time to page the
 * whole fleet through the real Resource Graph client.
 */
import { readFile } from "node:fs/promises";
import { SimulatedFleet, startArmSimulatorProcess } from "../../dev/simulator";
import { armDocument } from "../../dev/simulator/render";
import { CLUSTERS_QUERY, CONFIG_QUERY, graphClient, queryAll } from "./clients";

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function main(clusters: number): Promise<void> {
  if (!gc) console.log("(run with --expose-gc for stable heap figures)");
  const base = heapMb();
  let started = performance.now();
  const fleet = new SimulatedFleet({ clusters });
  const buildMs = performance.now() - started;
  fleet.get(fleet.clusters[0].id);
  const compact = heapMb() - base;
  const { components } = fleet.summary();

  const ctx = { now: Date.now(), malformed: new Map() };
  const materialized = [...fleet.components()].map((ref) => armDocument(ref, ctx));
  const naive = heapMb() - base - compact;
  console.log(`fleet: ${clusters} clusters, ${components} components, built in ${buildMs.toFixed(0)} ms`);
  console.log(`heap, compact fleet (with id index): ${compact.toFixed(1)} MB (${((compact * 2 ** 20) / components).toFixed(0)} B per component)`);
  console.log(`heap, baseline (ARM documents materialized): ${naive.toFixed(1)} MB (${(naive / compact).toFixed(1)}x)`);
  materialized.length = 0;

  // In a child process, so its resident memory is the simulator's alone.
  const sim = await startArmSimulatorProcess({ fleet: { clusters }, argQuota: false });
  try {
    const client = graphClient(sim);
    for (const [name, query] of [
      ["clusters", CLUSTERS_QUERY],
      ["extensions+flux+sourceControl", CONFIG_QUERY],
    ] as const) {
      started = performance.now();
      const { rows, pages } = await queryAll(client, { query, options: { top: 1000, resultFormat: "objectArray" } });
      console.log(`ARG ${name}: ${rows.length} rows in ${pages.length} pages, ${(performance.now() - started).toFixed(0)} ms through the SDK over HTTPS`);
    }
    const status = await readFile(`/proc/${sim.pid}/status`, "utf8").catch(() => "");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    console.log(`simulator process RSS after paging everything: ${rss ? `${(Number(rss) / 1024).toFixed(0)} MB` : "n/a (no /proc)"}`);
  } finally {
    await sim.stop();
  }
}

main(Number(process.argv[2] ?? 10_000)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
