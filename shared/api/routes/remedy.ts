/** The part of a catalog entry a person needs next to a failure: what it is and how to fix it. */
import { getEntry } from "../../catalog";
import { renderFix, type FixTarget } from "../../catalog/fix";
import type { ComponentRecord } from "../../store/types";

export interface Remedy {
  id: string;
  title: string;
  category: string;
  severity: string;
  cause: string;
  steps: Array<{ text: string; command?: string }>;
  docUrl: string;
}

/** The entry's remedy; with a target, its steps are ready to run there (renderFix). */
export function remedyFor(catalogId: string | null | undefined, target?: FixTarget): Remedy | null {
  const entry = catalogId ? getEntry(catalogId) : undefined;
  if (!entry) return null;
  return {
    id: entry.id,
    title: entry.title,
    category: entry.category,
    severity: entry.severity,
    cause: entry.cause,
    steps: renderFix(entry, target),
    docUrl: entry.docUrl,
  };
}

/** What a stored component says about where its fix runs: cluster, resource group, extension or configuration name, namespace. */
export function fixTargetOf(c: ComponentRecord): FixTarget {
  return {
    clusterKind: c.clusterKind,
    clusterName: c.clusterName,
    resourceGroup: c.resourceGroup,
    subscriptionId: c.subscriptionId,
    ...(c.kind === "extension" ? { extensionName: c.name } : {}),
    ...(c.kind === "flux" ? { configurationName: c.name } : {}),
    ...(c.facts?.namespace ? { namespace: c.facts.namespace } : {}),
  };
}
