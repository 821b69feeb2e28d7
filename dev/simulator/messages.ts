/**
 * The failures the simulated fleet shows, with the messages verbatim from the troubleshooting guides in
 * /work/shared/seeds (English strings quoted there) or, where a guide names a Helm/Kubernetes/ARM
 * error without quoting it, the real upstream wording of that error. `catalogId` is the documented
 * error the message belongs to (catalog-ids.json), so tests can check the classifier end to end;
 * `null` marks realistic failures the catalog does not document (they must still be reported).
 *
 * Placeholders {sub} {rg} {cluster} {region} are filled per cluster so messages vary like real ones.
 */

export interface FailureTemplate {
  catalogId: string | null;
  /** The status or error code Azure shows next to the message. */
  code: string;
  message: string;
}

/** The cluster extension types the simulator installs, with their usual names and namespaces. */
export const EXTENSION_TYPES = [
  { type: "microsoft.flux", name: "flux", namespace: "flux-system", version: "1.14.1" },
  { type: "microsoft.azuremonitor.containers", name: "azuremonitor-containers", namespace: "kube-system", version: "3.1.23" },
  { type: "microsoft.openservicemesh", name: "osm", namespace: "arc-osm-system", version: "1.2.10" },
  { type: "microsoft.dapr", name: "dapr", namespace: "dapr-system", version: "1.14.4" },
  { type: "microsoft.servicelinker.connection", name: "sc-extension", namespace: "sc-system", version: "0.1.0" },
] as const;

/** Failures any extension can show (AKS cluster extension guide, seed 002). */
const ANY_EXTENSION: FailureTemplate[] = [
  { catalogId: "ext-agent-no-response", code: "InstallationFailed", message: "Unable to get a response from the Agent in time" },
  {
    catalogId: "helm-timeout-ready",
    code: "InstallationFailed",
    message: "job failed: BackoffLimitExceeded. Timed out waiting for the resource to come to a ready/completed state",
  },
  {
    catalogId: "helm-operation-in-progress",
    code: "UpgradeFailed",
    message: "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
  },
  {
    catalogId: "helm-resource-exists",
    code: "InstallationFailed",
    message:
      'Error: INSTALLATION FAILED: rendered manifests contain a resource that already exists. Unable to continue with install: ServiceAccount "{ext}-operator" in namespace "{ns}" exists and cannot be imported into the current release: invalid ownership metadata',
  },
  {
    catalogId: "helm-chart-download",
    code: "InstallationFailed",
    message:
      'Unable to download the Helm chart from the repo URL: Error: failed to do request: Head "https://mcr.microsoft.com/v2/azurearck8s/helmchart/stable/{ext}/manifests/{version}": dial tcp 204.79.197.219:443: i/o timeout',
  },
  {
    catalogId: "helm-chart-render",
    code: "InstallationFailed",
    message:
      "Helm chart rendering failed with given values: Error: INSTALLATION FAILED: execution error at ({ext}/templates/deployment.yaml:12:4): global.clusterName is required",
  },
  {
    catalogId: "ext-dataplane-403",
    code: "InstallationFailed",
    message:
      "Errorcode: 403, Message This traffic is not authorized., Target /subscriptions/{sub}/resourceGroups/{rg}/provider/managedclusters/clusters/{cluster}/configurations/getPendingConfigs",
  },
  {
    catalogId: "ext-critical-addons-taint",
    code: "InstallationFailed",
    message:
      "0/2 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
  },
];

