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
  /** Port to listen on; a free one when absent. */
  port?: number;
}

export interface RunningAzurite {
  port: number;
  /** A full connection string (not `UseDevelopmentStorage=true`, which pins port 10002). */
  connectionString: string;
  stop(): Promise<void>;
}

export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
}

/** Azurite cannot report the port it bound for `--tablePort 0`, so ask the OS for a free one first. */
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

function azuriteMain(): string {
  return path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", "table", "main.js");
}

/**
 * Starts the Azurite Table service as a child process and resolves once it listens.
 * Telemetry is always off: Azurite would otherwise try to reach Application Insights.
 */
function azuriteArgs(port: number, location: string | undefined): string[] {
  return [azuriteMain(), "--tablePort", String(port), "--silent", "--disableTelemetry", "--skipApiVersionCheck", ...(location ? ["--location", location] : ["--inMemoryPersistence"])];
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, azuriteArgs(port, options.location), { stdio: ["ignore", "pipe", "pipe"] });
  await waitForStart(child, port);
  // Azurite flushes its database on SIGINT only (SIGTERM loses up to 5 s of writes), so stop with SIGINT and wait.
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGINT");
    });
  // A leaked child keeps the port and breaks the next run.
  process.once("exit", () => child.kill("SIGINT"));
  return { port, connectionString: azuriteConnectionString(port), stop };
}

function waitForStart(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`Azurite did not start on port ${port} within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("successfully started")) {
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
 * Azurite in its own process group, writing to `logFile`, that outlives the process that started it:
 * several commands share it (dev/embedded.ts), and the last one out stops it with `stopAzuritePid`.
 */
export async function startDetachedAzurite(options: { location: string; logFile: string }): Promise<{ pid: number; port: number }> {
  const port = await freePort();
  const log = fs.openSync(options.logFile, "a");
  const child = spawn(process.execPath, azuriteArgs(port, options.location), { stdio: ["ignore", log, log], detached: true });
  fs.closeSync(log);
  child.unref();
  const pid = child.pid!;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null || child.signalCode !== null || !pidAlive(pid)) throw new Error(`Azurite exited before it started; see ${options.logFile}`);
    if (await portAnswers(port)) return { pid, port };
    if (waited > 30_000) {
      process.kill(pid, "SIGKILL");
      throw new Error(`Azurite did not start on port ${port} within 30 s; see ${options.logFile}`);
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
