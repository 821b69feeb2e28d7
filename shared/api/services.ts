/**
 * What the routes read: the history store, the read model over it and the digest store. Opened once
 * per process on first use, from the settings in shared/core/config (the Functions app settings).
 */
import type { Env } from "../core/config";
import type { DigestStore } from "../digest/store";
import type { FleetHistoryOptions } from "../store/tables";
import type { FleetHistory } from "../store/types";
import { FleetViewCache, type FleetView } from "./fleet-view";

export interface ApiServices {
  history: FleetHistory;
  digests: DigestStore;
  /** The read model of the latest sweep. */
  view(): Promise<FleetView>;
}

/** How often the read model checks for a newer sweep; sweeps run every 15 minutes by default. */
export const VIEW_REFRESH_MS = 5_000;

export async function openApiServices(options: FleetHistoryOptions, viewOptions: { refreshMs?: number } = {}): Promise<ApiServices> {
  // Loaded on first use: importing the Functions entry point must not pay for the Table SDK (cold start).
  const [{ openFleetHistory }, { openDigestStore }] = await Promise.all([import("../store"), import("../digest/store")]);
  const [history, digests] = await Promise.all([openFleetHistory(options), openDigestStore(options)]);
  const cache = new FleetViewCache(history, {
    refreshMs: viewOptions.refreshMs ?? VIEW_REFRESH_MS,
    onError: (err) => console.warn(`fleet view refresh failed, serving the previous view: ${(err as Error).message ?? String(err)}`),
  });
  return { history, digests, view: () => cache.get() };
}

/** A provider that opens the services from the environment once and shares them; a failed open is retried next call. */
export function servicesFromEnv(env: Env = process.env): () => Promise<ApiServices> {
  let opened: Promise<ApiServices> | undefined;
  return () => {
    opened ??= import("../store/tables").then(({ fleetHistoryOptionsFromEnv }) => openApiServices(fleetHistoryOptionsFromEnv(env))).catch((err: unknown) => {
      opened = undefined;
      throw err;
    });
    return opened;
  };
}
