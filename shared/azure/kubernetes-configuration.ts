/**
 * Targeted ARM reads with @azure/arm-kubernetesconfiguration: confirming a changed component,
 * fetching a failing Flux configuration's per-object statuses, refreshing one cluster on demand.
 *
 * Every request passes a per-subscription token bucket (a pipeline policy, so list pages count too)
 * that stays inside ARM's read limits and honours a 429's Retry-After. Results are the wire JSON
 * (`bodyAsText`), never the SDK's deserialized models: the mappers invent defaults
 * (`autoUpgradeMinorVersion`, `releaseTrain`, `isSystemExtension`) that must not pass as data.
 */
import { SourceControlConfigurationClient } from "@azure/arm-kubernetesconfiguration";
import { createPipelineRequest, isRestError, PipelinePolicy, RestError } from "@azure/core-rest-pipeline";
import type { FullOperationResponse, OperationOptions } from "@azure/core-client";
import { ArmConnection, addArmPolicies, resolved, sdkClientOptions } from "./connection";
import { ArmReadError, readWithRetries } from "./errors";
import { ClusterRef, ConfigType, CONFIG_TYPES, parseClusterId, parseConfigId } from "../core/ids";
import { parseRetryAfter } from "../core/retry";
import { SubscriptionBuckets, TokenBucket, TokenBucketOptions } from "./pacing";

/** ARM's documented per-subscription read bucket is 250 with 25/s; stay a little under it. */
export const DEFAULT_READ_BUCKET: Omit<TokenBucketOptions, "clock"> = { size: 200, refillPerSecond: 20 };

/** api-versions of the cluster resources, read through the same client's pipeline. */
const CLUSTER_API_VERSIONS: Record<string, string> = { connectedClusters: "2024-01-01", managedClusters: "2024-05-01" };

export interface ConfigurationReaderOptions extends ArmConnection {
  /** Per-subscription read bucket; at most 250 and 25/s (ARM's limits). */
  readBucket?: Omit<TokenBucketOptions, "clock">;
}

/** Per call, as the Azure SDK's operation options: the run's deadline ends waits and requests. */
export interface ReadOptions {
  abortSignal?: AbortSignal;
}

export interface ClusterRead {
  /** The cluster resource's wire JSON, or undefined when ARM says it does not exist. */
  cluster: unknown | undefined;
  /** Every extension, Flux configuration and sourceControlConfiguration under it, as wire JSON. */
  configurations: unknown[];
}

export class ConfigurationReader {
  private readonly clients = new Map<string, SourceControlConfigurationClient>();
  private readonly buckets: SubscriptionBuckets;
  private readonly settings: ReturnType<typeof resolved>;

  constructor(private readonly options: ConfigurationReaderOptions) {
    this.settings = resolved(options);
    const bucket = options.readBucket ?? DEFAULT_READ_BUCKET;
    if (bucket.size > 250 || bucket.refillPerSecond > 25) throw new RangeError("the ARM read bucket must stay within 250 and 25 per second");
    this.buckets = new SubscriptionBuckets({ ...bucket, clock: this.settings.clock });
  }

  get requests(): number {
    return this.settings.counter.count;
  }

  /** One extension, Flux configuration or sourceControlConfiguration; undefined when it no longer exists. */
  async getConfiguration(id: string, readOptions: ReadOptions = {}): Promise<unknown | undefined> {
    const ref = parseConfigId(id);
    const c = ref.cluster;
    return this.read(c, readOptions, async (client, options) => {
      const args = [c.resourceGroup, c.provider, c.resourceType, c.name, ref.name, options] as const;
      if (ref.type === "extensions") await client.extensions.get(...args);
      else if (ref.type === "fluxConfigurations") await client.fluxConfigurations.get(...args);
      else await client.sourceControlConfigurations.get(...args);
    });
  }

  /** The cluster resource; undefined when it no longer exists. */
  async getCluster(clusterId: string, readOptions: ReadOptions = {}): Promise<unknown | undefined> {
    const c = parseClusterId(clusterId);
    const url = `${sdkClientOptions(this.options).endpoint}${armPath(c)}?api-version=${CLUSTER_API_VERSIONS[c.resourceType]}`;
    const client = this.client(c.subscriptionId);
    return readWithRetries(
      async () => {
        const response = await client.sendRequest(
          createPipelineRequest({ url, method: "GET", timeout: this.settings.timeoutMs, abortSignal: readOptions.abortSignal }),
        );
        if (response.status === 404) return undefined;
        if (response.status >= 400)
          throw new RestError(errorMessage(response.bodyAsText), {
            statusCode: response.status,
            code: errorCode(response.bodyAsText),
            request: response.request,
            response,
          });
        return parseBody(response.bodyAsText);
      },
      this.hooks(c.subscriptionId, readOptions),
      this.settings.retry,
    );
  }

