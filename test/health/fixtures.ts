/** Rows shaped as Resource Graph returns them (extension properties PascalCase, Flux camelCase). */
export const SUB = "00000000-0000-0000-0000-0000000000a1";
export const ARC_ID = `/subscriptions/${SUB}/resourceGroups/RG-One/providers/Microsoft.Kubernetes/connectedClusters/Arc-1`;
export const AKS_ID = `/subscriptions/${SUB}/resourceGroups/rg-two/providers/Microsoft.ContainerService/managedClusters/aks-1`;
export const NOW = new Date("2026-11-22T00:00:00Z");

export function arcRow(properties: Record<string, unknown> = {}) {
  return {
    id: ARC_ID,
    name: "Arc-1",
    type: "microsoft.kubernetes/connectedclusters",
    location: "westeurope",
    subscriptionId: SUB,
    resourceGroup: "RG-One",
    tags: { team: "edge" },
    properties: {
      connectivityStatus: "Connected",
      lastConnectivityTime: "2026-11-21T23:55:00Z",
      provisioningState: "Succeeded",
      agentVersion: "1.20.1",
      ...properties,
    },
  };
}

export function aksRow(properties: Record<string, unknown> = {}) {
  return {
    id: AKS_ID,
    name: "aks-1",
    type: "microsoft.containerservice/managedclusters",
    subscriptionId: SUB,
    resourceGroup: "rg-two",
    properties: { powerState: { code: "Running" }, provisioningState: "Succeeded", kubernetesVersion: "1.30.3", ...properties },
  };
}

export function extensionRow(clusterId: string, name: string, properties: Record<string, unknown> = {}) {
  return {
    id: `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
    name,
    type: "microsoft.kubernetesconfiguration/extensions",
    properties: { ExtensionType: "microsoft.flux", ProvisioningState: "Succeeded", Statuses: [], ...properties },
  };
}

export function fluxRow(clusterId: string, name: string, properties: Record<string, unknown> = {}) {
  return {
    id: `${clusterId}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${name}`,
    name,
    type: "microsoft.kubernetesconfiguration/fluxconfigurations",
    properties: {
      complianceState: "Compliant",
      provisioningState: "Succeeded",
      errorMessage: "",
      suspend: false,
      statuses: [
        {
          name,
          namespace: "flux-system",
          kind: "GitRepository",
          complianceState: "Compliant",
          statusConditions: [{ type: "Ready", status: "True", reason: "Succeeded", message: "stored artifact" }],
        },
      ],
      ...properties,
    },
  };
}

export function sourceControlRow(clusterId: string, name: string, properties: Record<string, unknown> = {}) {
  return {
    id: `${clusterId}/providers/Microsoft.KubernetesConfiguration/sourceControlConfigurations/${name}`,
    name,
    type: "microsoft.kubernetesconfiguration/sourcecontrolconfigurations",
    properties: {
      provisioningState: "Succeeded",
      complianceStatus: { complianceState: "Installed", message: "ok", messageLevel: "Information" },
      ...properties,
    },
  };
}
