import type { CatalogEntry } from "../types";

/**
 * GitOps (Flux v1 and v2) problems documented in seed 000, the German translation of the Azure Arc
 * and GitOps troubleshooting article. Messages are quoted from the seed; variants are the same text
 * as Azure wraps it (extension statuses, ARM error JSON, YAML status blocks).
 */
export const ARC_TROUBLESHOOTING_SEED = "000_a421b814d94b038a.txt";
export const ARC_TROUBLESHOOTING_DOC = "https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting";
const FLUX = ["microsoft.flux"];

/** The seed's remedy for every broken microsoft.flux install: force-delete, uninstall the release, drop the namespace. */
const FLUX_RESET = [
  "az k8s-extension delete --force -g <RESOURCE_GROUP> -c <CLUSTER_NAME> -n flux -t <managedClusters OR connectedClusters>",
  "helm uninstall flux -n flux-system",
  "kubectl delete namespaces flux-system",
].join("\n");

const SHOW_FLUX = "az k8s-extension show -g <RESOURCE_GROUP> -c <CLUSTER_NAME> -n flux -t <connectedClusters or managedClusters>";

export const entries: CatalogEntry[] = [
  {
    id: "flux-v1-operator-install",
    title: "Flux v1 sourceControlConfiguration stuck Pending: installing the operator failed",
    category: "flux",
    severity: "high",
    observable: ["flux"],
    signatures: [String.raw`occurred while doing the operation\W*:?\W*\{?installing the operator\}?`],
    context: { components: ["flux"] },
    cause:
      "The config agent could not install the Flux v1 operator for a sourceControlConfiguration, so the configuration " +
      "stays Pending. Flux v1 is retired in Azure; configurations should move to Flux v2 (fluxConfigurations).",
    steps: [
      {
        text: "Read the config agent log and the GitConfig status on the cluster to see why the operator install failed.",
        command: [
          "kubectl -n azure-arc logs -l app.kubernetes.io/component=config-agent -c config-agent",
          "kubectl -n <namespace> get gitconfigs.clusterconfig.azure.com -o yaml",
        ].join("\n"),
      },
      {
        text: "Re-run the provider check and the configuration create with --debug to see the request Azure rejected.",
        command: ["az provider show -n Microsoft.KubernetesConfiguration --debug", "az k8s-configuration create <parameters> --debug"].join("\n"),
      },
      {
        text: "Flux v1 is being retired: recreate the configuration as a Flux v2 fluxConfiguration.",
        command: "az k8s-configuration flux create <parameters> --debug",
      },
    ],
    docUrl: ARC_TROUBLESHOOTING_DOC,
    origin: "documented",
    sources: [{ seed: ARC_TROUBLESHOOTING_SEED, section: "Flux v1: sourceControlConfigurations bleibt Pending" }],
    examples: [
      "Error: {exit status 1} occurred while doing the operation : {Installing the operator} on the config",
      "message: 'Error: {exit status 1} occurred while doing the operation : {Installing\nthe operator} on the config'",
      "complianceStatus: Failed. Error: {exit status 2} occurred while doing the operation : {Installing the operator} on the config 'cluster-config' in namespace 'team-a'",
      '{"complianceState":"Failed","messageLevel":"Error","message":"Error: {exit status 1} occurred while doing the operation : {Installing the operator} on the config"}',
    ],
    nearMisses: [
      // the v2 extension install failure shares the phrasing but names the extension, not the operator
      "Error: {failed to install chart from path [] for release [flux]: err [cannot re-use a name that is still in use]} occurred while doing the operation : {Installing the extension} on the config",
      "status: Installing the operator",
    ],
  },
  {
    id: "flux-webhook-dry-run",
    title: "Flux reconciliation fails: an admission webhook does not support dry run",
    category: "flux",
    severity: "medium",
    observable: ["flux"],
    signatures: [String.raw`admission webhook \S+ does not support dry(?:[- ]?run)?\b`],
    context: { components: ["flux"] },
    cause:
      "Flux applies manifests with a server-side dry run first. A ValidatingWebhookConfiguration or " +
      "MutatingWebhookConfiguration whose webhook declares side effects rejects dry-run requests, so the whole " +
      "Kustomization fails before anything is applied.",
    steps: [
      {
        text:
          "Find the ValidatingWebhookConfiguration or MutatingWebhookConfiguration named in the message and set " +
          "sideEffects to None or NoneOnDryRun on its webhook; then let Flux reconcile again.",
      },
    ],
    docUrl: ARC_TROUBLESHOOTING_DOC,
    origin: "documented",
    sources: [{ seed: ARC_TROUBLESHOOTING_SEED, section: "Flux v2: Webhook-/Probelauffehler" }],
    examples: [
      'dry-run failed, error: admission webhook "<webhook>" does not support dry run',
      'CouchbaseBucket/couchbase/blocker dry-run failed, reason: BadRequest, error: admission webhook "couchbase-operator-couchbase-admission-controller.couchbase.svc" does not support dry run',
      'Kustomization reconciliation failed: Elasticsearch/logging/elasticsearch dry-run failed, reason: BadRequest, error: admission webhook "elastic-es-validation-v1.k8s.elastic.co" does not support dry run',
      // Azure's fluxConfiguration status as the portal shows it, escaped and cut short
      'dry-run failed, reason: BadRequest, error: admission webhook \\"aks-webhook-admission-controller.azmk8s.io\\" does not support dry',
    ],
    nearMisses: [
      'Deployment/default/podinfo dry-run failed, reason: Invalid, error: Deployment.apps "podinfo" is invalid: spec.template.spec.containers[0].image: Required value',
      'admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2noprivilege-1a2b3c] Privileged container is not allowed: nginx',
    ],
  },
  {
    id: "flux-extension-install",
    title: "microsoft.flux extension installation failed",
    category: "extension",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`operation cannot be fulfilled on extensionconfigs\.clusterconfig\.azure\.com\W+[\w.-]+\W+the object has been modified`,
      String.raw`release \W?flux\W?\W*err \W?cannot re-use a name that is still in use`,
      String.raw`extensionaddons/flux\?api-version=\S+ error code: badrequest`,
    ],
    context: { components: ["extension"], extensionTypes: FLUX },
    cause:
      "The microsoft.flux extension (Flux controllers and Azure GitOps agents) could not be installed: a stale " +
      "extension config or Helm release named flux is left over from an earlier attempt, or the AKS extension " +
      "manager rejected the request. Policies that block the flux-system namespace cause the same.",
    steps: [
      { text: "Read the extension's statuses to confirm which failure it is.", command: SHOW_FLUX },
      { text: "Force-delete the extension, uninstall the flux Helm release and delete the flux-system namespace.", command: FLUX_RESET },
      {
        text: "On AKS, make sure the subscription has the AKS-ExtensionManager feature flag registered.",
        clusterKinds: ["aks"],
        command: "az feature register --namespace Microsoft.ContainerService --name AKS-ExtensionManager",
      },
      {
        text:
          "Make sure no policy restricts creating the flux-system namespace or resources in it, then recreate a Flux " +
          "configuration (which installs the extension) or reinstall the extension.",
      },
    ],
    docUrl: ARC_TROUBLESHOOTING_DOC,
    origin: "documented",
    sources: [{ seed: ARC_TROUBLESHOOTING_SEED, section: "Flux v2: Fehler beim Installieren der microsoft.flux-Erweiterung" }],
    examples: [
      'unable to add the configuration with configId {extension:flux} due to error: {error while adding the CRD configuration: error {Operation cannot be fulfilled on extensionconfigs.clusterconfig.azure.com \\"flux\\": the object has been modified; please apply your changes to the latest version and try again}}',
      "Error: {failed to install chart from path [] for release [flux]: err [cannot re-use a name that is still in use]} occurred while doing the operation : {Installing the extension} on the config",
      "{'code':'DeploymentFailed','message':'At least one resource deployment operation failed. Please list\ndeployment operations for details. Please see https://aka.ms/DeployOperations for usage details.\n','details':[{'code':'ExtensionCreationFailed', 'message':' Request failed to https://management.azure.com/\nsubscriptions/<SUBSCRIPTION_ID>/resourceGroups/<RESOURCE_GROUP>/providers/Microsoft.ContainerService/\nmanagedclusters/<CLUSTER_NAME>/extensionaddons/flux?api-version=2021-03-01. Error code: BadRequest.\nReason: Bad Request'}]}",
      'The extension operation failed with the following error: unable to add the configuration with configId {extension:gitops} due to error: {error while adding the CRD configuration: error {Operation cannot be fulfilled on extensionconfigs.clusterconfig.azure.com "gitops": the object has been modified; please apply your changes to the latest version and try again}}',
      '{"code":"InstallationFailed","displayStatus":null,"level":"Error","message":"Error: {failed to install chart from path [] for release [flux]: err [cannot re-use a name that is still in use]} occurred while doing the operation : {Installing the extension} on the config","time":null}',
      "(ExtensionCreationFailed) Request failed to https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-west/providers/Microsoft.ContainerService/managedclusters/aks-west-07/extensionaddons/flux?api-version=2022-03-01. Error code: BadRequest. Reason: Bad Request",
    ],
    nearMisses: [
      // the same endpoint refusing the caller's token is an identity problem, not a broken install
      "Request failed to https://management.azure.com/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedclusters/aks1/extensionaddons/flux?api-version=2021-03-01. Error code: Unauthorized. Reason: Unauthorized.",
      "Error: INSTALLATION FAILED: cannot re-use a name that is still in use",
    ],
  },
  {
    id: "flux-pod-identity",
    title: "microsoft.flux on a cluster with Azure AD pod identity: agent token requests intercepted",
    category: "identity",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`no azure identity found for request clientid`,
      String.raw`unable to get the status from the local crd with the error\W+error\W+retry for given duration didn.t get any results with err\W+status not populated`,
    ],
    context: { components: ["extension"], extensionTypes: FLUX },
    cause:
      "The Flux extension agent fetches its token from IMDS to talk to the extension service in Azure, but Azure AD " +
      "pod identity intercepts the request and finds no identity for it, so the extension never reports status.",
    steps: [
      { text: "Update the microsoft.flux extension to the latest version; newer versions are not affected." },
      {
        text:
          "For version 1.6.1 or earlier, create an AzurePodIdentityException so pod identity ignores token requests " +
          "from the Flux extension pods (apply this manifest with kubectl apply -f).",
        command: [
          "apiVersion: aadpodidentity.k8s.io/v1",
          "kind: AzurePodIdentityException",
          "metadata:",
          "  name: flux-extension-exception",
          "  namespace: flux-system",
          "spec:",
          "  podLabels:",
          "    app.kubernetes.io/name: flux-extension",
        ].join("\n"),
      },
    ],
    docUrl: ARC_TROUBLESHOOTING_DOC,
    origin: "documented",
    sources: [
      {
        seed: ARC_TROUBLESHOOTING_SEED,
        section: "Flux v2: Installieren der microsoft.flux-Erweiterung in einem Cluster mit aktivierter Azure AD-Podidentität",
      },
    ],
    examples: [
      `{"Message":"2021/12/02 10:24:56 Error: in getting auth header : error {adal: Refresh request failed. Status Code = '404'. Response body: no azure identity found for request clientID <REDACTED>\\n}","LogType":"ConfigAgentTrace","LogLevel":"Information","Environment":"prod","Role":"ClusterConfigAgent","AgentName":"FluxConfigAgent","AgentVersion":"0.4.2"}`,
      `{"status":"Failed","error":{"code":"ResourceOperationFailure","message":"The resource operation completed with terminal provisioning state 'Failed'.","details":[{"code":"ExtensionCreationFailed","message":" error: Unable to get the status from the local CRD with the error : {Error : Retry for given duration didn't get any results with err {status not populated}}"}]}}`,
      "Error: in getting auth header : error {adal: Refresh request failed. Status Code = '404'. Response body: no azure identity found for request clientID 3f2a9c1e-0000-4bbb-9f00-1234567890ab}",
      "The extension operation failed with the following error: error: Unable to get the status from the local CRD with the error : {Error : Retry for given duration didn't get any results with err {status not populated}}",
    ],
    nearMisses: ["adal: Refresh request failed. Status Code = '400'. Response body: invalid_client"],
  },
  {
    id: "flux-resource-limits-policy",
    title: "Policy limits on container CPU/memory block the Flux controllers",
    category: "flux",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`container \W?(?:fluxconfig-agent|fluxconfig-controller|fluent-bit|helm-controller|source-controller|kustomize-controller|notification-controller|image-automation-controller|image-reflector-controller)\W? (?:cpu|memory) limit \S+ is higher than the maximum allowed`,
      String.raw`\bflux-system\b.{0,300}\b(?:cpu|memory) limit \S+ is higher than the maximum allowed`,
    ],
    context: { components: ["extension"], extensionTypes: FLUX },
    cause:
      "An Azure Policy / Gatekeeper assignment such as 'Kubernetes cluster containers CPU and memory resource limits " +
      "should not exceed the specified limits' allows less than the Flux controllers need (up to 1000m CPU and 1Gi " +
      "memory each), so their pods are denied and the extension cannot become ready.",
    steps: [
      {
        text:
          "Raise the limits in the policy assignment above the microsoft.flux limits (fluxconfig-agent and " +
          "fluxconfig-controller 50m/100m CPU and 150Mi, fluent-bit 20m and 150Mi, every other Flux controller " +
          "1000m and 1Gi), or add flux-system to the assignment's excludedNamespaces parameter.",
      },
    ],
    docUrl: ARC_TROUBLESHOOTING_DOC,
    origin: "documented",
    sources: [{ seed: ARC_TROUBLESHOOTING_SEED, section: "Flux v2 – microsoft.flux-Erweiterungsinstallations-CPU- und Arbeitsspeicherbeschränkungen" }],
    examples: [
      'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev3containerlimits-8f3c2a] container <source-controller> memory limit <1Gi> is higher than the maximum allowed of <512Mi>',
      'admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurecontainerlimits-77aa] container <kustomize-controller> cpu limit <1> is higher than the maximum allowed of <500m>',
      'ReplicaSet flux-system/helm-controller-6f4b8d: Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [container-limits] container <manager> memory limit <1Gi> is higher than the maximum allowed of <256Mi>',
    ],
    nearMisses: [
      // the same policy denying an application container is the application's problem
      'admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev3containerlimits-8f3c2a] container <web> memory limit <4Gi> is higher than the maximum allowed of <2Gi>',
    ],
  },
];