  /** Refreshes one cluster: its resource and every configuration under it, straight from ARM. */
  async readCluster(clusterId: string, readOptions: ReadOptions = {}): Promise<ClusterRead> {
    const c = parseClusterId(clusterId);
    const [cluster, ...lists] = await Promise.all([this.getCluster(clusterId, readOptions), ...CONFIG_TYPES.map((type) => this.list(c, type, readOptions))]);
    return { cluster, configurations: lists.flat() };
  }

  /** Every resource of one configuration type under a cluster, following nextLink. */
  async list(c: ClusterRef, type: ConfigType, readOptions: ReadOptions = {}): Promise<unknown[]> {
    return readWithRetries(
      async () => {
        const items: unknown[] = [];
        const options = {
          abortSignal: readOptions.abortSignal,
          requestOptions: { timeout: this.settings.timeoutMs },
          onResponse: (raw: FullOperationResponse) => items.push(...valuesOf(raw.bodyAsText)),
        };
        const client = this.client(c.subscriptionId);
        const args = [c.resourceGroup, c.provider, c.resourceType, c.name, options] as const;
        const pages =
          type === "extensions"
            ? client.extensions.list(...args)
            : type === "fluxConfigurations"
              ? client.fluxConfigurations.list(...args)
              : client.sourceControlConfigurations.list(...args);
        for await (const _page of pages.byPage()) void _page;
        return items;
      },
      this.hooks(c.subscriptionId, readOptions),
      this.settings.retry,
    );
  }

  private async read(
    c: ClusterRef,
    readOptions: ReadOptions,
    call: (client: SourceControlConfigurationClient, options: OperationOptions) => Promise<void>,
  ): Promise<unknown | undefined> {
    return readWithRetries(
      async () => {
        let body: string | undefined;
        try {
          await call(this.client(c.subscriptionId), {
            abortSignal: readOptions.abortSignal,
            requestOptions: { timeout: this.settings.timeoutMs },
            onResponse: (raw) => (body = raw.bodyAsText ?? undefined),
          });
        } catch (err) {
          if (isRestError(err) && err.statusCode === 404) return undefined;
          throw err;
        }
        return parseBody(body);
      },
      this.hooks(c.subscriptionId, readOptions),
      this.settings.retry,
    );
  }

  private hooks(subscriptionId: string, { abortSignal }: ReadOptions) {
    const bucket = this.buckets.for(subscriptionId);
    return {
      // The pipeline policy takes the token for each request; nothing to wait for here.
      before: async () => {},
      throttled: (headers: Parameters<typeof parseRetryAfter>[0]) => bucket.pause(parseRetryAfter(headers) ?? 1000),
      sleep: (ms: number) => this.settings.clock.sleep(ms, abortSignal),
      signal: abortSignal,
    };
  }

  private client(subscriptionId: string): SourceControlConfigurationClient {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      const { scope, ...clientOptions } = sdkClientOptions(this.options);
      client = new SourceControlConfigurationClient(this.options.credential, subscriptionId, { ...clientOptions, credentialScopes: scope });
      client.pipeline.addPolicy(bucketPolicy(this.buckets.for(subscriptionId), this.settings.retry.maxThrottles));
      addArmPolicies(client.pipeline, this.settings.counter);
      this.clients.set(subscriptionId, client);
    }
    return client;
  }
}

/** Takes a token before every request; a 429 pauses the bucket for its Retry-After and sends again. */
function bucketPolicy(bucket: TokenBucket, maxThrottles: number): PipelinePolicy {
  return {
    name: "fleetArmReadBucket",
    async sendRequest(request, next) {
      for (let throttles = 0; ; throttles++) {
        // The signal is the AbortSignal the read was given (the pipeline types it as AbortSignalLike).
        await bucket.take(request.abortSignal as AbortSignal | undefined);
        const response = await next(request);
        if (response.status !== 429 || throttles >= maxThrottles) return response;
        bucket.pause(parseRetryAfter(response.headers) ?? 1000);
      }
    },
  };
}

function armPath(c: ClusterRef): string {
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${encodeURIComponent(c.resourceGroup)}/providers/${c.provider}/${c.resourceType}/${encodeURIComponent(c.name)}`;
}

function parseBody(text: string | undefined | null): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    throw new ArmReadError("MalformedResponse", "ARM answered with a body that is not JSON");
  }
}

function valuesOf(text: string | undefined | null): unknown[] {
  const body = parseBody(text) as { value?: unknown };
  if (!Array.isArray(body?.value)) throw new ArmReadError("MalformedResponse", "an ARM list answered without a value array");
  return body.value;
}

function errorBody(text: string | undefined | null): { code?: string; message?: string } {
  try {
    return (JSON.parse(text ?? "") as { error?: { code?: string; message?: string } }).error ?? {};
  } catch {
    return {};
  }
}
const errorCode = (text: string | undefined | null) => errorBody(text).code;
const errorMessage = (text: string | undefined | null) => errorBody(text).message ?? "ARM read failed";
