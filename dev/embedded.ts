/**
 * The embedded defaults of the command line: with no Table storage configured, a local Azurite that
 * keeps its data in `.azurite/` (so the timeline grows from one run to the next), with its queue
 * service as the host storage (`AzureWebJobsStorage`) the sharded sweep's queue lives in; with no Azure
 * configured, `start` also runs the local ARM simulator, whose certificate the sweep trusts for a
 * loopback endpoint (shared/sweep/from-env.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Env, setting } from "../shared/core/config";
import { azuriteConnectionString } from "./azurite";
import { acquireSharedAzurite } from "./azurite-share";
import { HOST_STORAGE } from "../shared/store/shard-queue";

export interface EmbeddedTables {
  /** The environment with `FLEET_TABLES_CONNECTION` (and `AzureWebJobsStorage`, when unset) filled in when storage was missing. */
  env: Env;
  /** What was started, for the screen; empty when storage was configured. */
  notes: string[];
  stop(): Promise<void>;
}

/** True when neither a connection string nor an endpoint names Table storage. */
export function tablesConfigured(env: Env): boolean {
  return Boolean(setting("tablesConnection", env) ?? setting("tablesEndpoint", env));
}

/** True when the user pointed the service at Azure (a scope or an ARM endpoint). */
export function azureConfigured(env: Env): boolean {
  return Boolean(setting("scope", env) ?? setting("armEndpoint", env));
}

/**
 * Uses the embedded Azurite when no Table storage is configured (joining the one already running on
 * the folder, see dev/azurite-share.ts); otherwise changes nothing. Its queue service becomes the host
 * storage unless `AzureWebJobsStorage` is set, as `func start` reads it from local.settings.json.
 */
export async function withEmbeddedTables(env: Env, options: { location?: string } = {}): Promise<EmbeddedTables> {
  if (tablesConfigured(env)) return { env, notes: [], stop: async () => undefined };
  const location = options.location ?? path.resolve(".azurite");
  fs.mkdirSync(location, { recursive: true });
  const azurite = await acquireSharedAzurite(location);
  const how = azurite.started ? "embedded Azurite" : `the embedded Azurite already running for another command (pid ${azurite.pid})`;
  const connection = azuriteConnectionString(azurite.port, azurite.queuePort);
  const ownHostStorage = Boolean(env[HOST_STORAGE]?.trim());
  return {
    env: { ...env, FLEET_TABLES_CONNECTION: connection, ...(ownHostStorage ? {} : { [HOST_STORAGE]: connection }) },
    notes: [
      `Table storage: ${how} on 127.0.0.1:${azurite.port}, data in ${location} (set FLEET_TABLES_CONNECTION or FLEET_TABLES_ENDPOINT to use your own)`,
      ...(ownHostStorage ? [] : [`Queues (host storage, ${HOST_STORAGE}): the same Azurite's queue service on 127.0.0.1:${azurite.queuePort}`]),
    ],
    stop: () => azurite.release(),
  };
}
