import type { CatalogEntry } from "../types";

/**
 * Service Connector on AKS (seed 003, German). Service Connector installs a cluster extension named
 * sc-extension, of type microsoft.servicelinker.connection, into the sc-system namespace; a job
 * called sc-job creates the connection's Kubernetes resources.
 */
export const SERVICE_CONNECTOR_SEED = "003_8b4d04da36e6c62a.txt";
export const SERVICE_CONNECTOR_DOC = "https://learn.microsoft.com/azure/service-connector/how-to-use-service-connector-in-aks";

/**
 * Only the extension type: the plain agent and readiness timeouts also belong to generic entries, and
 * a component or cluster kind alone must not make these outrank them.
 */
const SC_CONTEXT: CatalogEntry["context"] = { extensionTypes: ["microsoft.servicelinker.connection"] };

const SHOW_SC_EXTENSION = [
  "az extension add --name k8s-extension",
  "az k8s-extension show --resource-group <MyClusterResourceGroup> --cluster-name <MyCluster> --cluster-type managedClusters --name sc-extension",
].join("\n");

export const entries: CatalogEntry[] = [
  {
    id: "sc-conflict",
    title: "Service Connector: operation returned Conflict",
    category: "service-connector",
    severity: "medium",
    observable: ["extension"],
    signatures: [String.raw`operation returned an invalid status code\W+conflict\b`],
    context: SC_CONTEXT,
    cause:
      "The service connection was created while the AKS cluster was being updated, and the two operations conflict; " +
      "or the subscription is not registered with the Microsoft.KubernetesConfiguration resource provider.",
    steps: [
      {
        text: "Make sure the subscription is registered with Microsoft.KubernetesConfiguration.",
        command: "az provider register -n Microsoft.KubernetesConfiguration",
      },
      { text: "Wait until the cluster's provisioning state is Succeeded, then retry creating the connection." },
    ],
    docUrl: SERVICE_CONNECTOR_DOC,
    origin: "documented",
    sources: [{ seed: SERVICE_CONNECTOR_SEED, section: "Conflict" }],
    examples: [
      "Operation returned an invalid status code: Conflict",
      "Operation returned an invalid status code 'Conflict'",
      "The extension operation failed with the following error: Operation returned an invalid status code: Conflict. Please retry after the cluster update completes.",
    ],
    nearMisses: [
      "Operation returned an invalid status code 'NotFound'",
      "Operation is not allowed: Another operation (Updating) is in progress, please wait for it to finish before starting a new operation.",
    ],
  },
  {
    id: "sc-agent-timeout",
    title: "Service Connector extension timed out (sc-job could not run)",
    category: "service-connector",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`long running operation failed with status\W+failed\W+\.?\s*unable to get a response from the agent in time`,
      String.raw`\bsc-(?:extension|job|system)\b.{0,300}unable to get a response from the agent in time`,
      String.raw`\bsc-(?:extension|job|system)\b.{0,300}timed out waiting for the resource to come to a ready/completed state`,
      String.raw`timed out waiting for the resource to come to a ready/completed state\b.{0,300}\bsc-(?:job|system)\b`,
      // the plain texts belong here only when the extension is known to be Service Connector's
      String.raw`unable to get a response from the agent in time`,
      String.raw`timed out waiting for the resource to come to a ready/completed state`,
    ],
    context: SC_CONTEXT,
    cause:
      "The Kubernetes job (sc-job) that creates or updates the Service Connector extension's resources could not be " +
      "scheduled or did not finish, usually for lack of resources, often because nodes were evicted early.",
    steps: [
      { text: "Read the extension's statuses.", command: SHOW_SC_EXTENSION },
      {
        text: "Connect to the cluster and check the sc-system namespace, the Helm release and the sc-job job (no job means it ran and was deleted).",
        command: [
          "az aks get-credentials --resource-group <MyClusterResourceGroup> --name <MyCluster>",
          "kubectl get ns",
          "helm list -n sc-system",
          "kubectl get job -n sc-system",
          "kubectl describe job/sc-job -n sc-system",
          "kubectl logs job/sc-job -n sc-system",
        ].join("\n"),
      },
      { text: "If no nodes are available (for example after early eviction), add nodes or enable the cluster autoscaler." },
      {
        text: "If nothing else helps, reset the extension by deleting it and creating the connection again.",
        command: [
          "az extension add --name k8s-extension",
          "az k8s-extension delete --resource-group <MyClusterResourceGroup> --cluster-name <MyCluster> --cluster-type managedClusters --name sc-extension",
        ].join("\n"),
      },
    ],
    docUrl: SERVICE_CONNECTOR_DOC,
    origin: "documented",
    sources: [{ seed: SERVICE_CONNECTOR_SEED, section: "Timeout" }],
    anchors: ["unable to get a response from the agent in time", "timed out waiting for the resource to come to a ready/completed state"],
    examples: [
      "Long running operation failed with status 'Failed'. Unable to get a response from the Agent in time",
      "(ExtensionOperationFailed) Long running operation failed with status 'Failed'. Unable to get a response from the Agent in time.",
      "Extension sc-extension: Helm installation failed : Timed out waiting for the resource to come to a ready/completed state.",
      "Helm installation failed : Timed out waiting for the resource to come to a ready/completed state. Last resource not ready was sc-system/sc-job : InnerError [job failed: BackoffLimitExceeded]",
    ],
    nearMisses: ["Long running operation failed with status 'Failed'. The resource operation completed with terminal provisioning state 'Failed'."],
  },
  {
    id: "sc-permission-denied",
    title: "Service Connector lacks permission on a target Azure resource",
    category: "permissions",
    severity: "medium",
    observable: ["extension"],
    signatures: [String.raw`you do not have permission to perform\b.{0,400}?if access was recently granted,? please refresh your credentials`],
    context: SC_CONTEXT,
    cause:
      "Service Connector acts on the Azure resources you connect to on your behalf and needs permissions on them; " +
      "the identity used lacks a required permission on a resource named in the message.",
    steps: [
      {
        text:
          "Check the permissions on the Azure resources named in the message, grant the required role, refresh the " +
          "credentials (sign in again) and retry creating the connection.",
      },
    ],
    docUrl: SERVICE_CONNECTOR_DOC,
    origin: "documented",
    sources: [{ seed: SERVICE_CONNECTOR_SEED, section: "Nicht autorisierter Ressourcenzugriff" }],
    examples: [
      "You do not have permission to perform ... If access was recently granted, please refresh your credentials",
      "You do not have permission to perform 'Microsoft.KeyVault/vaults/write' on resource '/subscriptions/0f0f0000-1111-2222-3333-444455556666/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-app-01'. If access was recently granted, please refresh your credentials.",
      "(AuthorizationFailed) You do not have permission to perform action 'Microsoft.Storage/storageAccounts/listKeys/action' over scope '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stapp'. If access was recently granted, please refresh your credentials.",
    ],
    nearMisses: [
      'Error: list: failed to list: secrets is forbidden: User "myuser" cannot list resource "secrets" in API group "" at the cluster scope',
      "You do not have permission to view this directory or page.",
    ],
  },
];
