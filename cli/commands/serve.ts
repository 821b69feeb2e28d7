/**
 * `fleet-health serve`: the local Functions host on FLEET_PORT (default 7071) with the HTTP API under
 * /api and the timers on their schedules, loading the app from package.json `main` like the real host.
 * With no Table storage configured it starts the embedded Azurite first (see dev/embedded).
 */
import { intSetting, setting } from "../../shared/core/config";
import { withEmbeddedTables } from "../../dev/embedded";
import { loadApp, routePrefix } from "../../dev/host/registrations";
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
      routePrefix: routePrefix(),
      apiKey,
      timers: !flags["no-timers"],
      env: tables.env,
      log: (line) => io.stdout(`[${new Date().toISOString()}] ${line}`),
    });
    io.stdout(`fleet-health local host listening on ${host.url}/${routePrefix()} (${apiKey ? "key required: x-functions-key header or ?code=" : "no key configured: FLEET_API_KEY unset"}); Ctrl+C stops it`);
    io.stdout(`Dashboard: ${host.url}/${routePrefix()}/dashboard/${apiKey ? " (it asks for FLEET_API_KEY once per browser tab)" : ""}`);
    const signal = await (options.until ?? untilSignal());
    io.stdout(`stopping${typeof signal === "string" ? ` (${signal})` : ""}`);
    await host.stop();
    return 0;
  } finally {
    await tables.stop();
  }
}
