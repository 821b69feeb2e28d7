#!/usr/bin/env node
/**
 * Runs the ARM simulator on its own: `node dist/dev/simulator/main.js --clusters 500`.
 * With `--ipc` it takes its options from the parent process instead (startArmSimulatorProcess).
 */
import { parseArgs } from "node:util";
import { applyFleetChange, simulatorCaPath, startArmSimulator, type ArmSimulator, type FleetChange } from "./index";
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
  | { type: "start"; options: SimulatorOptions }
  | { type: "faults"; faults: FaultSpec }
  | { type: "resetStats" }
  | { type: "stats"; id: number }
  | { type: "fleet"; id: number; changes: FleetChange[] };

/** Answers a parent's question; a failed change (an unknown id ...) is the parent's error, not the child's end. */
function answer(sim: ArmSimulator | undefined, m: Extract<ParentMessage, { id: number }>): { value?: unknown; error?: string } {
  if (!sim) return { error: "the simulator has not started" };
  if (m.type === "stats") return { value: sim.stats };
  try {
    for (const change of m.changes) applyFleetChange(sim.fleet, change);
    return { value: { clusters: sim.fleet.clusters, subscriptions: sim.fleet.subscriptions } };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

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
    else process.send?.({ type: "answer", id: m.id, ...answer(sim, m) });
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
