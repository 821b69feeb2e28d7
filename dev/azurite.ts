import { ChildProcess, spawn } from "node:child_process";
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
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const port = options.port ?? (await freePort());
  const args = [azuriteMain(), "--tablePort", String(port), "--silent", "--disableTelemetry", "--skipApiVersionCheck"];
  args.push(...(options.location ? ["--location", options.location] : ["--inMemoryPersistence"]));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
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
