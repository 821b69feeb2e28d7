import type { CatalogEntry } from "../types";

/**
 * Helm errors an extension install or upgrade reports (seed 002, the Italian translation of
 * "Troubleshoot errors when deploying AKS cluster extensions"). Azure puts the Helm text inside
 * its own wrappers: "Helm installation failed : <text> : InnerError [<helm's own error>]".
 */
export const EXTENSION_ERRORS_SEED = "002_1f57d5e599fcc6cd.txt";
export const EXTENSION_ERRORS_DOC =
  "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/cluster-extension-deployment-errors";

const SECTION_PREFIX = "Errore: ";

export const entries: CatalogEntry[] = [
  {
    id: "helm-timeout-ready",
    title: "Extension install timed out waiting for its resources to become ready",
    category: "helm",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`timed out waiting for the resource to come to a ready/completed state`,
      String.raw`\bjob failed: backofflimitexceeded\b`,
    ],
    cause:
      "Pods, jobs or other resources of the extension's chart never became ready: too little CPU or memory, policy " +
      "constraints or taints such as NoSchedule, a Linux workload scheduled on Windows nodes (or the reverse), or " +
      "wrong configuration settings that keep pods from starting.",
    steps: [
      {
        text:
          "Check that the cluster has enough CPU and memory and that pod scheduling is allowed on the nodes " +
          "(consider taints and node OS/architecture).",
      },
      { text: "Inspect the events in the extension's namespace to find the resource that did not become ready and why." },
      { text: "Check the extension's configuration settings (the Helm values) against its documentation." },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}timeout in attesa dell'idoneità delle risorse` }],
    examples: [
      "Timed out waiting for the resource to come to a ready/completed state.",
      "job failed: BackoffLimitExceeded",
      "Helm installation failed : Timed out waiting for the resource to come to a ready/completed state. Last resource not ready was dataprotection-microsoft/dataprotection-microsoft-geneva-service : InnerError [release azbkuextension failed, and has been uninstalled due to atomic being set: context deadline exceeded]",
      "(ExtensionOperationFailed) The extension operation failed with the following error:  Error: [ InnerError: [Helm installation failed : Timed out waiting for the resource to come to a ready/completed state. Last resource not ready was dapr-system/dapr-sidecar-injector : InnerError [context deadline exceeded]]] occurred while doing the operation : [Create] on the config",
      "Helm upgrade failed : Error: failed post-install: job failed: BackoffLimitExceeded",
    ],
    nearMisses: [
      "Unable to install helm release: Error: UPGRADE Failed: time out waiting for the condition",
      "Health check failed after 5m0.012s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress']",
    ],
  },
  {
    id: "helm-chart-download",
    title: "Extension install could not download its Helm chart",
    category: "helm",
    severity: "high",
    observable: ["extension"],
    signatures: [String.raw`unable to download the helm chart from the repo(?:sitory)?(?: url)?\b`],
    cause:
      "The cluster cannot reach the repository that serves the extension's Helm chart: a firewall or egress " +
      "restriction blocks the connection.",
    steps: [
      {
        text:
          "Allow the outbound network and FQDN rules for AKS clusters (for Arc, the Arc network requirements), " +
          "including the registry that serves the chart, then retry the install.",
      },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}impossibile scaricare il grafico Helm dall'URL del repository` }],
    examples: [
      "Unable to download the Helm chart from the repo URL",
      'Helm installation failed : Unable to download the Helm chart from the repo URL : InnerError [failed to do request: Head "https://mcr.microsoft.com/v2/azuremonitor/containerinsights/manifests/3.1.20": dial tcp: lookup mcr.microsoft.com: i/o timeout]',
      "The extension operation failed with the following error: Unable to download the Helm chart from the repository. Please check the network connectivity of the cluster.",
    ],
    nearMisses: [
      "Unable to pull cluster-diagnostic-checks helm chart from the registry 'mcr.microsoft.com/azurearck8s/helmchart/stable/clusterdiagnosticchecks:0.1.2': Error: failed to do request: i/o timeout",
    ],
  },
  {
    id: "helm-chart-render",
    title: "Extension's Helm chart failed to render with the given configuration settings",
    category: "helm",
    severity: "medium",
    observable: ["extension"],
    signatures: [
      String.raw`helm chart rendering failed with (?:the )?given values`,
      // Helm's own text when a chart's `required`/`fail` template aborts on a missing or wrong value
      String.raw`\bexecution error at \([^)]*templates/[^)]*\)`,
    ],
    cause:
      "A mandatory configuration setting (passed to the chart as a Helm value) is missing or wrong, so the chart " +
      "cannot render.",
    steps: [
      {
        text:
          "Check the extension's documentation for mandatory configuration settings and their allowed values, then " +
          "update the extension with corrected --configuration-settings.",
      },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [
      { seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}il rendering del grafico Helm non è riuscito con i valori specificati` },
    ],
    examples: [
      "Helm chart rendering failed with given values",
      "Helm installation failed : Helm chart rendering failed with given values : InnerError [template: azureml-fe/templates/deployment.yaml:12:20: executing \"azureml-fe/templates/deployment.yaml\" at <required \"inferenceRouterServiceType is required\" .Values.inferenceRouterServiceType>: error calling required: inferenceRouterServiceType is required]",
      'Helm installation failed : InnerError [execution error at (dapr/charts/dapr_operator/templates/dapr_operator_deployment.yaml:31:18): global.ha.replicaCount must be at least 3]',
    ],
    nearMisses: ["Helm chart rendering succeeded; waiting for resources"],
  },
  {
    id: "helm-resource-exists",
    title: "Extension install conflicts with a resource that already exists in the cluster",
    category: "helm",
    severity: "medium",
    observable: ["extension"],
    signatures: [
      String.raw`resource already exist(?:s|ing) in (?:your|the) cluster`,
      String.raw`rendered manifests contain a resource that already exists`,
    ],
    cause:
      "A Kubernetes resource the extension installs already exists in the cluster (often from an earlier manual " +
      "Helm install of the same software); the message names the conflicting resource.",
    steps: [
      {
        text:
          "If the conflicting resource is not critical, delete it (the message names it) and retry the installation; " +
          "if it is essential and cannot be replaced, the extension cannot be installed alongside it.",
        command: "kubectl delete <resource type> -n <resource namespace> <resource name>",
      },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}la risorsa esiste già nel cluster` }],
    examples: [
      "Resource already exists in your cluster",
      'Helm installation failed : Resource already existing in your cluster : Recommendation Manually delete the resource(s) that currently exist in your cluster and try installation again. To delete these resources run the following commands: kubectl delete <resource type> -n <resource namespace> <resource name> : InnerError [rendered manifests contain a resource that already exists. Unable to continue with install: CustomResourceDefinition "azureappconfigurationproviders.azconfig.io" in namespace "" exists and cannot be imported into the current release]',
      "(ExtensionOperationFailed) The extension operation failed with the following error:  Error: [ InnerError: [Helm installation failed : Resource already existing in your cluster : Recommendation Manually delete the resource(s) that currently exist in your cluster and try installation again.]]",
    ],
    nearMisses: ['namespaces "flux-system" already exists (AlreadyExists) while creating the Flux configuration'],
  },
  {
    id: "helm-operation-in-progress",
    title: "Another Helm operation is already in progress for the extension's release",
    category: "helm",
    severity: "low",
    observable: ["extension"],
    signatures: [
      String.raw`operation is already in progress for (?:the )?helm`,
      String.raw`helm operation is (?:already )?in progress`,
      String.raw`another operation \(install/upgrade/rollback\) is in progress`,
    ],
    cause: "An install, upgrade or rollback of the same Helm release is still running.",
    steps: [{ text: "Wait 10 minutes, then retry the operation." }],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}l'operazione è già in corso per Helm` }],
    examples: [
      "Operation is already in progress for Helm",
      "Helm installation failed : Operation is already in progress for Helm : InnerError [another operation (install/upgrade/rollback) is in progress]",
      "Helm upgrade failed: another operation (install/upgrade/rollback) is in progress",
    ],
    nearMisses: [
      "Operation is not allowed: Another operation (Updating) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details",
    ],
  },
];
