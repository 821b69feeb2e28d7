/**
 * Where a failure is: the cluster's kind, subscription and resource group, and the extension type.
 * Query parameters validated by the forms ARM allows, and one predicate the failures route applies
 * to the whole list before it pages (so a page never comes back short of what matches).
 */
import type { ClusterKind } from "../core/model";
import { parseClusterId } from "../core/ids";
import type { ParsedQuery, QuerySpec } from "./params";

export const SCOPE_QUERY = {
  kind: {
    type: "enum",
    values: ["arc", "aks"],
    description: "`arc` (Microsoft.Kubernetes/connectedClusters) or `aks` (Microsoft.ContainerService/managedClusters)",
  },
  subscription: {
    type: "string",
    pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    form: "a subscription id (GUID)",
    description: "Subscription id (GUID)",
  },
  resourceGroup: {
    type: "string",
    maxLength: 90,
    // ARM: 1 to 90 letters, digits, underscores, hyphens, periods and parentheses; not ending in a period.
    pattern: /^[-\w.()\u0080-\uFFFF]*[-\w()\u0080-\uFFFF]$/,
    form: "a resource group name (letters, digits, _ - . ( ), not ending in a period)",
    description: "Resource group name (case-insensitive)",
  },
  extensionType: {
    type: "string",
    maxLength: 128,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    form: "an extension type such as microsoft.flux",
    description: "Extension type, e.g. `microsoft.flux` (case-insensitive)",
  },
} satisfies QuerySpec;

export type ScopeQuery = ParsedQuery<typeof SCOPE_QUERY>;

interface Located {
  clusterId: string;
  subscriptionId: string;
  extensionType?: string;
  clusterKind?: ClusterKind;
}

/** True for a failure in the asked scope; every filter left out matches. */
export function scopeMatcher(query: ScopeQuery): (row: Located) => boolean {
  const sub = query.subscription?.toLowerCase();
  const rg = query.resourceGroup?.toLowerCase();
  const ext = query.extensionType?.toLowerCase();
  if (!sub && !rg && !ext && !query.kind) return () => true;
  return (row) => {
    if (sub && row.subscriptionId.toLowerCase() !== sub) return false;
    if (ext && row.extensionType?.toLowerCase() !== ext) return false;
    if (!query.kind && !rg) return true;
    const cluster = clusterOf(row.clusterId);
    // A row whose cluster id cannot be read is in no kind or resource group: it is left out, not guessed.
    return !!cluster && (!query.kind || (row.clusterKind ?? cluster.kind) === query.kind) && (!rg || cluster.resourceGroup.toLowerCase() === rg);
  };
}

function clusterOf(id: string): { kind: ClusterKind; resourceGroup: string } | undefined {
  try {
    return parseClusterId(id);
  } catch {
    return undefined;
  }
}