/** Failures specific to one extension type (seeds 000, 003, 004). */
const BY_EXTENSION_TYPE: Record<string, FailureTemplate[]> = {
  "microsoft.flux": [
    {
      catalogId: "flux-extension-install",
      code: "InstallationFailed",
      message:
        'unable to add the configuration with configId {extension:flux} due to error: {error while adding the CRD configuration: error {Operation cannot be fulfilled on extensionconfigs.clusterconfig.azure.com "flux": the object has been modified; please apply your changes to the latest version and try again}}',
    },
    {
      catalogId: "flux-extension-install",
      code: "InstallationFailed",
      message:
        "Error: {failed to install chart from path [] for release [flux]: err [cannot re-use a name that is still in use]} occurred while doing the operation : {Installing the extension} on the config",
    },
    {
      catalogId: "flux-pod-identity",
      code: "ExtensionCreationFailed",
      message:
        " error: Unable to get the status from the local CRD with the error : {Error : Retry for given duration didn't get any results with err {status not populated}}",
    },
    {
      catalogId: "flux-resource-limits-policy",
      code: "InstallationFailed",
      message:
        'admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurecontainerlimits-{cluster}] container <source-controller> cpu limit <1> is higher than the maximum allowed of <500m>',
    },
  ],
  "microsoft.azuremonitor.containers": [
    {
      catalogId: "monitor-privileged-daemonset",
      code: "InstallationFailed",
      message:
        'Error: {DaemonSet.apps "ama-logs" is invalid: spec.template.spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy} occurred while doing the operation : {Installing the extension} on the config',
    },
  ],
  "microsoft.openservicemesh": [
    {
      catalogId: "osm-control-plane-unhealthy",
      code: "InstallationFailed",
      message:
        'Timed out waiting for the resource to come to a ready/completed state: deployment "osm-controller" in namespace "{ns}" has 0/1 ready replicas; endpoints "osm-controller" has no addresses',
    },
  ],
  "microsoft.dapr": [],
  "microsoft.servicelinker.connection": [
    { catalogId: "sc-conflict", code: "InstallationFailed", message: "Operation returned an invalid status code: Conflict" },
    {
      catalogId: "sc-agent-timeout",
      code: "InstallationFailed",
      message: "Long running operation failed with status 'Failed'. Unable to get a response from the Agent in time",
    },
    {
      catalogId: "sc-permission-denied",
      code: "InstallationFailed",
      message:
        "You do not have permission to perform 'Microsoft.KeyVault/vaults/read' on resource '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/kv-{cluster}'. If access was recently granted, please refresh your credentials.",
    },
    {
      catalogId: "provider-not-registered",
      code: "MissingSubscriptionRegistration",
      message:
        "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'. See https://aka.ms/rps-not-found for how to register subscriptions.",
    },
  ],
};

/**
 * Where a type's own guide documents a generic message (Service Connector lists the agent and
 * readiness timeouts as its own "Timeout" error), the type's entry is the better answer.
 */
const DOCUMENTED_BY_TYPE: Record<string, Record<string, string>> = {
  "microsoft.servicelinker.connection": { "ext-agent-no-response": "sc-agent-timeout", "helm-timeout-ready": "sc-agent-timeout" },
};

export function extensionFailures(extensionType: string): FailureTemplate[] {
  const own = DOCUMENTED_BY_TYPE[extensionType] ?? {};
  const generic = ANY_EXTENSION.map((t) => (t.catalogId && own[t.catalogId] ? { ...t, catalogId: own[t.catalogId] } : t));
  return [...(BY_EXTENSION_TYPE[extensionType] ?? []), ...generic];
}

/** Which Flux object reports a Flux v2 failure, and how its Ready condition reads. */
export interface FluxFailureTemplate extends FailureTemplate {
  objectKind: "GitRepository" | "Kustomization" | "HelmRelease";
  /** The Ready condition's reason (Flux controller vocabulary). */
  reason: string;
}

export const FLUX_FAILURES: FluxFailureTemplate[] = [
  {
    catalogId: "flux-webhook-dry-run",
    code: "ReconciliationFailed",
    objectKind: "Kustomization",
    reason: "ReconciliationFailed",
    message: 'dry-run failed, error: admission webhook "validation.gatekeeper.sh" does not support dry run',
  },
  {
    catalogId: "flux-source-auth",
    code: "GitOperationFailed",
    objectKind: "GitRepository",
    reason: "GitOperationFailed",
    message: "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/{cluster}-config': authentication required",
  },
  {
    catalogId: "flux-kustomize-build",
    code: "ArtifactFailed",
    objectKind: "Kustomization",
    reason: "ArtifactFailed",
    message: "kustomization path not found: stat /tmp/kustomization-{n}/clusters/{cluster}: no such file or directory",
  },
  {
    catalogId: "flux-helm-release-failed",
    code: "InstallFailed",
    objectKind: "HelmRelease",
    reason: "InstallFailed",
    message: "Helm install failed: timed out waiting for the condition",
  },
];

/** Legacy Flux v1 sourceControlConfigurations (seed 000, "Flux v1"). */
export const SOURCE_CONTROL_FAILURES: FailureTemplate[] = [
  {
    catalogId: "flux-v1-operator-install",
    code: "Failed",
    message: "Error: {exit status 1} occurred while doing the operation : {Installing the operator} on the config",
  },
];

/** Arc agent errors (`arcAgentProfile.agentErrors`); the first is the spec example's message. */
export const ARC_AGENT_FAILURES: FailureTemplate[] = [
  { catalogId: null, code: "Strato", message: "Upgrade failed for agent extension Strato, version not found" },
];

export function fillTemplate(message: string, values: Record<string, string>): string {
  return message.replace(/\{(sub|rg|cluster|region|ext|ns|version|n)\}/g, (whole, key: string) => values[key] ?? whole);
}
