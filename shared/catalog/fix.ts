/**
 * Fix steps ready to run on one cluster: the catalog's commands with that cluster's own names filled in,
 * and only the steps that apply to its kind (Arc-enabled or AKS). A placeholder stays where the value is
 * not known, so a command is never completed with a guess.
 */
import type { CatalogEntry, RemediationStep } from "./types";

/** What is known about the failing component and its cluster; every field optional. */
export interface FixTarget {
  clusterKind?: "arc" | "aks";
  clusterName?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  /** The cluster's Azure region. */
  location?: string;
  /** The cluster extension's resource name (`az k8s-extension -n`). */
  extensionName?: string;
  /** The Flux configuration's resource name (`az k8s-configuration flux -n`). */
  configurationName?: string;
  /** The Kubernetes namespace of the failing object. */
  namespace?: string;
}

/**
 * The catalog's placeholders, as the source documents spell them (`<resource-group>`, `<RESOURCE_GROUP>`,
 * `<MyClusterResourceGroup>`, `$RESOURCE_GROUP` ...), by their letters only, to the value that fills them.
 */
const PLACEHOLDERS: Record<string, (t: FixTarget) => string | undefined> = {
  resourcegroup: (t) => t.resourceGroup,
  resourcegroupname: (t) => t.resourceGroup,
  myclusterresourcegroup: (t) => t.resourceGroup,
  clustername: (t) => t.clusterName,
  mycluster: (t) => t.clusterName,
  subscriptionid: (t) => t.subscriptionId,
  region: (t) => t.location,
  extensionname: (t) => t.extensionName,
  configname: (t) => t.configurationName,
  namespace: (t) => t.namespace,
  namespacename: (t) => t.namespace,
  ns: (t) => t.namespace,
  // `-t <connectedClusters or managedClusters>`: the cluster type the az k8s-* commands take
  connectedclustersormanagedclusters: (t) => clusterType(t.clusterKind),
  managedclustersorconnectedclusters: (t) => clusterType(t.clusterKind),
};

const clusterType = (kind: FixTarget["clusterKind"]) => (kind === "arc" ? "connectedClusters" : kind === "aks" ? "managedClusters" : undefined);

/** `<anything>` or `$SHELL_VARIABLE`, the two placeholder forms the catalog's commands use. */
const PLACEHOLDER = /<([^<>\n]+)>|\$([A-Z][A-Z_]+)\b/g;

/** A command with every known placeholder filled in; unknown ones stay as written. */
export function fillCommand(command: string, target: FixTarget): string {
  return command.replace(PLACEHOLDER, (whole, angled: string | undefined, shell: string | undefined) => {
    const key = (angled ?? shell ?? "").toLowerCase().replace(/[^a-z]/g, "");
    return PLACEHOLDERS[key]?.(target) ?? whole;
  });
}

/**
 * The cluster kinds a step applies to: the step's own `clusterKinds`, else what its command says
 * (`az connectedk8s` only exists for Arc, `az aks` only for AKS, except the client install), else both.
 */
export function stepClusterKinds(step: RemediationStep): ReadonlyArray<"arc" | "aks"> {
  if (step.clusterKinds) return step.clusterKinds;
  const command = step.command ?? "";
  if (/\baz connectedk8s\b/.test(command)) return ["arc"];
  if (/\baz aks (?!install-cli\b)/.test(command)) return ["aks"];
  return ["arc", "aks"];
}

/** The entry's steps for this cluster: other kinds' steps left out, commands filled in. */
export function renderFix(entry: CatalogEntry, target: FixTarget = {}): RemediationStep[] {
  return entry.steps
    .filter((step) => !target.clusterKind || stepClusterKinds(step).includes(target.clusterKind))
    .map((step) => ({ text: step.text, ...(step.command ? { command: fillCommand(step.command, target) } : {}) }));
}
