/**
 * ARM reads: `GET` of a cluster, and list/get of its extensions, fluxConfigurations and
 * sourceControlConfigurations (Microsoft.KubernetesConfiguration, paths as in azure-apis.md §3.3),
 * behind ARM's per-subscription read token bucket.
 */
import { COMPONENT_SEGMENT, componentId, type SimCluster, type SimComponentKind, type SimulatedFleet } from "./fleet";
import { API_VERSION_PATTERN, armError, base64urlJson, fromBase64urlJson, missingApiVersion, ok, type SimResponse } from "./http";
import type { TokenBuckets } from "./limits";
import { guidFrom } from "./random";
import { armDocument, type RenderContext } from "./render";
import type { FaultSpec, SimulatorStats } from "./types";

export interface ArmContext {
  fleet: SimulatedFleet;
  render(): RenderContext;
  faults(): FaultSpec;
  bucket?: TokenBuckets;
  stats: SimulatorStats;
  endpoint(): string;
  pageSize: number;
}

/** api-versions Microsoft.KubernetesConfiguration serves for these types (6.1.0 sends 2023-05-01). */
const KUBERNETES_CONFIGURATION_VERSIONS = ["2021-09-01", "2022-03-01", "2022-07-01", "2022-11-01", "2023-05-01", "2024-11-01", "2025-03-01", "2025-04-01"];

const PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)(?:\/providers\/Microsoft\.KubernetesConfiguration\/([^/]+)(?:\/([^/]+))?)?\/?$/i;

const KIND_BY_SEGMENT = new Map<string, SimComponentKind>(
  Object.entries(COMPONENT_SEGMENT).map(([kind, segment]) => [segment.toLowerCase(), kind as SimComponentKind]),
);

const CLUSTER_TYPES: Record<SimCluster["kind"], string> = {
  arc: "Microsoft.Kubernetes/connectedClusters",
  aks: "Microsoft.ContainerService/managedClusters",
};

export function handleArm(ctx: ArmContext, token: string, url: URL): SimResponse {
  const path = decodeURIComponent(url.pathname);
  const m = PATH.exec(path);
  if (!m) return armError(404, "InvalidResourceType", `The resource type could not be found for the path '${path}'.`);
  const [, subscriptionId, resourceGroup, rp, resourceType, clusterName, segment, childName] = m;
  const kind = segment ? KIND_BY_SEGMENT.get(segment.toLowerCase()) : undefined;
  if (segment && !kind)
    return armError(
      404,
      "InvalidResourceType",
      `The resource type '${segment}' could not be found in the namespace 'Microsoft.KubernetesConfiguration' for api version '${url.searchParams.get("api-version")}'.`,
    );

  const apiVersion = url.searchParams.get("api-version");
  if (!apiVersion) return missingApiVersion();
  if (!API_VERSION_PATTERN.test(apiVersion) || (kind && !KUBERNETES_CONFIGURATION_VERSIONS.includes(apiVersion))) {
    return armError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${segment ?? resourceType}'. The supported api-versions are '${KUBERNETES_CONFIGURATION_VERSIONS.join(", ")}'.`,
    );
  }

  // ARM meters reads before it routes them anywhere.
  const decision = ctx.bucket?.take(subscriptionId.toLowerCase(), Date.now());
  const readsHeader: Record<string, string> = decision ? { "x-ms-ratelimit-remaining-subscription-reads": String(decision.remaining) } : {};
  const withReads = (r: SimResponse): SimResponse => ({ ...r, headers: { ...readsHeader, ...r.headers } });
  if (decision && !decision.allowed) {
    ctx.stats.armThrottled++;
    return withReads(
      armError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of 'read' requests for subscription '${subscriptionId}' actor '${guidFrom(token)}' exceeded. Please try again after '${decision.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        { "retry-after": String(decision.retryAfterSeconds) },
      ),
    );
  }
  ctx.stats.armReads++;

  if ((ctx.faults().forbiddenSubscriptions ?? []).some((s) => s.toLowerCase() === subscriptionId.toLowerCase())) {
    const action = kind ? `Microsoft.KubernetesConfiguration/${COMPONENT_SEGMENT[kind]}/read` : `${rp}/${resourceType}/read`;
    const oid = guidFrom(token);
    return withReads(
      armError(
        403,
        "AuthorizationFailed",
        `The client '${oid}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      ),
    );
  }
  if (
    !ctx.fleet.clusters.some(
      (c) => c.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() && c.resourceGroup.toLowerCase() === resourceGroup.toLowerCase(),
    )
  ) {
    return withReads(armError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`));
  }

  const clusterId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${rp}/${resourceType}/${clusterName}`;
  const ref = ctx.fleet.get(clusterId);
  const cluster = ref && !ref.component && `${rp}/${resourceType}`.toLowerCase() === CLUSTER_TYPES[ref.cluster.kind].toLowerCase() ? ref.cluster : undefined;
  const render = ctx.render();

  if (!kind) {
    if (!cluster) return withReads(resourceNotFound(`${rp}/${resourceType}/${clusterName}`, resourceGroup));
    return withReads(ok(armDocument({ id: cluster.id, cluster }, render)));
  }
  if (!cluster) {
    return withReads(
      armError(
        404,
        "ParentResourceNotFound",
        `Failed to perform 'read' on resource(s) of type '${resourceType}/${segment}', because the parent resource '${clusterId}' could not be found.`,
      ),
    );
  }

  const components = cluster.components.filter((c) => c.kind === kind);
  if (childName) {
    const component = components.find((c) => c.name.toLowerCase() === childName.toLowerCase());
    if (!component) return withReads(resourceNotFound(`Microsoft.KubernetesConfiguration/${COMPONENT_SEGMENT[kind]}/${childName}`, resourceGroup));
    return withReads(ok(armDocument({ id: componentId(cluster, component), cluster, component }, render)));
  }

  const skipToken = url.searchParams.get("$skiptoken") ?? url.searchParams.get("$skipToken");
  const decoded = skipToken ? (fromBase64urlJson(skipToken) as { o?: unknown } | undefined) : undefined;
  if (skipToken && (typeof decoded?.o !== "number" || decoded.o < 0)) return withReads(armError(400, "InvalidSkipToken", "The $skiptoken is malformed."));
  const start = (decoded?.o as number | undefined) ?? 0;
  const page = components.slice(start, start + ctx.pageSize);
  ctx.stats.pagesServed++;
  const next = start + page.length < components.length;
  // The SDK follows nextLink verbatim, so it must be absolute and carry the api-version.
  const nextLink = next ? `${ctx.endpoint()}${url.pathname}?api-version=${apiVersion}&$skiptoken=${base64urlJson({ o: start + page.length })}` : null;
  return withReads(ok({ value: page.map((component) => armDocument({ id: componentId(cluster, component), cluster, component }, render)), nextLink }));
}

/** ARM's 404 for a resource that is not there, worded as ARM words it. */
function resourceNotFound(resource: string, resourceGroup: string) {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource '${resource}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}
