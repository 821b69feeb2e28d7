import * as https from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import { ResourceGraphClient, type QueryRequest, type QueryResponse } from "@azure/arm-resourcegraph";
import { SourceControlConfigurationClient } from "@azure/arm-kubernetesconfiguration";
import type { PipelineResponse, RestError } from "@azure/core-rest-pipeline";
import type { ArmSimulator, SimCluster } from "../../dev/simulator";

/** A static credential, as the SDK's own playback tests use. */
export function staticCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

type Sim = Pick<ArmSimulator, "endpoint" | "ca" | "token">;

/** The real Resource Graph client over HTTPS, without SDK retries so every answer is visible. */
export function graphClient(sim: Sim, token = sim.token): ResourceGraphClient {
  return new ResourceGraphClient(staticCredential(token), { endpoint: sim.endpoint, agent: new https.Agent({ ca: sim.ca }), retryOptions: { maxRetries: 0 } });
}

export function configClient(sim: Sim, subscriptionId: string, retries = 0): SourceControlConfigurationClient {
  return new SourceControlConfigurationClient(staticCredential(sim.token), subscriptionId, {
    endpoint: sim.endpoint,
    agent: new https.Agent({ ca: sim.ca }),
    retryOptions: { maxRetries: retries, retryDelayInMs: 10 },
  });
}

export interface Page {
  response: QueryResponse;
  headers: Record<string, string | undefined>;
}

const HEADERS = ["x-ms-user-quota-remaining", "x-ms-user-quota-resets-after", "x-ms-tenant-subscription-limit-hit", "retry-after"];

/** One ARG query with the headers we assert on. */
export async function query(client: ResourceGraphClient, request: QueryRequest): Promise<Page> {
  let raw: PipelineResponse | undefined;
  const response = await client.resources(request, { onResponse: (r) => (raw = r as unknown as PipelineResponse) });
  return { response, headers: Object.fromEntries(HEADERS.map((h) => [h, raw?.headers.get(h)])) };
}

/** Every page of a query, following $skipToken. */
export async function queryAll(client: ResourceGraphClient, request: QueryRequest): Promise<{ rows: Array<Record<string, unknown>>; pages: QueryResponse[] }> {
  const rows: Array<Record<string, unknown>> = [];
  const pages: QueryResponse[] = [];
  let skipToken: string | undefined;
  do {
    const { response } = await query(client, { ...request, options: { ...request.options, skipToken } });
    pages.push(response);
    rows.push(...(response.data as Array<Record<string, unknown>>));
    skipToken = response.skipToken;
  } while (skipToken);
  return { rows, pages };
}

/** Resource provider and type segments of a cluster, as the KubernetesConfiguration client wants them. */
export function clusterPath(cluster: SimCluster): [string, string, string, string] {
  return cluster.kind === "arc"
    ? [cluster.resourceGroup, "Microsoft.Kubernetes", "connectedClusters", cluster.name]
    : [cluster.resourceGroup, "Microsoft.ContainerService", "managedClusters", cluster.name];
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export const FLEET_QUERY_PROJECTION = "project id, name, type, kind, location, subscriptionId, resourceGroup, tags, properties | order by id asc";
export const CLUSTERS_QUERY = `resources | where type =~ 'microsoft.kubernetes/connectedclusters' or type =~ 'microsoft.containerservice/managedclusters' | ${FLEET_QUERY_PROJECTION}`;
export const CONFIG_QUERY = `kubernetesconfigurationresources | where type in~ ('microsoft.kubernetesconfiguration/extensions', 'microsoft.kubernetesconfiguration/fluxconfigurations', 'microsoft.kubernetesconfiguration/sourcecontrolconfigurations') | ${FLEET_QUERY_PROJECTION}`;

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A plain HTTPS request, for what the SDK hides (exact bodies, missing headers, nextLink: null). */
export function rawRequest(
  sim: Sim,
  method: "GET" | "POST",
  pathAndQuery: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<RawResponse> {
  const url = new URL(pathAndQuery, sim.endpoint);
  const token = options.token === undefined ? sim.token : options.token;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca: sim.ca, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export const ARG_PATH = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";

/** The error an SDK call rejects with (fails the test when the call succeeds). */
export async function failure(
  promise: Promise<unknown>,
): Promise<RestError & { details?: { error?: { code: string; details?: Array<{ code: string; message: string }> } } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error("expected the call to fail");
}
