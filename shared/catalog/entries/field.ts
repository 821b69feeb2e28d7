import type { CatalogEntry } from "../types";

/**
 * Failures real fleets hit that the seed documents do not cover (origin "field"). Messages are the
 * texts Flux, Kubernetes, AKS and Arc really print (taken from public issue threads), as they reach
 * fluxConfigurations statuses, extension statuses, ARM errors and the collector's cluster judgements.
 */
const FLUX_TROUBLESHOOTING = "https://fluxcd.io/flux/cheatsheets/troubleshooting/";
const FLUX_ONLY: CatalogEntry["context"] = { components: ["flux"] };

const SHOW_FLUX_CONFIG = "az k8s-configuration flux show -g <resource-group> -c <cluster-name> -n <config-name> -t <connectedClusters or managedClusters>";
const GET_SOURCES = "kubectl get gitrepositories,helmrepositories,buckets -A";
const GET_KUSTOMIZATIONS = "kubectl get kustomizations -A";

/** Arc's own remedy once a cluster's identity certificate has lapsed: the resource must be recreated. */
const ARC_RECONNECT = ["az connectedk8s delete -n <cluster-name> -g <resource-group>", "az connectedk8s connect -n <cluster-name> -g <resource-group>"].join(
  "\n",
);
const ARC_FAQ = "https://learn.microsoft.com/azure/azure-arc/kubernetes/faq";
const ARC_AGENT_CHECK = "kubectl -n azure-arc get deployments,pods";

