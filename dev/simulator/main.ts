#!/usr/bin/env node
/**
 * Runs the ARM simulator on its own: `node dist/dev/simulator/main.js --clusters 500`.
 * With `--ipc` it takes its options from the parent process instead (startArmSimulatorProcess).
 */
import { parseArgs } from "node:util";
import { simulatorCaPath, startArmSimulator, type ArmSimulator } from "./index";
import type { FaultSpec, SimulatorOptions } from "./types";

const USAGE =
  "usage: main.js [--clusters N] [--seed N] [--arc-ratio 0..1] [--failure-rate 0..1] [--subscriptions N] [--port N] [--latency MS] [--token T] [--no-throttling]";

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} needs a number\n${USAGE}`);
  return n;
}

const text = { type: "string" } as const;
const OPTIONS = {
  clusters: text,
  seed: text,
  "arc-ratio": text,
  "failure-rate": text,
  subscriptions: text,
  port: text,
  latency: text,
  token: text,
  "no-throttling": { type: "boolean" },
  ipc: { type: "boolean" },
} as const;

export function optionsFromArgs(args: string[]): SimulatorOptions {
  const { values: options } = parseArgs({ args, options: OPTIONS, strict: true });
  const fleet = {
    clusters: number(options.clusters, "clusters"),
    seed: number(options.seed, "seed"),
    arcRatio: number(options["arc-ratio"], "arc-ratio"),
    failureRate: number(options["failure-rate"], "failure-rate"),
    subscriptions: number(options.subscriptions, "subscriptions"),
  };
  const throttling = options["no-throttling"] ? { argQuota: false as const, armReadBucket: false as const } : {};
  return {
    fleet: Object.fromEntries(Object.entries(fleet).filter(([, v]) => v !== undefined)),
    port: number(options.port, "port"),
    latencyMs: number(options.latency, "latency"),
    token: typeof options.token === "string" ? options.token : undefined,
    ...throttling,
  };
}

type ParentMessage =
  { type: "start"; options: SimulatorOptions } | { type: "faults"; faults: FaultSpec } | { type: "resetStats" } | { type: "stats"; id: number };

function serveParent(): void {
  let sim: ArmSimulator | undefined;
  process.on("message", (m: ParentMessage) => {
    if (m.type === "start") {
      startArmSimulator(m.options).then(
        (started) => {
          sim = started;
          process.send?.({ type: "ready", endpoint: started.endpoint, token: started.token });
        },
        (error: unknown) => process.send?.({ type: "error", message: String(error) }),
      );
    } else if (m.type === "faults") sim?.setFaults(m.faults);
    else if (m.type === "resetStats") sim?.resetStats();
    else if (m.type === "stats") process.send?.({ type: "stats", id: m.id, stats: sim?.stats });
  });
  // The parent going away must not leave the port taken.
  process.on("disconnect", () => process.exit(0));
}

async function main(args: string[]): Promise<void> {
  if (args.includes("--ipc")) return serveParent();
  const sim = await startArmSimulator(optionsFromArgs(args));
  const summary = sim.fleet.summary();
  console.log(`ARM simulator listening on ${sim.endpoint}`);
  console.log(
    `fleet: ${summary.clusters} clusters, ${summary.components} components (${summary.failedComponents} failing, ${summary.pendingComponents} in progress), ${sim.fleet.subscriptions.length} subscription(s), management group(s): ${Object.keys(sim.fleet.managementGroups).join(", ")}`,
  );
  console.log(`FLEET_ARM_ENDPOINT=${sim.endpoint} FLEET_ARM_TOKEN=${sim.token} NODE_EXTRA_CA_CERTS=${simulatorCaPath()}`);
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
}
