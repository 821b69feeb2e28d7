/**
 * Paged Resource Graph reads with @azure/arm-resourcegraph, under our own quota pacing.
 *
 * Queries follow CONTRACT.md: select by table and `type`, project source columns only, `order by id asc`,
 * page with `$skipToken` and `$top` ≤ 1000, `resultFormat: "objectArray"`; extra columns are accepted.
 * The SDK's retries are off: a 429 without Retry-After would not be retried by it, and every attempt
 * must pass the pacer.
 */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { CLUSTER_RESOURCE_TYPES, CONFIG_RESOURCE_TYPES } from "../core/ids";
import { ArmConnection, addArmPolicies, resolved, sdkClientOptions } from "./connection";
import { ArmReadError, readWithRetries } from "./errors";
import type { HeaderSource } from "../core/retry";
import { QuotaPacer } from "./pacing";
import type { GraphScope } from "./scopes";

const COLUMNS = "id, name, type, kind, location, subscriptionId, resourceGroup, tags, properties";

function byType(table: string, types: string[]): string {
  return `${table} | where type in~ (${types.map((t) => `'${t}'`).join(", ")}) | project ${COLUMNS} | order by id asc`;
}

/** Arc connectedClusters and AKS managedClusters. */
export const CLUSTERS_QUERY = byType("resources", CLUSTER_RESOURCE_TYPES);
/** Clusters per subscription, one row each (`count_` is Resource Graph's name for `count()`): what the sweep planner sizes shards by. */
export const CLUSTER_COUNT_QUERY = `resources | where type in~ (${CLUSTER_RESOURCE_TYPES.map((t) => `'${t}'`).join(", ")}) | summarize count() by subscriptionId`;
/**
 * Extensions, Flux configurations and legacy sourceControlConfigurations, one query per type: the
 * pages are about as many as with one query, and the three page in parallel, so round trips overlap.
 */
export const CONFIGURATION_QUERIES = CONFIG_RESOURCE_TYPES.map((type) => byType("kubernetesconfigurationresources", [type]));
/** Subscriptions: in `resourcecontainers` a subscription's `name` is its display name. */
export const SUBSCRIPTIONS_QUERY =
  "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project id, name, subscriptionId | order by id asc";

export interface GraphPage {
  rows: unknown[];
  /** `x-ms-tenant-subscription-limit-hit: true`: the scope covered only the first 10,000 subscriptions. */
  subscriptionLimitHit: boolean;
}

export interface ResourceGraphReaderOptions extends ArmConnection {
  pacer?: QuotaPacer;
  /** Rows per page, 1..1000 (default 1000). */
  pageSize?: number;
}

export class ResourceGraphReader {
  readonly pacer: QuotaPacer;
  private readonly client: ResourceGraphClient;
  private readonly settings: ReturnType<typeof resolved>;
  private readonly pageSize: number;

  constructor(options: ResourceGraphReaderOptions) {
    this.settings = resolved(options);
    this.pacer = options.pacer ?? new QuotaPacer({ clock: this.settings.clock });
    this.pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > 1000)
      throw new RangeError(`pageSize must be 1..1000, got ${options.pageSize}`);
    const { scope, ...clientOptions } = sdkClientOptions(options);
    this.client = new ResourceGraphClient(options.credential, { ...clientOptions, credentials: { scopes: [scope] } });
    addArmPolicies(this.client.pipeline, this.settings.counter);
  }

  get requests(): number {
    return this.settings.counter.count;
  }

  /**
   * Every page of one query over one scope, in order. The next page is requested as soon as the
   * current one arrives, so judging a page overlaps the round trip of the next. `abortSignal` (the
   * run's deadline) ends waits and requests; the iteration then throws its reason.
   */
  async *pages(query: string, scope: GraphScope, options: { abortSignal?: AbortSignal } = {}): AsyncIterableIterator<GraphPage> {
    const signal = options.abortSignal;
    let next: Promise<FetchedPage> | undefined = this.fetch(query, scope, undefined, signal);
    try {
      while (next) {
        const page: FetchedPage = await next;
        next = page.skipToken ? this.fetch(query, scope, page.skipToken, signal) : undefined;
        yield page;
        // Without a skip token a truncated result cannot be continued: what was read stands, the rest is missing.
        if (!page.skipToken && page.truncated) throw new ArmReadError("ResultTruncated", `Resource Graph truncated the result at ${page.rows.length} rows`);
      }
    } finally {
      // A consumer that stops early leaves a request in flight: its outcome no longer matters.
      next?.catch(() => undefined);
    }
  }

  private async fetch(query: string, scope: GraphScope, skipToken: string | undefined, signal?: AbortSignal): Promise<FetchedPage> {
    let headers: HeaderSource | undefined;
    let sentAt = 0;
    let ticket = 0;
    const send = () => {
      sentAt = this.settings.clock.now();
      return this.client.resources(
        {
          query,
          ...(scope.subscriptions ? { subscriptions: scope.subscriptions } : {}),
          ...(scope.managementGroups ? { managementGroups: scope.managementGroups } : {}),
          options: { top: this.pageSize, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
        },
        {
          abortSignal: signal,
          requestOptions: { timeout: this.settings.timeoutMs },
          onResponse: (raw) => {
            headers = raw.headers;
            this.pacer.observe(raw.headers, sentAt, ticket);
          },
        },
      );
    };
    const response = await readWithRetries(
      send,
      {
        before: async () => void (ticket = await this.pacer.acquire(signal)),
        throttled: (h) => this.pacer.throttled(h),
        failed: () => this.pacer.failed(),
        sleep: (ms) => this.settings.clock.sleep(ms, signal),
        signal,
      },
      this.settings.retry,
    );
    return {
      rows: rowsOf(response.data),
      subscriptionLimitHit: headers?.get("x-ms-tenant-subscription-limit-hit")?.toLowerCase() === "true",
      skipToken: response.skipToken || undefined,
      truncated: String(response.resultTruncated).toLowerCase() === "true",
    };
  }
}

interface FetchedPage extends GraphPage {
  skipToken?: string;
  truncated: boolean;
}

/** `objectArray` data as is; `table` data (`{columns, rows}`) zipped into objects, in case a server ignores the format. */
export function rowsOf(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  const table = data as { columns?: Array<{ name: string }>; rows?: unknown[][] } | null;
  if (table && Array.isArray(table.columns) && Array.isArray(table.rows)) {
    const names = table.columns.map((c) => c.name);
    return table.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]])));
  }
  throw new ArmReadError("MalformedResponse", "Resource Graph answered without a data array");
}