export const entries: CatalogEntry[] = [
  {
    id: "flux-source-auth",
    title: "Flux cannot authenticate to the Git repository",
    category: "flux",
    severity: "high",
    observable: ["flux"],
    signatures: [
      String.raw`unable to (?:clone|list remote for|fetch)\b.{0,300}?\b(?:authentication required|authorization failed)\b`,
      String.raw`ssh: handshake failed: (?:ssh: unable to authenticate|knownhosts: key (?:is unknown|mismatch)|hostkey could not be verified)`,
      String.raw`remote authentication required but no callback set`,
      String.raw`failed to get secret \S+ secrets? \S+ not found`,
      // Flux v1 (fluxd), as Azure's older GitOps configurations ran it: git over SSH refusing an unknown host key.
      String.raw`\bhost key verification failed\b`,
    ],
    context: FLUX_ONLY,
    cause:
      "The source-controller cannot authenticate to the repository: the HTTPS token or SSH key in the configuration's " +
      "secret is missing, expired or lacks read access, or the SSH known_hosts entry does not match the server.",
    steps: [
      { text: "See which source fails and its exact message.", command: [SHOW_FLUX_CONFIG, GET_SOURCES].join("\n") },
      {
        text:
          "Renew the credentials on the configuration (HTTPS user and PAT, or SSH private key and known hosts) and make " +
          "sure the key or token has read access to the repository.",
        command:
          "az k8s-configuration flux update -g <resource-group> -c <cluster-name> -n <config-name> -t <connectedClusters or managedClusters> --https-user <user> --https-key <token>",
      },
    ],
    docUrl: FLUX_TROUBLESHOOTING,
    origin: "field",
    examples: [
      "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config.git': authentication required",
      "unable to clone 'https://github.example.com/test/gitops-test', error: authentication required",
      "failed to checkout and determine revision: unable to list remote for 'https://gitlab.contoso.net/platform/flux2.git': authorization failed",
      "failed to checkout and determine revision: unable to clone 'ssh://git@github.com/contoso/fleet-config': ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain",
      "unable to clone 'ssh://git@ssh.dev.azure.com/v3/contoso/ops/fleet': ssh: handshake failed: knownhosts: key mismatch",
      "failed to get secret 'flux-system/fleet-auth': secrets \"fleet-auth\" not found",
      "git repo not ready: git clone --mirror: fatal: Could not read from remote repository., full output:\n Cloning into bare repository '/tmp/flux-gitclone812/repo'...\nNo ECDSA host key is known for github.com and you have requested strict checking.\nHost key verification failed.\nfatal: Could not read from remote repository.",
    ],
    nearMisses: [
      'Failed to pull image "contoso.azurecr.io/app:1.2": rpc error: code = Unknown desc = failed to pull and unpack image "contoso.azurecr.io/app:1.2": failed to resolve reference "contoso.azurecr.io/app:1.2": unexpected status from HEAD request: 401 Unauthorized: authentication required',
      "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config.git': couldn't find remote ref \"refs/heads/mian\"",
    ],
  },
  {
    id: "flux-ref-not-found",
    title: "Flux cannot find the configured branch, tag or commit",
    category: "flux",
    severity: "high",
    observable: ["flux"],
    signatures: [
      String.raw`couldn.t find remote ref`,
      String.raw`unable to resolve commit object for \S+ object not found`,
      String.raw`unable to clone \S+ reference not found`,
      // Flux v1 (fluxd)
      String.raw`\bconfigured branch '[^']+' does not exist\b`,
    ],
    context: FLUX_ONLY,
    cause:
      "The branch, tag or commit the configuration points at does not exist in the repository (renamed or deleted " + "branch, typo, force-pushed commit).",
    steps: [
      { text: "Compare the configured reference with the repository.", command: [SHOW_FLUX_CONFIG, "git ls-remote <repository-url>"].join("\n") },
      {
        text: "Point the configuration at an existing branch or tag.",
        command:
          "az k8s-configuration flux update -g <resource-group> -c <cluster-name> -n <config-name> -t <connectedClusters or managedClusters> --branch <branch>",
      },
    ],
    docUrl: FLUX_TROUBLESHOOTING,
    origin: "field",
    examples: [
      "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config.git': couldn't find remote ref \"refs/heads/release-2024\"",
      'git clone error: couldn\'t find remote ref "refs/heads/main"',
      "unable to clone 'ssh://git@github.com/contoso/fleet-config': couldn't find remote ref \"refs/tags/v1.4.0\"",
      "GitRepository reconciliation failed: 'failed to checkout and determine revision: unable to resolve commit object for 'cae9c52ebae189cf07cec3635137a2e4f1ad56da': object not found'",
      "component=sync-loop err=\"git repo not ready: configured branch 'release-2024' does not exist\"",
    ],
    nearMisses: ["failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config.git': authentication required"],
  },
  {
    id: "flux-kustomize-build",
    title: "Flux kustomize build failed",
    category: "flux",
    severity: "high",
    observable: ["flux"],
    signatures: [String.raw`\bkustomize build failed\b`, String.raw`\bkustomization path not found\b`],
    context: FLUX_ONLY,
    cause:
      "The manifests at the Kustomization's path do not build: a missing file or directory in resources, an invalid " +
      "kustomization.yaml, an unreachable remote base, or a path that does not exist in the revision.",
    steps: [
      { text: "Read the failing Kustomization's message; it names the file or path.", command: GET_KUSTOMIZATIONS },
      { text: "Reproduce the build locally at the same revision and fix the repository.", command: "kustomize build <path>" },
    ],
    docUrl: FLUX_TROUBLESHOOTING,
    origin: "field",
    examples: [
      "kustomize build failed: accumulating resources: accumulation err='accumulating resources from './apps': read /tmp/kustomization-1562403375/clusters/prod/apps: is a directory': recursed accumulation of path '/tmp/kustomization-1562403375/clusters/prod/apps': accumulating resources: accumulation err='accumulating resources from './podinfo.yaml': open /tmp/kustomization-1562403375/clusters/prod/apps/podinfo.yaml: no such file or directory'",
      'kustomize build failed: json: unknown field "spec"',
      "kustomization path not found: stat /tmp/kustomization-3471928/clusters/staging: no such file or directory",
    ],
    nearMisses: ['Deployment/apps/podinfo dry-run failed, reason: Invalid, error: Deployment.apps "podinfo" is invalid: spec.replicas: Invalid value: -1'],
  },
  {
    id: "flux-dry-run-invalid",
    title: "Flux server-side dry run rejected an invalid object",
    category: "flux",
    severity: "high",
    observable: ["flux"],
    signatures: [String.raw`dry-run failed(?:, reason: invalid\b| \(invalid\))`, String.raw`dry-run failed, error: \S+ \S+ is invalid:`],
    context: FLUX_ONLY,
    cause:
      "The Kubernetes API server rejected an object in the server-side dry run: a manifest or a CustomResourceDefinition " +
      "fails schema validation (missing required field, immutable field changed, invalid value). Nothing in the " +
      "Kustomization is applied until it is fixed.",
    steps: [
      { text: "Read the failing Kustomization's message; it names the object and the invalid field.", command: GET_KUSTOMIZATIONS },
      {
        text: "Validate the object against the cluster and fix the manifest (for immutable fields, recreate the object).",
        command: "kubectl apply --server-side --dry-run=server -f <manifest>",
      },
    ],
    docUrl: FLUX_TROUBLESHOOTING,
    origin: "field",
    examples: [
      'Deployment/default/podinfo dry-run failed, reason: Invalid, error: Deployment.apps "podinfo" is invalid: spec.template.spec.containers[0].image: Required value',
      'CustomResourceDefinition/widgets.contoso.io dry-run failed, reason: Invalid, error: CustomResourceDefinition.apiextensions.k8s.io "widgets.contoso.io" is invalid: spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
      'Service/apps/web dry-run failed (Invalid): Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.0.0.12"}: may not change once set',
      'dry-run failed, error: Job.batch "db-migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{}: field is immutable',
    ],
    nearMisses: [
      'dry-run failed, error: admission webhook "<webhook>" does not support dry run',
      'CouchbaseBucket/couchbase/blocker dry-run failed, reason: BadRequest, error: admission webhook "couchbase-admission.couchbase.svc" does not support dry run',
    ],
  },
  {
    id: "flux-health-check-timeout",
    title: "Flux health checks timed out",
    category: "flux",
    severity: "medium",
    observable: ["flux"],
    signatures: [String.raw`health check (?:failed after \S+,? timeout waiting for|timed out for)\b`],
    context: FLUX_ONLY,
    cause:
      "The Kustomization applied its objects but they did not become ready within its timeout: pods crash or cannot " +
      "pull images, a HelmRelease failed, or the rollout needs more time than the timeout allows.",
    steps: [
      {
        text: "Find the objects that were not ready (listed in the message) and why.",
        command: [GET_KUSTOMIZATIONS, "kubectl describe <kind> <name> -n <namespace>"].join("\n"),
      },
      { text: "Fix the workload, or raise the Kustomization's timeout if the rollout is just slow." },
    ],
    docUrl: FLUX_TROUBLESHOOTING,
    origin: "field",
    examples: [
      "Health check failed after 2m0.013489487s, timeout waiting for: [HelmRelease/wpb-services/httpbin status: 'InProgress']",
      "health check failed after 5m0.005s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress', Deployment/apps/redis status: 'Failed']",
      "Health check timed out for [deployments.apps 'keycloak-operator/keycloak-operator']",
    ],
    nearMisses: ["Timed out waiting for the resource to come to a ready/completed state.", "running health checks with a timeout of 15m0s"],
  },
  {
    id: "flux-api-version-not-found",
    title: "Flux applies a kind the cluster does not serve (CRD missing or API version removed)",
    category: "flux",
    severity: "high",
    observable: ["flux"],
    signatures: [String.raw`\bno matches for kind \S+ in version \S+`],
    context: FLUX_ONLY,
    cause:
      "A manifest uses a kind/apiVersion the cluster does not serve: its CustomResourceDefinition is not installed yet " +
      "(or is applied by another Kustomization without dependsOn), or the API version was removed by an upgrade.",
    steps: [
      { text: "List the API versions the cluster serves for that group.", command: "kubectl api-resources --api-group=<group>" },
      { text: "Install the CRD first (dependsOn between Kustomizations) or move the manifest to a served apiVersion." },
    ],
    docUrl: FLUX_TROUBLESHOOTING,
    origin: "field",
    examples: [
      'HelmRelease/apps/podinfo dry-run failed: no matches for kind "HelmRelease" in version "helm.toolkit.fluxcd.io/v2beta1"',
      'dry-run failed, error: no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1"',
    ],
    nearMisses: ['Deployment/default/podinfo dry-run failed, reason: Invalid, error: Deployment.apps "podinfo" is invalid'],
  },
  {
    id: "image-pull-not-found",
    title: "Image pull failed: the image or tag does not exist",
    category: "extension",
    severity: "high",
    observable: ["extension", "flux"],
    signatures: [
      String.raw`failed to resolve reference \S+ \S+ not found\b`,
      String.raw`\bmanifest unknown\b`,
      String.raw`\bmanifest for \S+ not found\b`,
      String.raw`\b(?:errimagepull|imagepullbackoff)\b.{0,300}\b(?:not found|manifest unknown)\b`,
    ],
    cause:
      "A pod references an image or tag that does not exist in the registry (mistyped or deleted tag, a version not " +
      "published yet or not mirrored to the private registry), so kubelet cannot pull it.",
    steps: [
      { text: "Find the pod and the image it cannot pull.", command: "kubectl describe pod <pod> -n <namespace>" },
      { text: "Correct the image reference (tag or digest) or publish/mirror the image, then let the workload roll again." },
    ],
    docUrl: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/connectivity/cannot-pull-image-from-acr-to-aks-cluster",
    origin: "field",
    examples: [
      'Failed to pull image "ghcr.io/contoso/api:v0.0.29": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/contoso/api:v0.0.29": failed to resolve reference "ghcr.io/contoso/api:v0.0.29": ghcr.io/contoso/api:v0.0.29: not found',
      'Failed to pull image "rahulsahay19/aksweb": rpc error: code = Unknown desc = Error response from daemon: manifest for rahulsahay19/aksweb:latest not found: manifest unknown: manifest unknown',
      'Back-off pulling image "mcr.microsoft.com/oss/kubernetes/pause:1.4.1": ErrImagePull: manifest tagged by "1.4.1" is not found',
      'pod web-7d9f8c6b5-x2x9z: ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "contoso.azurecr.io/web:2.3.1": failed to resolve reference "contoso.azurecr.io/web:2.3.1": contoso.azurecr.io/web:2.3.1: not found',
    ],
    nearMisses: [
      'Failed to pull image "contoso.azurecr.io/web:2.3.1": rpc error: code = Unknown desc = failed to pull and unpack image "contoso.azurecr.io/web:2.3.1": failed to resolve reference "contoso.azurecr.io/web:2.3.1": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
      'Failed to pull image "mcr.microsoft.com/azurearck8s/agent:1.14.5": dial tcp 20.61.99.192:443: i/o timeout',
    ],
  },
  {
    id: "ext-type-unavailable-region",
    title: "Extension type not available in the cluster's region",
    category: "extension",
    severity: "medium",
    observable: ["extension"],
    signatures: [String.raw`extension type \S+ is not (?:registered|supported) in region\b`, String.raw`\bextensiontyperegistrationgetfailed\b`],
    context: { components: ["extension"] },
    cause:
      "The extension type is not offered in the region of the cluster (or not for this cluster type); the message " +
      "lists the regions where it is available.",
    steps: [
      {
        text: "List the extension types available for the cluster's region.",
        command: "az k8s-extension extension-types list-by-location --location <region>",
      },
      { text: "Install the extension on a cluster in one of the listed regions, or wait for the type to reach this region." },
    ],
    docUrl: "https://learn.microsoft.com/azure/azure-arc/kubernetes/extensions-release",
    origin: "field",
    examples: [
      "(ExtensionTypeRegistrationGetFailed) Extension type microsoft.azureml.kubernetes is not registered in region ukwest. Extension is available in eastus2euap, westcentralus, northeurope, westus. Please try to install in these regions.",
      "Extension type microsoft.web.appservice is not registered in region eastus2. Extension is available in eastus2euap,eastus,westeurope,westcentralus. Please try to install in these regions.",
      "Extension type 'microsoft.contoso.agent' is not supported in region 'westus2' for cluster type: ManagedClusters. Please refer to https://aka.ms/k8s-extensions-list-cluster for a list of supported extension types for this cluster.",
    ],
    nearMisses: [
      "The provided location 'eastus2' is not available for resource type 'Microsoft.AzureStackHCI/clusters'.",
      "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'",
    ],
  },
  {
    id: "operation-conflict",
    title: "Another operation is in progress on the cluster",
    category: "extension",
    severity: "low",
    observable: ["extension", "cluster"],
    signatures: [
      String.raw`another (?:agentpool )?operation \([^)]*\) is in progress\b.{0,80}?please wait for it to finish`,
      String.raw`operation is not allowed because there.s an in progress \S+(?: \S+){0,4} operation`,
      String.raw`another operation on this or dependent resource is in progress`,
      String.raw`there is a conflicting operation in progress`,
      String.raw`managed cluster is in provisioning state\s?\((?:updating|upgrading|creating|starting|stopping|scaling|deleting)\)`,
    ],
    cause: "A create, update, upgrade or scale operation is still running on the cluster or a node pool, and ARM refuses a " + "second one until it finishes.",
    steps: [
      {
        text: "Check the cluster's provisioning state; wait for the running operation to finish (Succeeded), then retry.",
        command: "az aks show --resource-group <resource-group> --name <cluster-name> --output table",
      },
      { text: "On AKS, a stuck operation can be aborted.", command: "az aks operation-abort --resource-group <resource-group> --name <cluster-name>" },
      {
        text: "On an Arc-enabled cluster, wait until the extension's running operation ends (provisioningState no longer Creating or Updating), then retry.",
        command: "az k8s-extension show -g <resource-group> -c <cluster-name> -n <extension-name> -t connectedClusters --query provisioningState",
        clusterKinds: ["arc"],
      },
    ],
    docUrl: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/create-upgrade-delete/operationnotallowed",
    origin: "field",
    examples: [
      "(OperationNotAllowed) Operation is not allowed: Another operation (Updating) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details",
      "Operation is not allowed: Another agentpool operation (nodepool1 - Creating) is in progress, please wait for it to finish before starting a new operation.",
      "(OperationNotAllowed) Operation is not allowed because there's an in progress update managed cluster operation (operation ID: e375d315-218c-4dff-b806-7ab63b0bb63a) on the managed cluster started on UTC 2026-05-22T07:19:23Z. Please wait for it to finish before starting a new operation.",
      "Managed Cluster operation is not allowed: Another operation (Upgrading) is in progress on agent pool (nodepool2), please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details",
      "(OperationNotAllowed) managed cluster is in Provisioning State(Updating) and Power State(Running), starting cannot be performed The previous operation started at '2024-02-21T13:33:55Z' and elapsed time is: '00:00:00' (RFC3339 format)",
      "Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: https://management.azure.com/subscriptions/x/providers/Microsoft.Network/locations/westeurope/operations/1234",
      '{"status":"Failed","error":{"code":"UpdateFailed","message":"Update failed for this resource, as there is a conflicting operation in progress. Please try after sometime."}}',
    ],
    nearMisses: ["Helm upgrade failed: another operation (install/upgrade/rollback) is in progress", "Operation returned an invalid status code: Conflict"],
  },
  {
    id: "policy-admission-denied",
    title: "Azure Policy (Gatekeeper) denied an object in the cluster",
    category: "permissions",
    severity: "medium",
    observable: ["flux", "extension"],
    signatures: [String.raw`admission webhook \W?validation\.gatekeeper\.sh\W? denied the request`],
    // a catch-all for every policy: entries that name the policy's effect on a known component win
    priority: -1,
    cause:
      "An Azure Policy for Kubernetes assignment, enforced in the cluster by Gatekeeper, rejects the object (privileged " +
      "container, missing limits, disallowed registry ...); the bracketed constraint name says which policy.",
    steps: [
      { text: "Find the constraint named in brackets and what it requires.", command: "kubectl get constraints" },
      {
        text:
          "Change the manifest to comply, or exempt its namespace through the assignment's excludedNamespaces " +
          "parameter (or a policy exemption) when the workload legitimately needs it.",
      },
    ],
    docUrl: "https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes",
    origin: "field",
    examples: [
      'admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2noprivilege-1a2b3c] Privileged container is not allowed: nginx, securityContext: {"privileged": true}',
      'Deployment/apps/web dry-run failed, reason: Forbidden, error: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev3allowedimages-44d1] Container image docker.io/library/nginx:1.27 for container web has not been allowed.',
      'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev3containerlimits-8f3c2a] container <web> memory limit <4Gi> is higher than the maximum allowed of <2Gi>',
    ],
    nearMisses: [
      'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev3containerlimits-8f3c2a] container <source-controller> memory limit <1Gi> is higher than the maximum allowed of <512Mi>',
      'dry-run failed, error: admission webhook "validation.gatekeeper.sh" does not support dry run',
    ],
  },
  {
    id: "arm-policy-disallowed",
    title: "Azure Policy disallowed creating or updating the extension",
    category: "permissions",
    severity: "medium",
    observable: ["extension"],
    signatures: [String.raw`\bwas disallowed by policy\b`, String.raw`\brequestdisallowedbypolicy\b`],
    cause:
      "An Azure Policy assignment with a deny effect (allowed extension types, naming, required tags) blocks the " +
      "extension resource at the Azure Resource Manager level; the policy identifiers in the message name it.",
    steps: [
      {
        text: "Find the assignment named in the message's policy identifiers.",
        command: "az policy assignment list --disable-scope-strict-match --query \"[?name=='<assignment-name>']\"",
      },
      { text: "Create a policy exemption for the cluster (or change the policy to allow the extension type), then retry the extension operation." },
    ],
    docUrl: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/cluster-extension-deployment-errors",
    origin: "field",
    examples: [
      'Create or update of core cluster extension aks-managed-azure-monitor-metrics of type microsoft.azuremonitor.containers.metrics failed. Please refer https://aka.ms/akscoreextensions-tsg for additional details. Resource \'aks-managed-azure-monitor-metrics\' was disallowed by policy. Policy identifiers: \'[{"policyAssignment":{"name":"Restrict Extensions"}}]\'',
      "(RequestDisallowedByPolicy) Resource 'flux' was disallowed by policy. Reasons: 'Extension types must be on the allow list'.",
    ],
    nearMisses: [
      'admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2noprivilege-1a2b3c] Privileged container is not allowed: nginx',
    ],
  },
  {
    id: "ext-duplicate-type",
    title: "An extension of the same type is already installed at this scope",
    category: "extension",
    severity: "low",
    observable: ["extension"],
    signatures: [String.raw`multiple extensions of same type is not allowed at this scope`],
    context: { components: ["extension"] },
    cause: "The cluster already has an extension of this type (possibly under another name, or installed by a policy or add-on).",
    steps: [
      {
        text: "List the cluster's extensions and keep one of this type.",
        command: "az k8s-extension list -g <resource-group> -c <cluster-name> -t <connectedClusters or managedClusters> -o table",
      },
      { text: "Uninstall the duplicate, or update the existing extension instead of creating a second one." },
    ],
    docUrl: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/cluster-extension-deployment-errors",
    origin: "field",
    examples: [
      'Multiple extensions of same type is not allowed at this scope. (Code: ValidationFailed)"',
      "(ValidationFailed) Multiple extensions of same type is not allowed at this scope.",
    ],
    nearMisses: ["Extension type microsoft.web.appservice is not registered in region eastus2."],
  },
  {
    id: "cluster-no-managed-identity",
    title: "AKS cluster uses a service principal: extensions need a managed identity",
    category: "identity",
    severity: "high",
    observable: ["extension", "cluster"],
    signatures: [
      String.raw`extensions are only supported on clusters using managed service identity`,
      String.raw`aks-extensions-service-principal-not-supported`,
      String.raw`unable to create identity for extension on aks cluster`,
      String.raw`cluster uses a service principal\b`,
    ],
    context: { clusterKinds: ["aks"] },
    cause:
      "The AKS cluster authenticates with a service principal instead of a managed identity; cluster extensions " +
      "(microsoft.flux included) can only be installed on clusters that use a managed identity.",
    steps: [
      {
        text: "Move the cluster to a managed identity, then upgrade the node pools so kubelet switches too, and reinstall the extension.",
        command: [
          "az aks update -g <resource-group> -n <cluster-name> --enable-managed-identity",
          "az aks nodepool upgrade --resource-group <resource-group> --cluster-name <cluster-name> --name <nodepool-name> --node-image-only",
        ].join("\n"),
      },
    ],
    docUrl: "https://learn.microsoft.com/azure/aks/use-managed-identity",
    origin: "field",
    examples: [
      "(ExtensionOperationFailed) The extension operation failed with the following error:  Extensions are only supported on clusters using Managed Service Identity. See https://aka.ms/aks-extensions-service-principal-not-supported, For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG.",
      "Unable to create identity for extension on AKS cluster. Please delete the extension and try again in some time., For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG",
    ],
    nearMisses: [
      "Identity operation for resource '/subscriptions/x/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/aks1/providers/Microsoft.KubernetesConfiguration/extensions/flux' failed with error 'Failed to perform resource identity operation. Status: 'BadRequest'.'",
    ],
  },
  {
    id: "arc-cluster-offline",
    title: "Arc-enabled cluster is Offline",
    category: "connectivity",
    severity: "high",
    observable: ["cluster"],
    signatures: [
      String.raw`\bconnectivitystatus\W*(?:is|=|:)?\W*offline\b`,
      // the collector's judgement of a Connected cluster whose heartbeat has gone stale
      String.raw`\bconnected, but the last heartbeat was at\b`,
    ],
    context: { components: ["cluster"], clusterKinds: ["arc"] },
    cause:
      "The Arc agents have not sent a heartbeat to Azure recently (Offline, or still Connected with a stale heartbeat): the cluster is down, its azure-arc agents are not " +
      "running, or outbound connectivity to Azure (proxy, firewall, DNS) is broken. Extensions and GitOps stop " +
      "updating, and after 90 days offline the identity certificate expires.",
    steps: [
      { text: "Check that the Arc agents are running on the cluster.", command: ARC_AGENT_CHECK },
      { text: "Check outbound connectivity and proxy settings against the Arc network requirements." },
      {
        text: "See when Azure last heard from the cluster.",
        command: "az connectedk8s show -n <cluster-name> -g <resource-group> --query '{status:connectivityStatus,last:lastConnectivityTime}'",
      },
    ],
    docUrl: "https://learn.microsoft.com/azure/azure-arc/kubernetes/diagnose-connection-issues",
    origin: "field",
    examples: [
      "connectivityStatus is Offline",
      "connectivityStatus is Offline (last heartbeat 2026-11-20T08:12:44Z)",
      "properties.connectivityStatus: Offline",
      "connected, but the last heartbeat was at 2026-11-21T20:02:11Z",
    ],
    nearMisses: ["connectivityStatus is Connected", "connectivityStatus is Expired"],
  },
  {
    id: "arc-cluster-expired",
    title: "Arc-enabled cluster is Expired: its managed identity certificate lapsed",
    category: "identity",
    severity: "critical",
    observable: ["cluster"],
    signatures: [String.raw`\bconnectivitystatus\W*(?:is|=|:)?\W*expired\b`, String.raw`managed ?identity certificate (?:has )?expired\b`],
    context: { components: ["cluster"], clusterKinds: ["arc"] },
    cause:
      "The cluster's system-assigned managed identity certificate expired (it is valid 90 days and renewed only while " +
      "the agents are connected). All Arc features (configurations, extensions, monitoring, policy) stop working.",
    steps: [{ text: "Delete the Arc-enabled Kubernetes resource and agents, then connect the cluster again.", command: ARC_RECONNECT }],
    docUrl: ARC_FAQ,
    origin: "field",
    examples: [
      "connectivityStatus is Expired",
      "properties.connectivityStatus = Expired",
      "managed identity certificate expired on 2026-10-02T11:00:00Z",
      "the managed identity certificate expired at 2026-11-01T09:30:00Z",
    ],
    nearMisses: ["connectivityStatus is Offline", "managed identity certificate expires in 12 days (2026-12-04T00:00:00Z)"],
  },
  {
    id: "arc-msi-cert-expiring",
    title: "Arc-enabled cluster's managed identity certificate is about to expire",
    category: "identity",
    severity: "medium",
    observable: ["cluster"],
    signatures: [
      String.raw`managed ?identity ?certificate\b.{0,60}\b(?:expires|expiring|will expire)\b`,
      String.raw`\bmanagedidentitycertificateexpirationtime\b.{0,80}\bwithin\b`,
    ],
    context: { components: ["cluster"], clusterKinds: ["arc"] },
    cause:
      "The identity certificate is renewed by the Arc agents while the cluster is connected; an expiry getting close " +
      "means the agents have not been able to renew it (cluster offline, agents down, *.his.arc.azure.com blocked). " +
      "Once it lapses the cluster becomes Expired and must be reconnected.",
    steps: [
      { text: "Bring the cluster back online: check the agents and outbound access to the Arc identity endpoints.", command: ARC_AGENT_CHECK },
      { text: "If it expires anyway, delete and reconnect the cluster.", command: ARC_RECONNECT },
    ],
    docUrl: ARC_FAQ,
    origin: "field",
    examples: [
      "managed identity certificate expires in 12 days (2026-12-04T00:00:00Z)",
      "managedIdentityCertificateExpirationTime 2026-11-29T10:00:00Z is within 14 days",
      "Managed identity certificate will expire on 2026-12-01",
      "the managed identity certificate expires at 2026-11-29T10:00:00Z",
    ],
    nearMisses: ["managed identity certificate expired on 2026-10-02T11:00:00Z", "Error: Failed to retrieve the MSI certificate"],
  },
  {
    id: "flux-helm-release-failed",
    title: "Flux HelmRelease install or upgrade timed out waiting for its resources",
    category: "flux",
    severity: "high",
    observable: ["flux"],
    signatures: [
      // helm-controller's Ready/Released condition: "Helm install failed: ..." (older) or
      // "Helm install failed for release <ns>/<name> with chart <chart>@<version>: ..." (newer)
      String.raw`\bhelm (?:install|upgrade) failed(?: for release \S+ with chart \S+)?: (?:timed out waiting for the condition|context deadline exceeded)`,
      // Flux v1's helm-operator: error="Helm release failed" err="release <name> failed: timed out waiting for the condition"
      String.raw`\bhelm release failed\W.{0,80}?\brelease \S+ failed: timed out waiting for the condition`,
    ],
    context: FLUX_ONLY,
    cause:
      "helm-controller installed or upgraded the release, but its workloads did not become ready within the " +
      "HelmRelease's timeout (pods crash, cannot pull images, cannot be scheduled, or wait for a load balancer " +
      "or volume), so Helm reports the action as failed and Flux retries or remediates it.",
    steps: [
      { text: "See the failing release and its last message.", command: "flux get helmreleases -n <namespace>" },
      { text: "Find the workload that is not ready and why (events, pod status).", command: "kubectl get events -n <namespace> --sort-by=.lastTimestamp" },
      {
        text: "Fix the workload (or raise spec.timeout when it is only slow), then retry the release.",
        command: "flux reconcile helmrelease <name> -n <namespace> --force",
      },
    ],
    docUrl: FLUX_TROUBLESHOOTING,
    origin: "field",
    examples: [
      "Helm install failed: timed out waiting for the condition",
      "HelmRelease podinfo: Helm install failed: timed out waiting for the condition",
      "Helm upgrade failed: timed out waiting for the condition",
      "Helm install failed for release nginx/nginx-ingress-controller with chart nginx-ingress-controller@9.11.0: context deadline exceeded",
      'component=release release=podinfo targetNamespace=apps resource=apps:helmrelease/podinfo helmVersion=v3 error="Helm release failed" err="release podinfo failed: timed out waiting for the condition"',
    ],
    nearMisses: [
      "Error: UPGRADE FAILED: timed out waiting for the condition",
      "Helm upgrade failed: another operation (install/upgrade/rollback) is in progress",
      "Running 'install' action with timeout of 5m0s",
    ],
  },
  {
    id: "image-pull-untrusted-certificate",
    title: "Image pull failed: the registry's TLS certificate is not trusted (x509: certificate signed by unknown authority)",
    category: "connectivity",
    severity: "high",
    observable: ["extension", "flux", "cluster"],
    signatures: [
      String.raw`\bfailed to pull image\b.{0,400}?x509: certificate signed by unknown authority`,
      String.raw`\b(?:imagepullbackoff|errimagepull)\b.{0,400}?x509: certificate signed by unknown authority`,
    ],
    cause:
      "The node's container runtime does not trust the certificate the registry presents: a TLS-inspecting proxy " +
      "re-signs traffic with its own CA, or a private registry uses a certificate from a private CA that the nodes " +
      "do not have, so every pull from that registry fails and pods stay in ImagePullBackOff.",
    steps: [
      {
        text: "On an Arc-enabled cluster behind a TLS-inspecting proxy, give the agents the proxy's CA certificate.",
        command: "az connectedk8s update -n <cluster-name> -g <resource-group> --proxy-cert <path-to-ca-cert>",
      },
      {
        text: "On AKS, add the CA to the cluster's HTTP proxy configuration (trustedCa), which installs it on the nodes.",
        command: "az aks update -n <cluster-name> -g <resource-group> --http-proxy-config <proxy-config-file>",
      },
      { text: "For a private registry, install its CA on the nodes' container runtime (or use a certificate from a public CA)." },
    ],
    docUrl: "https://learn.microsoft.com/azure/azure-arc/kubernetes/quickstart-connect-cluster#connect-using-an-outbound-proxy-server",
    origin: "field",
    examples: [
      'Failed to pull image "quay.io/jetstack/cert-manager-controller:v1.13.3": x509: certificate signed by unknown authority',
      'Failed to pull image "mcr.microsoft.com/azurearck8s/config-agent:1.14.5": rpc error: code = Unknown desc = failed to pull and unpack image "mcr.microsoft.com/azurearck8s/config-agent:1.14.5": failed to resolve reference "mcr.microsoft.com/azurearck8s/config-agent:1.14.5": failed to do request: Head "https://mcr.microsoft.com/v2/azurearck8s/config-agent/manifests/1.14.5": x509: certificate signed by unknown authority',
      'Back-off pulling image "contoso.azurecr.io/web:2.3.1": ImagePullBackOff: x509: certificate signed by unknown authority',
    ],
    nearMisses: [
      "Unable to connect to the server: x509: certificate signed by unknown authority",
      'Error response from daemon: Get "https://mcr.microsoft.com/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      "failed to download sources: Get https://contoso/extension.tar: x509: certificate signed by unknown authority",
    ],
  },
  {
    id: "aks-cluster-stopped",
    title: "AKS cluster is stopped (control plane and nodes are off)",
    category: "connectivity",
    severity: "medium",
    observable: ["cluster"],
    signatures: [
      // the collector's judgement of powerState.code, and the property as ARM and Resource Graph show it
      String.raw`\bthe cluster is stopped\b`,
      String.raw`\bpowerstate(?:\.code)?\W*(?:is|=|:)?\W*(?:code\W*)?stopped\b`,
    ],
    context: { components: ["cluster"], clusterKinds: ["aks"] },
    cause:
      "The cluster was stopped (az aks stop, a schedule or the portal): its control plane and nodes are off, so " +
      "extensions and Flux configurations cannot reconcile and report no current state until it is started.",
    steps: [
      { text: "If the cluster should be running, start it.", command: "az aks start -n <cluster-name> -g <resource-group>" },
      { text: "Check its power state afterwards.", command: "az aks show -n <cluster-name> -g <resource-group> --query powerState" },
    ],
    docUrl: "https://learn.microsoft.com/azure/aks/start-stop-cluster",
    origin: "field",
    examples: ["the cluster is Stopped", 'powerState: {"code": "Stopped"}', "powerState.code is Stopped"],
    nearMisses: ["the cluster is Running", "powerState: Running", "Stopped container fluxconfig-agent in pod fluxconfig-agent-7d9f8c6b5-x2x9z"],
  },
];
