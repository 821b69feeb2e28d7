import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  /** Folder for the table database; in memory when absent. */
  location?: string;
  /** Table port; a free one when absent. */
  port?: number;
  /** Queue port; a free one when absent. */
  queuePort?: number;
}

export interface RunningAzurite {
  port: number;
  queuePort: number;
  /** A full connection string naming both services (not `UseDevelopmentStorage=true`, which pins ports 10001/10002). */
  connectionString: string;
  stop(): Promise<void>;
}

export function azuriteConnectionString(port: number, queuePort?: number): string {
  const queue = queuePort ? `QueueEndpoint=http://127.0.0.1:${queuePort}/${AZURITE_ACCOUNT};` : "";
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};${queue}`;
}

/** Azurite cannot report the port it bound for `--tablePort 0` (nor `--queuePort 0`), so ask the OS for a free one first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type AzuriteService = "table" | "queue";

function azuriteMain(service: AzuriteService): string {
  return path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", service, "main.js");
}

/** The command line of one Azurite service. Telemetry is always off: Azurite would otherwise try to reach Application Insights. */
function azuriteArgs(service: AzuriteService, port: number, location: string | undefined): string[] {
  return [
    azuriteMain(service),
    `--${service}Port`,
    String(port),
    "--silent",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    ...(location ? ["--location", location] : ["--inMemoryPersistence"]),
  ];
}

/**
 * Starts the Azurite Table and Queue services (one child process each, as Azurite ships them; each keeps
 * its own database file in `location`) and resolves once both listen.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const port = options.port ?? (await freePort());
  const queuePort = options.queuePort ?? (await freePort());
  const started = await Promise.allSettled([
    startService(azuriteArgs("table", port, options.location), port),
    startService(azuriteArgs("queue", queuePort, options.location), queuePort),
  ]);
  const stops = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(stops.map((stop) => stop()));
    throw failed.reason;
  }
  return {
    port,
    queuePort,
    connectionString: azuriteConnectionString(port, queuePort),
    stop: async () => void (await Promise.all(stops.map((stop) => stop()))),
  };
}

async function startService(args: string[], port: number): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  await waitForStart(child, port);
  // A leaked child keeps the port and breaks the next run.
  process.once("exit", () => child.kill("SIGINT"));
  // Azurite flushes its database on SIGINT only (SIGTERM loses up to 5 s of writes), so stop with SIGINT and wait.
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGINT");
    });
}

function waitForStart(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`Azurite did not start on port ${port} within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/successfully (started|listens)/.test(output)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => fail(new Error(`Azurite exited with code ${code} before it started:\n${output}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      // Keep draining so a full pipe never blocks Azurite.
      child.stdout?.resume();
      child.stderr?.resume();
    }
    function fail(err: Error) {
      cleanup();
      child.kill("SIGTERM");
      reject(err);
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when something accepts TCP connections on the port. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * One Azurite service in its own process group, writing to `logFile`, that outlives the process that
 * started it: several commands share it (dev/embedded.ts), and the last one out stops it with `stopAzuritePid`.
 */
export async function startDetachedAzurite(options: { service: AzuriteService; location: string; logFile: string }): Promise<{ pid: number; port: number }> {
  const port = await freePort();
  const log = fs.openSync(options.logFile, "a");
  const child = spawn(process.execPath, azuriteArgs(options.service, port, options.location), { stdio: ["ignore", log, log], detached: true });
  fs.closeSync(log);
  child.unref();
  const pid = child.pid!;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null || child.signalCode !== null || !pidAlive(pid))
      throw new Error(`Azurite's ${options.service} service exited before it started; see ${options.logFile}`);
    if (await portAnswers(port)) return { pid, port };
    if (waited > 30_000) {
      process.kill(pid, "SIGKILL");
      throw new Error(`Azurite's ${options.service} service did not start on port ${port} within 30 s; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops an Azurite by pid with SIGINT (it flushes its database on SIGINT only) and waits until it is gone. */
export async function stopAzuritePid(pid: number, timeoutMs = 20_000): Promise<void> {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  for (let waited = 0; pidAlive(pid) && waited < timeoutMs; waited += 50) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) process.kill(pid, "SIGKILL");
}
