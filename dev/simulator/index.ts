/**
 * A local HTTPS stand-in for Azure Resource Manager: Resource Graph queries and the
 * Microsoft.KubernetesConfiguration reads the collector makes, over a synthetic fleet. The real SDK
 * clients talk to it unchanged: pass `endpoint`, and trust `ca` with `new https.Agent({ ca })`
 * (or NODE_EXTRA_CA_CERTS=dev/simulator/tls/cert.pem).
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { SimulatedFleet, type SimCluster } from "./fleet";
import { SimulatorHandler } from "./server";
import type { FaultSpec, SimulatorOptions, SimulatorStats } from "./types";

export type { FaultSpec, FleetSpec, MalformKind, RequestSelector, SimulatorOptions, SimulatorStats } from "./types";
export { SimulatedFleet, FleetError, componentId, type SimCluster, type SimComponent, type SimFailure } from "./fleet";
export { EXTENSION_TYPES } from "./messages";

export interface ArmSimulator {
  /** `https://127.0.0.1:<port>` */
  endpoint: string;
  /** PEM of the certificate to trust. */
  ca: Buffer;
  token: string;
  /** The live data; mutate between sweeps in tests. */
  fleet: SimulatedFleet;
  /** Live counters (the same object throughout; `resetStats` zeroes it). */
  stats: SimulatorStats;
  resetStats(): void;
  setFaults(faults: FaultSpec): void;
  stop(): Promise<void>;
}

/** Path of the simulator's certificate or key; tsc does not copy PEM files into dist/, so fall back to the source tree. */
function tlsPath(name: "cert.pem" | "key.pem"): string {
  const here = path.join(__dirname, "tls", name);
  return existsSync(here) ? here : path.join(__dirname, "..", "..", "..", "dev", "simulator", "tls", name);
}

/** Where the certificate to trust lives, for NODE_EXTRA_CA_CERTS. */
export function simulatorCaPath(): string {
  return tlsPath("cert.pem");
}

/** The simulator's certificate (PEM) to trust, also usable before a simulator runs. */
export function simulatorCa(): Buffer {
  return readFileSync(tlsPath("cert.pem"));
}

export async function startArmSimulator(options: SimulatorOptions = {}): Promise<ArmSimulator> {
  const fleet = new SimulatedFleet(options.fleet);
  const handler = new SimulatorHandler(fleet, options);
  const ca = simulatorCa();
  const server = createServer({ cert: ca, key: readFileSync(tlsPath("key.pem")) }, (req, res) => {
    handler.handle(req, res).catch((error: unknown) => {
      // A bug in the simulator must show up as a 500 the test sees, not as a hung request.
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "SimulatorError", message: String(error instanceof Error ? error.stack : error) } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  handler.endpoint = `https://127.0.0.1:${port}`;
  return {
    endpoint: handler.endpoint,
    ca,
    token: handler.token,
    fleet,
    stats: handler.stats,
    resetStats: () => handler.resetStats(),
    setFaults: (faults) => handler.setFaults(faults),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of handler.held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Fleet changes the child process applies for its parent (the soak changes the fleet between sweeps this way). */
export type FleetChange =
  | { op: "fail" | "recover" | "remove" | "takeOffline" | "setPending"; id: string }
  | { op: "addClusters"; count: number; kind?: "arc" | "aks"; subscriptionId?: string };

/** The fleet as the child process holds it after a change (a copy: change it through `changeFleet`). */
export interface FleetSnapshot {
  clusters: SimCluster[];
  subscriptions: string[];
}

export function applyFleetChange(fleet: SimulatedFleet, change: FleetChange): void {
  if (change.op === "addClusters") fleet.addClusters(change.count, { kind: change.kind, subscriptionId: change.subscriptionId });
  else fleet[change.op](change.id);
}

export type ArmSimulatorProcess = Omit<ArmSimulator, "fleet" | "stats"> & {
  pid: number;
  stats(): Promise<SimulatorStats>;
  /** Applies the changes in order (none: only reads) and answers the fleet as it is then. */
  changeFleet(...changes: FleetChange[]): Promise<FleetSnapshot>;
};

/** A request over IPC and its answer, matched by id. */
type Ask = { type: "stats" } | { type: "fleet"; changes: FleetChange[] };
type ChildMessage =
  { type: "ready"; endpoint: string; token: string } | { type: "answer"; id: number; value?: unknown; error?: string } | { type: "error"; message: string };

/** The same server in a child process, so a benchmark measures the collector's memory without the simulator's. */
export async function startArmSimulatorProcess(options: SimulatorOptions = {}): Promise<ArmSimulatorProcess> {
  const compiled = __filename.endsWith(".js");
  const main = path.join(__dirname, compiled ? "main.js" : "main.ts");
  const child: ChildProcess = fork(main, ["--ipc"], {
    execArgv: compiled ? [] : ["--require", require.resolve("tsx/cjs")],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<{ endpoint: string; token: string }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`simulator process exited with code ${code} before it was ready`)));
    child.on("message", (m: ChildMessage) => {
      if (m.type === "ready") resolve(m);
      if (m.type === "error") reject(new Error(m.message));
    });
    child.send({ type: "start", options });
  });
  child.removeAllListeners("exit");
  let nextId = 0;
  const ask = <T>(question: Ask) =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || !child.connected) return reject(new Error("the simulator process has exited"));
      const id = ++nextId;
      const gone = () => reject(new Error("the simulator process exited before it answered"));
      const listener = (m: ChildMessage) => {
        if (m.type !== "answer" || m.id !== id) return;
        child.off("message", listener);
        child.off("exit", gone);
        if (m.error !== undefined) reject(new Error(m.error));
        else resolve(m.value as T);
      };
      child.on("message", listener);
      child.once("exit", gone);
      child.send({ ...question, id });
    });
  return {
    endpoint: ready.endpoint,
    token: ready.token,
    ca: simulatorCa(),
    pid: child.pid ?? -1,
    setFaults: (faults) => child.send({ type: "faults", faults }),
    // IPC keeps message order, so a later stats() sees the reset.
    resetStats: () => child.send({ type: "resetStats" }),
    stats: () => ask<SimulatorStats>({ type: "stats" }),
    changeFleet: (...changes) => ask<FleetSnapshot>({ type: "fleet", changes }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
