import type { CatalogEntry } from "../types";

/**
 * Helm errors an extension install or upgrade reports (seed 002, the Italian translation of
 * "Troubleshoot errors when deploying AKS cluster extensions"). Azure puts the Helm text inside
 * its own wrappers: "Helm installation failed : <text> : InnerError [<helm's own error>]".
 */
export const EXTENSION_ERRORS_SEED = "002_1f57d5e599fcc6cd.txt";
export const EXTENSION_ERRORS_DOC = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/cluster-extension-deployment-errors";

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
      // The extension manager's older wording: Helm's --atomic install gave up waiting for the release's resources.
      String.raw`failed to install chart from path \[[^\]]*\] for release \[[^\]]+\]: err \[release \S+ failed,? and has been uninstalled due to atomic being set: timed out waiting for the condition`,
    ],
    cause:
      "Pods, jobs or other resources of the extension's chart never became ready: too little CPU or memory, policy " +
      "constraints or taints such as NoSchedule, a Linux workload scheduled on Windows nodes (or the reverse), or " +
      "wrong configuration settings that keep pods from starting.",
    steps: [
      {
        text:
          "Check that the cluster has enough CPU and memory and that pod scheduling is allowed on the nodes " + "(consider taints and node OS/architecture).",
      },
      { text: "Inspect the events in the extension's namespace to find the resource that did not become ready and why." },
      { text: "Check the extension's configuration settings (the Helm values) against its documentation." },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}timeout in attesa dell'idoneità delle risorse` }],
    anchors: ["timed out waiting for the resource to come to a ready/completed state"],
    examples: [
      "Error: {failed to install chart from path [] for release [lima-test]: err [release lima-test failed, and has been uninstalled due to atomic being set: timed out waiting for the condition]} occurred while doing the operation : {Installing the extension} on the config",
      "Timed out waiting for the resource to come to a ready/completed state.",
      "job failed: BackoffLimitExceeded",
      "Helm installation failed : Timed out waiting for the resource to come to a ready/completed state. Last resource not ready was dataprotection-microsoft/dataprotection-microsoft-geneva-service : InnerError [release azbkuextension failed, and has been uninstalled due to atomic being set: context deadline exceeded]",
      "(ExtensionOperationFailed) The extension operation failed with the following error:  Error: [ InnerError: [Helm installation failed : Timed out waiting for the resource to come to a ready/completed state. Last resource not ready was dapr-system/dapr-sidecar-injector : InnerError [context deadline exceeded]]] occurred while doing the operation : [Create] on the config",
      "Helm upgrade failed : Error: failed post-install: job failed: BackoffLimitExceeded",
    ],
    nearMisses: [
      "UPGRADE FAILED: gke-release-app failed, and has been rollback due to atomic being set: timeout waiting for the condition.",
      "Unable to install helm release: Error: UPGRADE Failed: time out waiting for the condition",
      "Health check failed after 5m0.012s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress']",
    ],
  },
  {
    id: "helm-chart-download",
    title: "Helm chart could not be downloaded (repository unreachable, or chart/version not found)",
    category: "helm",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`unable to download the helm chart from the repo(?:sitory)?(?: url)?\b`,
      // Helm's own words when the chart or the version is not in the repository or registry.
      String.raw`\bchart not found: \S+`,
      String.raw`\bchart not found in repo\b`,
      String.raw`\bchart "?[^" ]+"? version "?[^" ]+"? not found in \S+ repository`,
      String.raw`\bpulling from (\S+) error: \1:\S+: not found`,
      String.raw`\bfailed to download "[^"]+"(?: at version "[^"]+"| \(hint: running .?helm repo update.? may help\))`,
      // The extension manager's own wording when the chart reference it pulls does not exist in the registry.
      String.raw`\bfailed to setup helm client\b.{0,80}?\berr \W?[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?/\S+?: not found`,
      // Flux's HelmChart (and Helm's OCI client) when no version satisfies the requested range.
      String.raw`\bcould not locate a version matching provided version string\b`,
    ],
    cause:
      "Helm cannot get the chart: the cluster cannot reach the repository that serves it (a firewall or egress " +
      "restriction blocks the connection), or the repository answers but has no chart of that name or version.",
    steps: [
      {
        text:
          "Allow the outbound network and FQDN rules for AKS clusters (for Arc, the Arc network requirements), " +
          "including the registry that serves the chart, then retry the install.",
      },
      {
        text: "If the message says the chart or version is not found, correct the chart reference or version (or publish the chart), then retry.",
        command: "helm search repo <chart> --versions",
      },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}impossibile scaricare il grafico Helm dall'URL del repository` }],
    examples: [
      "Unable to download the Helm chart from the repo URL",
      'Helm installation failed : Unable to download the Helm chart from the repo URL : InnerError [failed to do request: Head "https://mcr.microsoft.com/v2/azuremonitor/containerinsights/manifests/3.1.20": dial tcp: lookup mcr.microsoft.com: i/o timeout]',
      "The extension operation failed with the following error: Unable to download the Helm chart from the repository. Please check the network connectivity of the cluster.",
      "Error: Chart not found: mcr.microsoft.com/azuremonitor/containerinsights/preview/azuremonitor-containers:2.8.2",
      'Error: INSTALLATION FAILED: failed to download "oci://contoso.azurecr.io/charts/haveged" at version "0.1.1"',
      "(ExtensionOperationFailed) The extension operation failed with the following error:  Error: [Failed to setup Helm client during helm chart installation : err [mcr.microsoft.com/azurearck8s/helmchart/stable/contoso-agent:2.3.0: not found]] occurred while doing the operation : [Create] on the config",
      "chart pull error: failed to get chart version for remote reference: could not locate a version matching provided version string >=1.2.0-rc.1",
    ],
    nearMisses: [
      'failed to retrieve source: HelmRepository.source.toolkit.fluxcd.io "jetstack-charts" not found',
      "Failed to download Helm from location https://get.helm.sh/helm-v1.2.1-linux-amd64.zip",
      "Unable to pull cluster-diagnostic-checks helm chart from the registry 'mcr.microsoft.com/azurearck8s/helmchart/stable/clusterdiagnosticchecks:0.1.2': Error: failed to do request: i/o timeout",
      // The Helm client could not be set up for another reason than a missing chart.
      "Error: [Failed to setup Helm client during helm chart upgrade : err [kubernetes cluster unreachable: the server has asked for the client to provide credentials]]",
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
    cause: "A mandatory configuration setting (passed to the chart as a Helm value) is missing or wrong, so the chart " + "cannot render.",
    steps: [
      {
        text:
          "Check the extension's documentation for mandatory configuration settings and their allowed values, then " +
          "update the extension with corrected --configuration-settings.",
      },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: `${SECTION_PREFIX}il rendering del grafico Helm non è riuscito con i valori specificati` }],
    anchors: ["helm chart rendering failed with given values"],
    examples: [
      "Helm chart rendering failed with given values",
      'Helm installation failed : Helm chart rendering failed with given values : InnerError [template: azureml-fe/templates/deployment.yaml:12:20: executing "azureml-fe/templates/deployment.yaml" at <required "inferenceRouterServiceType is required" .Values.inferenceRouterServiceType>: error calling required: inferenceRouterServiceType is required]',
      "Helm installation failed : InnerError [execution error at (dapr/charts/dapr_operator/templates/dapr_operator_deployment.yaml:31:18): global.ha.replicaCount must be at least 3]",
    ],
    nearMisses: ["Helm chart rendering succeeded; waiting for resources"],
  },
  {
    id: "helm-resource-exists",
    title: "Extension install conflicts with a resource that already exists in the cluster",
    category: "helm",
    severity: "medium",
    observable: ["extension"],
    signatures: [String.raw`resource already exist(?:s|ing) in (?:your|the) cluster`, String.raw`rendered manifests contain a resource that already exists`],
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
    anchors: ["rendered manifests contain a resource that already exists"],
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
