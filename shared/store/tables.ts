/**
 * Connecting to Table storage: one place decides between a connection string (Azurite locally) and an
 * endpoint with a token credential (managed identity in Azure), applies the table prefix and counts
 * the requests every table call sends.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { TableClient, TableServiceClientOptions } from "@azure/data-tables";
import { DefaultAzureCredential } from "@azure/identity";
import { Env, intSetting, setting, settingOrDefault } from "../core/config";
import { tableOperationPolicy } from "../telemetry/policies";
import { FleetHistoryError } from "./errors";
import { TABLES } from "./keys";

export interface FleetHistoryOptions {
  /** A Table storage connection string (Azurite: the full string with `TableEndpoint=`). */
  connectionString?: string;
  /** `https://<account>.table.core.windows.net`, used with `credential`. */
  endpoint?: string;
  /** For `endpoint`; `DefaultAzureCredential` when absent. */
  credential?: TokenCredential;
  /** Prefix of every table name (letters and digits); `fleet` when absent. */
  tablePrefix?: string;
  /** Days of history `applyRetention` keeps by default (400 when absent). */
  retentionDays?: number;
  /** How long a sweep's write lease lasts without renewal (ms); 5 minutes when absent. */
  leaseDurationMs?: number;
  /** Table calls in flight at once while a sweep reads and writes partitions; 8 when absent. */
  concurrency?: number;
  /** Loose transition rows of a cluster at which a sweep that writes the cluster packs its older ones (see packs.ts); 100 when absent. */
  compactAfter?: number;
  /**
   * Called before each write batch of a sweep; a test throws here to stop the writer between batches
   * (crash-and-rerun). Not for production use.
   */
  beforeBatch?: (info: { table: string; partitionKey: string; operations: number; batch: number }) => void | Promise<void>;
}

const TABLE_PREFIX = /^[A-Za-z][A-Za-z0-9]{0,49}$/;

/** The store's options from the environment (FLEET_TABLES_CONNECTION, FLEET_TABLES_ENDPOINT, FLEET_TABLE_PREFIX, FLEET_RETENTION_DAYS). */
export function fleetHistoryOptionsFromEnv(env: Env = process.env): FleetHistoryOptions {
  const connectionString = setting("tablesConnection", env);
  const endpoint = setting("tablesEndpoint", env);
  return {
    ...(connectionString ? { connectionString } : {}),
    ...(endpoint && !connectionString ? { endpoint } : {}),
    tablePrefix: settingOrDefault("tablePrefix", env),
    retentionDays: intSetting("retentionDays", env),
  };
}

/** Counts the requests sent inside `run` (HTTP requests: a transaction or a result page is one). */
interface OperationScope {
  operations: number;
  parent?: OperationScope;
}
const operationScope = new AsyncLocalStorage<OperationScope>();

const countingPolicy: PipelinePolicy = {
  name: "fleetHistoryOperationCounter",
  sendRequest(request, next) {
    for (let scope = operationScope.getStore(); scope; scope = scope.parent) scope.operations++;
    return next(request);
  },
};

/** Runs `fn` and reports how many table requests it sent (retries of one request count once); scopes nest. */
export async function countOperations<T>(fn: () => Promise<T>): Promise<{ result: T; operations: number }> {
  const scope: OperationScope = { operations: 0, parent: operationScope.getStore() };
  const result = await operationScope.run(scope, fn);
  return { result, operations: scope.operations };
}

/** The table requests sent so far in the current `countOperations` scope. */
export function operationsSoFar(): number {
  return operationScope.getStore()?.operations ?? 0;
}

export function tableName(options: Pick<FleetHistoryOptions, "tablePrefix">, name: string): string {
  const prefix = options.tablePrefix ?? "fleet";
  if (!TABLE_PREFIX.test(prefix)) {
    throw new FleetHistoryError("InvalidConfiguration", `table prefix "${prefix}" must start with a letter and hold at most 50 letters and digits`);
  }
  return `${prefix}${name}`;
}

/** A TableClient on one table (prefix applied), without creating it. */
export function tableClient(options: FleetHistoryOptions, name: string): TableClient {
  const table = tableName(options, name);
  const clientOptions: TableServiceClientOptions = {
    additionalPolicies: [
      { policy: countingPolicy, position: "perCall" },
      { policy: tableOperationPolicy(name), position: "perRetry" },
    ],
  };
  if (options.connectionString) {
    // Azurite serves plain http; the SDK refuses it unless told (UseDevelopmentStorage=true sets this itself).
    const insecure = /TableEndpoint=http:/i.test(options.connectionString) || /DefaultEndpointsProtocol=http;/i.test(options.connectionString);
    return TableClient.fromConnectionString(options.connectionString, table, { ...clientOptions, allowInsecureConnection: insecure });
  }
  if (options.endpoint) {
    const insecure = options.endpoint.startsWith("http:");
    return new TableClient(options.endpoint.replace(/\/+$/, ""), table, options.credential ?? new DefaultAzureCredential(), {
      ...clientOptions,
      allowInsecureConnection: insecure,
    });
  }
  throw new FleetHistoryError(
    "StoreNotConfigured",
    "no Table storage configured: set FLEET_TABLES_CONNECTION (a connection string, e.g. Azurite) or FLEET_TABLES_ENDPOINT (https://<account>.table.core.windows.net with a managed identity)",
  );
}

/** A TableClient on `<prefix><name>`, the table created if missing (idempotent). */
export async function openTable(options: FleetHistoryOptions, name: string): Promise<TableClient> {
  const client = tableClient(options, name);
  await client.createTable();
  return client;
}

/** The three history tables (see keys.ts) and the options they were opened with. */
export interface HistoryTables {
  clusters: TableClient;
  index: TableClient;
  sweeps: TableClient;
  options: FleetHistoryOptions;
}

export async function openHistoryTables(options: FleetHistoryOptions): Promise<HistoryTables> {
  const [clusters, index, sweeps] = await Promise.all([
    openTable(options, TABLES.clusters),
    openTable(options, TABLES.index),
    openTable(options, TABLES.sweeps),
  ]);
  return { clusters, index, sweeps, options };
}

/** Table calls in flight at once while a sweep or retention reads and writes partitions. */
export const concurrencyOf = (options: FleetHistoryOptions): number => options.concurrency ?? 8;
