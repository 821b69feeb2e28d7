/**
 * `fleet-health serve`: the local Functions host on FLEET_PORT (default 7071) with the HTTP API under
 * /api and the timers on their schedules, loading the app from package.json `main` like the real host.
 * With no Table storage configured it starts the embedded Azurite first (see dev/embedded).
 */
import * as net from "node:net";
import { intSetting, setting } from "../../shared/core/config";
import { withEmbeddedTables } from "../../dev/embedded";
import { loadApp, routePrefix } from "../../dev/host/registrations";
import { API_PREFIX } from "../../shared/api/routes";
import { startLocalHost } from "../../dev/host/server";
import { parseArgs, type CliIo } from "../io";

/** Resolves when the process is asked to stop (Ctrl+C or a service manager's SIGTERM). */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => resolve(signal);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** The local host's port is taken: says which port and which setting changes it. */
export class PortInUseError extends Error {
  readonly code = "PortInUse";
  constructor(
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`port ${port} on 127.0.0.1 is already in use; set FLEET_PORT to a free port (e.g. FLEET_PORT=${port + 1}) or stop what listens there`, options);
    this.name = "PortInUseError";
  }
}

function inUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
}

/** Fails early with PortInUseError when the port is taken (`start --serve` checks before it sweeps). */
export async function assertPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, "127.0.0.1", () => resolve());
    });
  } catch (err) {
    if (inUse(err)) throw new PortInUseError(port, { cause: err });
    throw err;
  } finally {
    await new Promise<void>((resolve) => (probe.listening ? probe.close(() => resolve()) : resolve()));
  }
}

export async function run(args: string[], io: CliIo, options: { until?: Promise<unknown> } = {}): Promise<number> {
  const { options: flags } = parseArgs(args, { switches: ["no-timers"] });
  const port = intSetting("port", io.env);
  const tables = await withEmbeddedTables(io.env);
  // The functions read their settings from process.env, as they do in Azure.
  for (const [name, value] of Object.entries(tables.env)) if (process.env[name] === undefined && value !== undefined) process.env[name] = value;
  for (const note of tables.notes) io.stdout(note);
  try {
    const registrations = await loadApp();
    const apiKey = setting("apiKey", io.env);
    const host = await startLocalHost({
      registrations,
      port,
      hostname: "127.0.0.1",

      apiKey,
      timers: !flags["no-timers"],
      env: tables.env,
      log: (line) => io.stdout(`[${new Date().toISOString()}] ${line}`),
    }).catch((err: unknown) => {
      throw inUse(err) ? new PortInUseError(port, { cause: err }) : err;
    });
    const root = `${host.url}/${routePrefix() ? `${routePrefix()}/` : ""}`;
    io.stdout(
      `fleet-health local host listening on ${root}${API_PREFIX} (${apiKey ? "key required: x-functions-key header or ?code=" : "no key configured: FLEET_API_KEY unset"}); Ctrl+C stops it`,
    );
    io.stdout(`Dashboard: ${root}${apiKey ? " (it asks for FLEET_API_KEY once per browser tab)" : ""}`);
    const signal = await (options.until ?? untilSignal());
    io.stdout(`stopping${typeof signal === "string" ? ` (${signal})` : ""}`);
    await host.stop();
    return 0;
  } finally {
    await tables.stop();
  }
}
