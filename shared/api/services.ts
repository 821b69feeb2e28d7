/**
 * What the routes read: the history store, the read model over it and the digest store. Opened once
 * per process on first use, from the settings in shared/core/config (the Functions app settings).
 */
import { easyAuthEnabled, setting, type Env } from "../core/config";
import type { Operations } from "../operate";
import type { OperationsStore } from "../store/operations";
import type { DigestStore } from "../digest/store";
import type { FleetHistoryOptions } from "../store/tables";
import type { FleetHistory } from "../store/types";
import { FleetViewCache, type FleetView } from "./fleet-view";

export interface ApiServices {
  history: FleetHistory;
  digests: DigestStore;
  /** The read model of the latest sweep. */
  view(): Promise<FleetView>;
  /** The read model's summary; on a cold start, the one stored for the latest sweep, without building the view. */
  summary(): Promise<FleetView["summary"]>;
  /** Subscription display names by lower-case id: the read model's, or on a cold start the latest sweeps' records', without building it. */
  subscriptionNames(): Promise<FleetView["subscriptionNames"]>;
  /** Silences, acknowledgements and notes, and their audit trail. */
  operations: OperationsStore;
  /** Silences and acknowledgements now (re-read after `operationsChanged` or after VIEW_REFRESH_MS). */
  currentOperations(): Promise<Operations>;
  operationsChanged(): void;
  /** Who may change them (see roles.ts). */
  auth: OperatorAuth;
}

export interface OperatorAuth {
  /** Behind App Service authentication: the platform's principal header is trusted, and only then. */
  easyAuth: boolean;
  /** FLEET_OPERATOR_KEY: the local stand-in for the operator role. */
  operatorKey?: string;
}

export function operatorAuthFromEnv(env: Env): OperatorAuth {
  const operatorKey = setting("operatorKey", env);
  return { easyAuth: easyAuthEnabled(env), ...(operatorKey ? { operatorKey } : {}) };
}

/** How often the read model checks for a newer sweep; sweeps run every 15 minutes by default. */
export const VIEW_REFRESH_MS = 5_000;

export async function openApiServices(options: FleetHistoryOptions, viewOptions: { refreshMs?: number; auth?: OperatorAuth } = {}): Promise<ApiServices> {
  // Loaded on first use: importing the Functions entry point must not pay for the Table SDK (cold start).
  const [{ openFleetHistory }, { openDigestStore }, { openOperationsStore }, { loadOperations }] = await Promise.all([
    import("../store"),
    import("../digest/store"),
    import("../store/operations"),
    import("../operate"),
  ]);
  const [history, digests, operations] = await Promise.all([openFleetHistory(options), openDigestStore(options), openOperationsStore(options)]);
  const cache = new FleetViewCache(history, {
    refreshMs: viewOptions.refreshMs ?? VIEW_REFRESH_MS,
    onError: (err) => console.warn(`fleet view refresh failed, serving the previous view: ${(err as Error).message ?? String(err)}`),
  });
  const refreshMs = viewOptions.refreshMs ?? VIEW_REFRESH_MS;
  let ops: { at: number; value: Promise<Operations> } | undefined;
  const currentOperations = () => {
    if (!ops || Date.now() - ops.at >= refreshMs) {
      const value = loadOperations(operations);
      ops = { at: Date.now(), value };
      value.catch(() => (ops = undefined));
    }
    return ops.value;
  };
  return {
    history,
    digests,
    view: () => cache.get(),
    summary: () => cache.summary(),
    subscriptionNames: () => cache.subscriptionNames(),
    operations,
    currentOperations,
    operationsChanged: () => (ops = undefined),
    auth: viewOptions.auth ?? { easyAuth: false },
  };
}

/** A provider that opens the services from the environment once and shares them; a failed open is retried next call. */
export function servicesFromEnv(env: Env = process.env): () => Promise<ApiServices> {
  let opened: Promise<ApiServices> | undefined;
  return () => {
    opened ??= import("../store/tables")
      .then(({ fleetHistoryOptionsFromEnv }) => openApiServices(fleetHistoryOptionsFromEnv(env), { auth: operatorAuthFromEnv(env) }))
      .catch((err: unknown) => {
        opened = undefined;
        throw err;
      });
    return opened;
  };
}
