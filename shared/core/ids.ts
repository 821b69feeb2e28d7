/**
 * ARM id parsing for clusters and the configuration resources under them. ARM ids are
 * case-insensitive and Resource Graph tables disagree on casing, so every comparison goes through
 * `normalizeId` and parsing matches provider and type names case-insensitively.
 */
/** Which Azure resource a cluster is: Arc `connectedClusters` or AKS `managedClusters`. */
export type ClusterKind = "arc" | "aks";

/** Canonical form of an ARM id: ARM ids are case-insensitive. */
export function normalizeId(id: string): string {
  return id.trim().replace(/\/+$/, "").toLowerCase();
}

export interface ClusterRef {
  /** Canonical (lower-cased) id. */
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `Microsoft.Kubernetes` or `Microsoft.ContainerService`, spelled as the SDK path expects. */
  provider: string;
  /** `connectedClusters` or `managedClusters`. */
  resourceType: string;
  name: string;
  kind: ClusterKind;
}

export const CONFIG_TYPES = ["extensions", "fluxConfigurations", "sourceControlConfigurations"] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

export interface ConfigRef {
  cluster: ClusterRef;
  type: ConfigType;
  name: string;
}

export class InvalidResourceIdError extends Error {
  readonly code = "InvalidResourceId";
  constructor(
    readonly id: string,
    reason: string,
  ) {
    super(`${reason}: "${id.length > 300 ? id.slice(0, 300) + "..." : id}"`);
    this.name = "InvalidResourceIdError";
  }
}

const CLUSTER_TYPES: Record<string, { provider: string; resourceType: string; kind: ClusterKind }> = {
  "microsoft.kubernetes/connectedclusters": { provider: "Microsoft.Kubernetes", resourceType: "connectedClusters", kind: "arc" },
  "microsoft.containerservice/managedclusters": { provider: "Microsoft.ContainerService", resourceType: "managedClusters", kind: "aks" },
};

/** The Resource Graph `type` strings of cluster rows (lower case, as ARG returns them). */
export const CLUSTER_RESOURCE_TYPES = Object.keys(CLUSTER_TYPES);
/** The Resource Graph `type` strings of configuration rows. */
export const CONFIG_RESOURCE_TYPES = CONFIG_TYPES.map((t) => `microsoft.kubernetesconfiguration/${t.toLowerCase()}`);

const CONFIG_PROVIDER = "/providers/microsoft.kubernetesconfiguration/";

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}` of a cluster. */
export function parseClusterId(id: string): ClusterRef {
  const parts = id.trim().replace(/\/+$/, "").split("/");
  // ["", "subscriptions", s, "resourceGroups", rg, "providers", ns, type, name]
  if (
    parts.length !== 9 ||
    parts[0] !== "" ||
    parts[1].toLowerCase() !== "subscriptions" ||
    parts[3].toLowerCase() !== "resourcegroups" ||
    parts[5].toLowerCase() !== "providers"
  ) {
    throw new InvalidResourceIdError(id, "not a cluster resource id");
  }
  const type = CLUSTER_TYPES[`${parts[6]}/${parts[7]}`.toLowerCase()];
  if (!type) throw new InvalidResourceIdError(id, "not a connectedClusters or managedClusters id");
  if (!parts[2] || !parts[4] || !parts[8]) throw new InvalidResourceIdError(id, "empty segment in cluster id");
  return { id: normalizeId(id), subscriptionId: parts[2].toLowerCase(), resourceGroup: parts[4], name: parts[8], ...type };
}

/**
 * The parent cluster of a configuration row: everything before `/providers/Microsoft.KubernetesConfiguration/`.
 * The configuration type and name follow it.
 */
export function parseConfigId(id: string): ConfigRef {
  const lower = id.toLowerCase();
  const at = lower.indexOf(CONFIG_PROVIDER);
  if (at < 0) throw new InvalidResourceIdError(id, "not a Microsoft.KubernetesConfiguration id");
  const [type, name, ...rest] = id
    .slice(at + CONFIG_PROVIDER.length)
    .replace(/\/+$/, "")
    .split("/");
  const configType = CONFIG_TYPES.find((t) => t.toLowerCase() === type?.toLowerCase());
  if (!configType || !name || rest.length) throw new InvalidResourceIdError(id, "not an extension, fluxConfiguration or sourceControlConfiguration id");
  return { cluster: parseClusterId(id.slice(0, at)), type: configType, name };
}
