/**
 * Store records as the API shows them: ids in ARM's casing next to the canonical ones, links to the
 * same resource in the Azure portal and to the Resource Graph query that returns its Azure data, and
 * a Flux configuration's source, revision and suspension read from its facts.
 */
import { FLUX_SOURCE_URLS } from "../health/configuration";
import type { ComponentRecord } from "../store/types";
import type { ClusterRowBody, ComponentBody, FluxDetailBody, LinksBody, OpenFailureBody } from "./schemas";
import { fixTargetOf, remedyFor } from "./routes/remedy";

const PORTAL = "https://portal.azure.com";

/** The id as Azure spells it; the store keeps it only where it differs from the canonical id. */
export const armIdOf = (record: Pick<ComponentRecord, "id" | "armId">): string => record.armId ?? record.id;

/** An id as a KQL string literal (ARM ids hold no quotes, but a stored id is not trusted). */
const kqlString = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * Links for an ARM resource: the portal's resource blade and Resource Graph Explorer with the query
 * over the table the sweep reads it from. A Flux object has no ARM resource: its configuration's links.
 */
export function linksOf(armId: string, kind: ComponentRecord["kind"]): LinksBody {
  const resourceId = armId.replace(/\/statuses\/.*$/i, "");
  const table = kind === "cluster" ? "resources" : "kubernetesconfigurationresources";
  const query = `${table}\n| where id =~ ${kqlString(resourceId)}`;
  return {
    portalUrl: `${PORTAL}/#@/resource${resourceId}`,
    resourceGraphUrl: `${PORTAL}/#view/HubsExtension/ArgQueryBlade/query/${encodeURIComponent(query).replace(/'/g, "%27")}`,
  };
}

/**
 * A source URL without secrets: a password, or an HTTP(S) user name (where tokens go), is removed; an
 * SSH user (`ssh://git@...`) is not a secret and stays, as does an scp-like `git@host:path`.
 */
export function withoutCredentials(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.password && !(parsed.username && /^https?:$/.test(parsed.protocol))) return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

function isoOrUndefined(value: string | undefined): string | undefined {
  const ms = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Source, applied revision and suspension of a Flux configuration, from the facts the collector keeps. */
export function fluxDetail(facts: Record<string, string> = {}): FluxDetailBody {
  const kind = facts.sourceKind as keyof typeof FLUX_SOURCE_URLS | undefined;
  const url =
    (kind && facts[FLUX_SOURCE_URLS[kind]]) ??
    Object.values(FLUX_SOURCE_URLS)
      .map((path) => facts[path])
      .find(Boolean);
  const updatedAt = isoOrUndefined(facts.sourceUpdatedAt);
  return {
    ...(kind ? { sourceKind: kind } : {}),
    ...(url ? { sourceUrl: withoutCredentials(url) } : {}),
    ...(facts.sourceSyncedCommitId ? { revisionApplied: facts.sourceSyncedCommitId } : {}),
    ...(updatedAt ? { sourceUpdatedAt: updatedAt } : {}),
    suspended: facts.suspend?.toLowerCase() === "true",
  };
}

export function componentView(c: ComponentRecord): ComponentBody {
  const {
    clusterId: _c,
    clusterName: _n,
    clusterKind: _k,
    subscriptionId: _s,
    resourceGroup: _r,
    lastSeenSweepId: _w,
    armId: _a,
    location: _l,
    tags: _t,
    ...rest
  } = c;
  const armId = armIdOf(c);
  return { ...rest, armId, ...(c.kind === "flux" ? { flux: fluxDetail(c.facts) } : {}), links: linksOf(armId, c.kind) };
}

export function openFailureView(c: ComponentRecord, clusterArmId: string, subscriptionName?: string): OpenFailureBody {
  const armId = armIdOf(c);
  return {
    componentId: c.id,
    componentArmId: armId,
    componentName: c.name,
    componentKind: c.kind,
    clusterId: c.clusterId,
    clusterArmId,
    clusterName: c.clusterName,
    subscriptionId: c.subscriptionId,
    ...(subscriptionName ? { subscriptionName } : {}),
    ...(c.extensionType ? { extensionType: c.extensionType } : {}),
    state: c.state,
    reason: c.reason,
    message: c.message,
    ...(c.firstSeenFailingAt ? { since: c.firstSeenFailingAt } : {}),
    catalogId: c.catalogId,
    ...(c.fingerprint ? { fingerprint: c.fingerprint } : {}),
    entry: remedyFor(c.catalogId, fixTargetOf(c)),
    links: linksOf(armId, c.kind),
  };
}

/** The owning cluster's id in ARM's casing: the leading part of a component's own cased id. */
export function clusterArmIdOf(c: Pick<ComponentRecord, "id" | "armId" | "clusterId">): string {
  const armId = armIdOf(c);
  return armId.toLowerCase().startsWith(c.clusterId) ? armId.slice(0, c.clusterId.length) : c.clusterId;
}

/** Who a cluster is, as the fleet's cluster rows and the cluster page both show it (from its own component). */
export function clusterIdentityView(
  own: ComponentRecord,
  subscriptionName: string | undefined,
): Pick<ClusterRowBody, "armId" | "name" | "kind" | "subscriptionId" | "subscriptionName" | "resourceGroup" | "location" | "tags"> {
  return {
    armId: clusterArmIdOf(own),
    name: own.clusterName,
    kind: own.clusterKind,
    subscriptionId: own.subscriptionId,
    ...(subscriptionName ? { subscriptionName } : {}),
    resourceGroup: own.resourceGroup,
    ...(own.location ? { location: own.location } : {}),
    ...(own.tags ? { tags: own.tags } : {}),
  };
}
