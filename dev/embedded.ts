/**
 * The embedded defaults of the command line: with no Table storage configured, a local Azurite that
 * keeps its data in `.azurite/` (so the timeline grows from one run to the next); with no Azure
 * configured, `start` also runs the local ARM simulator, whose certificate the sweep trusts for a
 * loopback endpoint (shared/sweep/from-env.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Env, setting } from "../shared/core/config";
import { startAzurite } from "./azurite";

export interface EmbeddedTables {
  /** The environment with `FLEET_TABLES_CONNECTION` filled in when it was missing. */
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

/** Starts the embedded Azurite when no Table storage is configured; otherwise changes nothing. */
export async function withEmbeddedTables(env: Env, options: { location?: string } = {}): Promise<EmbeddedTables> {
  if (tablesConfigured(env)) return { env, notes: [], stop: async () => undefined };
  const location = options.location ?? path.resolve(".azurite");
  fs.mkdirSync(location, { recursive: true });
  const azurite = await startAzurite({ location });
  return {
    // The same Azurite is the host storage, whose queues carry the shards of a large sweep (docs/sharding.md).
    env: { ...env, FLEET_TABLES_CONNECTION: azurite.connectionString, AzureWebJobsStorage: env.AzureWebJobsStorage ?? azurite.connectionString },
    notes: [`Table and queue storage: embedded Azurite on 127.0.0.1:${azurite.port} (queues ${azurite.queuePort}), data in ${location} (set FLEET_TABLES_CONNECTION or FLEET_TABLES_ENDPOINT to use your own)`],
    stop: () => azurite.stop(),
  };
}
