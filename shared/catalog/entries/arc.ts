import type { CatalogEntry } from "../types";

/**
 * Azure Arc-enabled Kubernetes platform problems: the agents in `azure-arc`, onboarding
 * (`az connectedk8s connect`), connectivity, identity and cluster connect. Written from seed 000
 * (German, the older "Troubleshoot Azure Arc-enabled Kubernetes and GitOps" article) and seed 001
 * (French, "Troubleshoot platform issues for Azure Arc-enabled Kubernetes clusters"); both are
 * translations of the Microsoft Learn article below, so each entry links its section there.
 */

export const ARC_DOC = "https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting";
export const GERMAN = "000_a421b814d94b038a.txt";
export const FRENCH = "001_1f61bc1ca7295eba.txt";

/** Azure endpoints the Arc agents and onboarding talk to (network requirements of Arc-enabled Kubernetes). */
const ARC_ENDPOINTS = String.raw`(?:\.arc\.azure\.com|\.his\.hybridcompute\.azure-automation\.net|\.kubernetesconfiguration\.azure\.com|\.guestnotificationservice\.azure\.com|\.servicebus\.windows\.net|login\.microsoftonline\.com|management\.azure\.com|mcr\.microsoft\.com|k8connecthelm\.azureedge\.net)`;

/** The Arc agent deployments in the azure-arc namespace (the seeds' `kubectl -n azure-arc get deployments,pods`). */
const ARC_AGENTS =
  "(?:cluster-metadata-operator|clusterconnect-agent|clusteridentityoperator|config-agent|controller-manager|extension-events-collector|extension-manager|flux-logs-agent|kube-aad-proxy|metrics-agent|resource-sync-agent)";

export const entries: CatalogEntry[] = [
  {
    id: "arc-agent-pods-unhealthy",
    title: "Azure Arc agent pods are not running (Error, CrashLoopBackOff, Pending) or the azure-arc Helm release is missing",
    category: "arc-agent",
    severity: "critical",
    observable: ["cluster", "client"],
    signatures: [
      // A `kubectl -n azure-arc get pods` line of an Arc agent that is not Running.
      String.raw`(?<![\w-])(?:pod/)?${ARC_AGENTS}-[a-z0-9]{5,10}-[a-z0-9]{5} +\d+/\d+ +(?:error|crashloopbackoff|imagepullbackoff|errimagepull|pending|containercreating|createcontainerconfigerror|oomkilled)\b`,
      String.raw`azure-arc (?:agent |namespace )?pods? (?:are |is )?(?:not (?:all )?(?:running|ready)|stuck in (?:pending|containercreating)|in (?:a )?(?:crashloopbackoff|error|imagepullbackoff|pending) state)|pods in (?:the )?azure-arc namespace (?:are|is) (?:not (?:all )?(?:running|ready)|stuck in pending)`,
      // The hint az connectedk8s prints when onboarding fails without a more specific error.
      String.raw`pods stuck in pending state could be insufficient ?resources`,
      String.raw`one or more azure arc agents are in pending state`,
      String.raw`status azure-arc\b.{0,40}error: release: not found`,
    ],
    context: { components: ["cluster"], clusterKinds: ["arc"] },
    cause:
      "The Azure Arc agents run as pods in the azure-arc namespace and all must be Running with every container ready. " +
      "Pods in Error or CrashLoopBackOff are failing (their logs say why); pods stuck in Pending usually mean the " +
      "cluster nodes lack resources. A missing azure-arc Helm release means the agents were never installed or were removed.",
    steps: [
      { text: "Check that the Azure Arc Helm release exists and is deployed.", command: "helm --namespace default status azure-arc" },
      {
        text: "If the release is not found or missing, connect the cluster to Azure Arc again.",
        command: "az connectedk8s connect --resource-group <resource-group> --name <cluster-name>",
      },
      {
        text: "If the release is deployed, check the agents: every pod should be Running with 3/3 or 2/2 under READY.",
        command: "kubectl -n azure-arc get deployments,pods",
      },
      { text: "Get the logs of the pods that return Error or CrashLoopBackOff and describe them." },
      { text: "Pods stuck in Pending usually lack node resources: scale the cluster up so they can move to Running." },
    ],
    docUrl: `${ARC_DOC}#azure-arc-agents`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Azure Arc-Agents" },
      { seed: FRENCH, section: "Agents Azure Arc" },
    ],
    examples: [
      "pod/config-agent-67bcb94b7c-d67t8 1/2 CrashLoopBackOff 7 3d19h",
      "$ kubectl -n azure-arc get deployments,pods\nNAME READY STATUS RESTARTS AGE\npod/cluster-metadata-operator-74747b975-9phtz 2/2 Running 0 3d19h\npod/clusterconnect-agent-cf4c7849c-88fmf 0/3 Pending 0 41m\npod/kube-aad-proxy-84d668c44b-j457m 0/2 Pending 0 41m",
      "$ helm --namespace default status azure-arc\nError: release: not found",
      "Please check if the azure-arc namespace was deployed and run 'kubectl get pods -n azure-arc' to check if all the pods are in running state. A possible cause for pods stuck in pending state could be insufficientresources on the Kubernetes cluster to onboard to arc.",
      "pod/extension-manager-7c7668446b-69gps    2/3     ImagePullBackOff   0          12m",
      "Azure Arc agent pods in the azure-arc namespace are not running: resource-sync-agent-dbf5db848-c9lg8 Error",
      '{"code":"ConnectedClusterAgentsUnhealthy","message":"azure-arc pods are not ready: pod/metrics-agent-58fb8554df-5ll67 1/2 CrashLoopBackOff 31 2d4h"}',
    ],
    nearMisses: [
      "pod/config-agent-67bcb94b7c-d67t8 2/2 Running 0 3d19h",
      "pod/source-controller-7d9c8b6f5d-x2k9q 0/1 CrashLoopBackOff 5 10m",
      "pod/kube-controller-manager-aks-nodepool1-12345678-vmss000000 0/1 CrashLoopBackOff 3 5m",
      "$ helm --namespace flux-system status flux\nError: release: not found",
    ],
  },
  {
    id: "arc-dns-resolution",
    title: "DNS resolution fails on the cluster while connecting to Azure Arc",
    category: "connectivity",
    severity: "high",
    observable: ["client", "cluster"],
    signatures: [
      String.raw`issue with the dns resolution on your cluster`,
      String.raw`lookup [a-z0-9.-]*${ARC_ENDPOINTS}\.?(?: on [^ ]+)?: (?:no such host|server misbehaving|i/o timeout|temporary failure in name resolution|read udp [^ ]+: read: connection refused)`,
    ],
    context: { components: ["cluster"] },
    // A failed lookup names a cause that many symptoms share; an entry naming the symptom wins.
    priority: -1,
    cause:
      "The cluster cannot resolve the Azure endpoints Arc needs: CoreDNS (or the upstream DNS servers it forwards to) " +
      "does not answer or answers NXDOMAIN, so the agents cannot reach Azure and onboarding fails.",
    steps: [
      {
        text: "Diagnose name resolution inside the cluster as Kubernetes' 'Debugging DNS Resolution' describes: https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/",
      },
      {
        text: "Once the cluster resolves the Azure Arc endpoints, connect the cluster again.",
        command: "az connectedk8s connect --resource-group <resource-group> --name <cluster-name>",
      },
    ],
    docUrl: `${ARC_DOC}#dns-resolution-issues`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Probleme bei der DNS-Auflösung" },
      { seed: FRENCH, section: "Problèmes de résolution du DNS" },
    ],
    examples: [
      "Error: We found an issue with the DNS resolution on your cluster. For details about debugging DNS issues visit 'https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/'.",
      'Post "https://westeurope.dp.kubernetesconfiguration.azure.com/subscriptions/6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c/resourceGroups/rg-edge/provider/Microsoft.Kubernetes/connectedClusters/edge-07/register?api-version=2020-07-01": dial tcp: lookup westeurope.dp.kubernetesconfiguration.azure.com on 10.96.0.10:53: no such host',
      "failed to get token: dial tcp: lookup login.microsoftonline.com on 172.20.0.10:53: server misbehaving",
      '{"error":{"code":"DiagnosticCheckFailed","message":"Error: We found an issue with the DNS resolution on your cluster."}}',
    ],
    nearMisses: [
      "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config': dial tcp: lookup github.com on 10.0.0.10:53: no such host",
      "Error: We found an issue with outbound network connectivity from the cluster.",
    ],
  },
  {
    id: "arc-outbound-connectivity",
    title: "Outbound network connectivity from the cluster to Azure fails (firewall, or proxy settings not passed at onboarding)",
    category: "connectivity",
    severity: "high",
    observable: ["client", "cluster"],
    signatures: [
      String.raw`issue with outbound network connectivity from the cluster`,
      String.raw`outbound network connectivity check (?:has )?failed`,
      // An agent's HTTPS call to an Arc endpoint that never connects.
      String.raw`https://[a-z0-9.-]*${ARC_ENDPOINTS}[^ "]*"?: (?:dial tcp [0-9a-fx.:\[\]]+:\d+: (?:i/o timeout|connect: connection refused|connect: connection timed out|connect: network is unreachable)|proxyconnect tcp: [^ ]+|net/http: tls handshake timeout)`,
    ],
    context: { components: ["cluster"] },
    priority: -1,
    cause:
      "The cluster cannot open outbound connections to the endpoints Azure Arc requires: a firewall blocks them, or the " +
      "cluster sits behind an outbound proxy and the proxy parameters were not passed when the cluster was onboarded " +
      "(or the proxy is misconfigured).",
    steps: [
      { text: "Make sure every network requirement of Arc-enabled Kubernetes is met (endpoints and ports allowed outbound)." },
      {
        text: "Behind an outbound proxy server, make sure the proxy parameters were passed when the cluster was onboarded and that the proxy is configured correctly (see 'Connect using an outbound proxy server').",
      },
    ],
    docUrl: `${ARC_DOC}#outbound-network-connectivity-issues`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Probleme mit der ausgehenden Netzwerkkonnektivität" },
      { seed: FRENCH, section: "Problèmes de connectivité réseau sortante" },
    ],
    examples: [
      "Error: We found an issue with outbound network connectivity from the cluster to the endpoints required for onboarding.\nPlease ensure to meet the following network requirements 'https://learn.microsoft.com/en-us/azure/azure-arc/kubernetes/network-requirements?tabs=azure-cloud' \nIf your cluster is behind an outbound proxy server,  please ensure that you have passed proxy parameters during the onboarding of your cluster.",
      'The outbound network connectivity check has failed for the endpoint - https://eastus.obo.arc.azure.com:8084/\nThis will affect the "cluster-connect" feature.',
      'Post "https://eastus.dp.kubernetesconfiguration.azure.com/subscriptions/0b7e8f3c-1a2b-4c5d-8e9f-a0b1c2d3e4f5/resourceGroups/rg-store-042/provider/Microsoft.Kubernetes/connectedClusters/store-042/register?api-version=2020-07-01": dial tcp 20.49.109.6:443: i/o timeout',
      'Get "https://management.azure.com/subscriptions/0b7e8f3c-1a2b-4c5d-8e9f-a0b1c2d3e4f5?api-version=2020-01-01": proxyconnect tcp: dial tcp 10.20.0.4:3128: connect: connection refused',
      '{"status":"Failed","error":{"code":"OutboundConnectivityCheckFailed","message":"Error: We found an issue with outbound network connectivity from the cluster."}}',
    ],
    nearMisses: [
      'Get "https://github.com/contoso/fleet-config/info/refs?service=git-upload-pack": dial tcp 140.82.121.3:443: i/o timeout',
      "An exception has occurred while trying to execute the cluster diagnostic checks in the cluster. Exception: Unable to pull cluster-diagnostic-checks helm chart from the registry 'mcr.microsoft.com/azurearck8s/helmchart/stable/clusterdiagnosticchecks:0.1.2': Error: failed to do request: Head \"https://mcr.microsoft.com/v2/azurearck8s/helmchart/stable/clusterdiagnosticchecks/manifests/0.1.2\": dial tcp 204.79.197.219:443: i/o timeout",
    ],
  },
  {
    id: "arc-diagnostic-chart-blocked",
    title: "The cluster-diagnostic-checks Helm chart cannot be pulled (k8connecthelm endpoint blocked)",
    category: "connectivity",
    severity: "medium",
    observable: ["client"],
    signatures: [
      String.raw`unable to pull cluster-?diagnostic-?checks helm chart from the registry`,
      String.raw`clusterdiagnosticchecks/manifests/[^ "]*"?: dial tcp [^ ]+: (?:i/o timeout|connect: connection refused|connect: connection timed out)`,
    ],
    cause:
      "Onboarding runs diagnostic checks from a Helm chart; pulling it times out when the endpoint " +
      "https://k8connecthelm.azureedge.net is blocked by the network.",
    steps: [
      { text: "Allow outbound connectivity to https://k8connecthelm.azureedge.net and make sure every other network requirement is met." },
      { text: "Connect the cluster again.", command: "az connectedk8s connect --name <cluster-name> --resource-group <resource-group>" },
    ],
    docUrl: `${ARC_DOC}#outbound-network-connectivity-issues`,
    origin: "documented",
    sources: [{ seed: FRENCH, section: "Problèmes de connectivité réseau sortante" }],
    examples: [
      "An exception has occurred while trying to execute the cluster diagnostic checks in the cluster. Exception: Unable to pull cluster-diagnostic-checks helm chart from the registry 'mcr.microsoft.com/azurearck8s/helmchart/stable/clusterdiagnosticchecks:0.1.2': Error: failed to do request: Head \"https://mcr.microsoft.com/v2/azurearck8s/helmchart/stable/clusterdiagnosticchecks/manifests/0.1.2\": dial tcp xx.xx.xx.219:443: i/o timeout",
      "(CLIInternalError) Unable to pull cluster-diagnostic-checks helm chart from the registry 'mcr.microsoft.com/azurearck8s/helmchart/stable/clusterdiagnosticchecks:0.2.2': Error: failed to do request: Head \"https://mcr.microsoft.com/v2/azurearck8s/helmchart/stable/clusterdiagnosticchecks/manifests/0.2.2\": dial tcp 13.107.246.38:443: i/o timeout",
      'Error: failed to do request: Head "https://mcr.microsoft.com/v2/azurearck8s/helmchart/stable/clusterdiagnosticchecks/manifests/0.1.2": dial tcp 150.171.69.10:443: connect: connection refused',
    ],
    nearMisses: [
      "Unable to pull azure-arc-k8sagents helm chart from the registry 'mcr.microsoft.com/azurearck8s/batch1/stable/azure-arc-k8sagents:1.15.3': Error: chart not found",
      "Pulling HelmChart: mcr.microsoft.com/azurearck8s/helmchart/stable/clusterdiagnosticchecks, Version: 0.1.2",
    ],
  },
  {
    id: "arc-msi-certificate",
    title: "The MSI certificate of the connected cluster cannot be retrieved",
    category: "identity",
    severity: "high",
    observable: ["client", "cluster"],
    signatures: [
      String.raw`(?:unable|failed) to (?:retrieve|fetch|get|download|obtain|pull) (?:the )?(?:cluster )?msi cert(?:ificate)?`,
      String.raw`(?:error|failure) (?:while |when )?(?:retrieving|fetching|getting|downloading) (?:the )?(?:cluster )?msi cert(?:ificate)?`,
      String.raw`msi cert(?:ificate)? (?:retrieval|download|fetch) (?:has )?failed`,
    ],
    context: { components: ["cluster"] },
    cause:
      "The cluster identity agent could not fetch the managed identity (MSI) certificate of the connected cluster from " +
      "Azure. This is almost always a network problem: an endpoint in the Arc network requirements is not reachable.",
    steps: [{ text: "Make sure every network requirement of Arc-enabled Kubernetes is met, then retry the operation." }],
    docUrl: `${ARC_DOC}#unable-to-retrieve-msi-certificate`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Fehler beim Abrufen des MSI-Zertifikats" },
      { seed: FRENCH, section: "Impossible de récupérer le certificat MSI" },
    ],
    examples: [
      "Unable to retrieve MSI certificate",
      'Error: failed to get MSI certificate: Get "https://eastus.his.arc.azure.com/discovery?api-version=1.0-preview": dial tcp 20.42.65.84:443: i/o timeout',
      "clusteridentityoperator: error while fetching the MSI certificate for connected cluster 'edge-07': context deadline exceeded",
      '{"error":{"code":"MSICertificateRetrievalFailed","message":"MSI certificate download failed after 5 retries"}}',
    ],
    nearMisses: [
      'MountVolume.SetUp failed for volume "kube-aad-proxy-tls" : secret "kube-aad-proxy-certificate" not found',
      "Failed to get certificate from Key Vault 'kv-contoso': Forbidden",
    ],
  },
  {
    id: "arc-cluster-permissions",
    title: "The kubeconfig used to connect the cluster lacks cluster-admin (secrets is forbidden at the cluster scope)",
    category: "permissions",
    severity: "high",
    observable: ["client"],
    signatures: [
      // A user (never a Flux or other service account) refused a verb at the cluster scope.
      String.raw`is forbidden: user "(?!system:serviceaccount:)[^"]*" cannot [a-z]+ resource "[^"]*" in api group "[^"]*" at the cluster scope`,
    ],
    context: { components: ["cluster"] },
    cause:
      "Connecting a cluster installs the Arc agents, which requires cluster-admin. The kubeconfig given to " +
      "az connectedk8s connect belongs to a user without it, so listing secrets at the cluster scope is refused.",
    steps: [
      { text: "Assign the cluster-admin role on the cluster to the user who connects the cluster to Azure Arc." },
      { text: "Connect the cluster again.", command: "az connectedk8s connect --resource-group <resource-group> --name <cluster-name>" },
    ],
    docUrl: `${ARC_DOC}#insufficient-cluster-permissions`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Unzureichende Clusterberechtigungen" },
      { seed: FRENCH, section: "Autorisations du cluster insuffisantes" },
    ],
    examples: [
      'Error: list: failed to list: secrets is forbidden: User "myuser" cannot list resource "secrets" in API group "" at the cluster scope',
      'az connectedk8s connect --resource-group AzureArc --name AzureArcCluster\nEnsure that you have the latest helm version installed before proceeding to avoid unexpected errors.\nThis operation might take a while...\nError: list: failed to list: secrets is forbidden: User "alice@contoso.com" cannot list resource "secrets" in API group "" at the cluster scope',
      'Error: clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "ci-deployer" cannot create resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope',
      '{"error":{"code":"ValidationError","message":"Error: list: failed to list: secrets is forbidden: User \\"ops\\" cannot list resource \\"secrets\\" in API group \\"\\" at the cluster scope"}}',
    ],
    nearMisses: [
      'secrets is forbidden: User "system:serviceaccount:flux-system:kustomize-controller" cannot list resource "secrets" in API group "" in the namespace "apps"',
      'secrets is forbidden: User "system:serviceaccount:flux-system:helm-controller" cannot list resource "secrets" in API group "" at the cluster scope',
      'pods is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"',
    ],
  },
  {
    id: "arc-openshift-connect",
    title: "Connecting an OpenShift cluster times out: version prerequisites or the privileged SCC for kube-aad-proxy",
    category: "arc-agent",
    severity: "high",
    observable: ["client", "cluster"],
    signatures: [
      String.raw`kube-aad-proxy[a-z0-9-]*"? is forbidden: unable to validate against any security context constraint`,
      String.raw`azure-arc-kube-aad-proxy-sa\b.{0,200}(?:unable to validate against any security context constraint|not usable by user or serviceaccount)`,
    ],
    context: { clusterKinds: ["arc"] },
    cause:
      "On OpenShift, az connectedk8s connect times out when the cluster is older than the supported versions " +
      "(4.5.41+, 4.6.35+ or 4.7.18+) or when no security context constraint lets the azure-arc-kube-aad-proxy-sa " +
      "service account run the kube-aad-proxy pod, which needs the privileged SCC (it mounts a host path).",
    steps: [
      { text: "Make sure the OpenShift cluster meets the version prerequisites: 4.5.41+, 4.6.35+ or 4.7.18+." },
      {
        text: "Before connecting, grant the privileged SCC to the kube-aad-proxy service account.",
        command: "oc adm policy add-scc-to-user privileged system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa",
      },
      { text: "Connect the cluster again.", command: "az connectedk8s connect --resource-group <resource-group> --name <cluster-name>" },
    ],
    docUrl: `${ARC_DOC}#unable-to-connect-openshift-cluster-to-azure-arc`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Herstellen einer Verbindung zwischen OpenShift-Cluster und Azure Arc nicht möglich" },
      { seed: FRENCH, section: "Impossible de connecter le cluster OpenShift à Azure Arc" },
    ],
    examples: [
      'Error creating: pods "kube-aad-proxy-84d668c44b-" is forbidden: unable to validate against any security context constraint: [provider "anyuid": Forbidden: not usable by user or serviceaccount, spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used]',
      'Warning FailedCreate replicaset/kube-aad-proxy-5f9d7c6b8d Error creating: pods "kube-aad-proxy-5f9d7c6b8d-" is forbidden: unable to validate against any security context constraint: [provider "restricted": Forbidden: not usable by user or serviceaccount]',
      'serviceaccount system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa: provider "privileged": Forbidden: not usable by user or serviceaccount',
    ],
    nearMisses: [
      'Error creating: pods "web-5d9c7b8f6d-" is forbidden: unable to validate against any security context constraint: [provider "anyuid": Forbidden: not usable by user or serviceaccount]',
      "oc adm policy add-scc-to-user privileged system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa",
    ],
  },
  {
    id: "arc-helm-upgrade-timeout",
    title: "Arc agent install times out: UPGRADE Failed: time out waiting for the condition",
    category: "helm",
    severity: "high",
    observable: ["client", "cluster"],
    signatures: [
      String.raw`unable to install helm release: error: (?:(?:upgrade|install(?:ation)?) failed: )?timed? ?out waiting for the condition`,
      String.raw`secrets? "(?:azure-identity-certificate|kube-aad-proxy-certificate)" not found`,
    ],
    context: { components: ["cluster"] },
    cause:
      "The Arc agents did not become ready within Helm's timeout. Usually clusterconnect-agent or config-agent is in " +
      "CrashLoopBackOff because the system-assigned managed identity was not installed (the azure-identity-certificate " +
      "secret is missing), often because of proxy settings; or kube-aad-proxy is missing (pod security policy forbids its " +
      "host path) or stuck in ContainerCreating because its kube-aad-proxy-certificate was not downloaded.",
    steps: [
      {
        text: "Check whether clusterconnect-agent or config-agent shows CrashLoopBackOff, or not all containers run.",
        command: "kubectl get pods -n azure-arc",
      },
      {
        text: "Check that the azure-identity-certificate secret exists; if it is missing, the system-assigned managed identity was not installed.",
        command: "kubectl get secret -n azure-arc -o yaml | grep name:",
      },
      {
        text: "Delete the Arc deployment and install it again; if the problem persists, check the proxy settings (connect the cluster through a proxy) and that every network prerequisite is met.",
        command: "az connectedk8s delete\naz connectedk8s connect --resource-group <resource-group> --name <cluster-name>",
      },
      {
        text: "If clusterconnect-agent and config-agent run but kube-aad-proxy is missing, check the pod security policies: its azure-arc-kube-aad-proxy-sa service account needs permission to mount a host path.",
      },
      {
        text: "If kube-aad-proxy is stuck in ContainerCreating, check that the kube-aad-proxy-certificate secret was downloaded; if it is missing, delete the deployment and onboard again with a different cluster name.",
        command: "kubectl get secret -n azure-arc -o yaml | grep name:",
      },
    ],
    docUrl: `${ARC_DOC}#helm-timeout-error`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Helm-Timeout-Fehler" },
      { seed: FRENCH, section: "Erreur de délai d'attente Helm" },
    ],
    examples: [
      "Unable to install helm release: Error: UPGRADE Failed: time out waiting for the condition",
      "az connectedk8s connect -n AzureArcTest -g AzureArcTest\nUnable to install helm release: Error: UPGRADE Failed: time out waiting for the condition",
      "(CLIInternalError) Unable to install helm release: Error: UPGRADE FAILED: timed out waiting for the condition",
      'MountVolume.SetUp failed for volume "kube-aad-proxy-tls" : secret "kube-aad-proxy-certificate" not found',
      'Warning FailedMount pod/clusterconnect-agent-7cb8b565c7-wklsh MountVolume.SetUp failed for volume "identity-cert" : secret "azure-identity-certificate" not found',
      '{"error":{"code":"HelmInstallFailed","message":"Unable to install helm release: Error: INSTALLATION FAILED: timed out waiting for the condition"}}',
    ],
    nearMisses: [
      "Helm upgrade failed for release podinfo/podinfo with chart podinfo@6.5.4: timed out waiting for the condition",
      "Timed out waiting for the resource to come to a ready/completed state.",
      'secret "flux-system" not found',
    ],
  },
  {
    id: "arc-helm-crd-not-found",
    title: "Helm validation error: the connectedclusters.arc.azure.com CRD is not found (Helm v3.3.0-rc.1)",
    category: "helm",
    severity: "medium",
    observable: ["client"],
    signatures: [String.raw`customresourcedefinitions\.apiextensions\.k8s\.io "?connectedclusters\.arc\.azure\.com"? not found`],
    cause:
      "Helm v3.3.0-rc.1 has a bug: after helm install/upgrade (used by the connectedk8s CLI extension) running all hooks " +
      "fails with the connectedclusters.arc.azure.com custom resource definition not found.",
    steps: [
      { text: "Delete the Azure Arc-enabled Kubernetes resource in the Azure portal." },
      {
        text: "Remove what the failed install left on the cluster.",
        command: "kubectl delete ns azure-arc\nkubectl delete clusterrolebinding azure-arc-operator\nkubectl delete secret sh.helm.release.v1.azure-arc.v1",
      },
      { text: "Install a stable version of Helm 3 instead of the release candidate." },
      { text: "Connect the cluster again.", command: "az connectedk8s connect --resource-group <resource-group> --name <cluster-name>" },
    ],
    docUrl: `${ARC_DOC}#helm-validation-error`,
    origin: "documented",
    sources: [{ seed: GERMAN, section: "Helm-Überprüfungsfehler" }],
    examples: [
      'ValidationError: Unable to install helm release: Error: customresourcedefinitions.apiextensions.k8s.io "connectedclusters.arc.azure.com" not found',
      "az connectedk8s connect -n AzureArcTest -g AzureArcTest\nEnsure that you have the latest helm version installed before proceeding.\nThis operation might take a while...\nPlease check if the azure-arc namespace was deployed and run 'kubectl get pods -n azure-arc' to check if all the pods are in running state. A possible cause for pods stuck in pending state could be insufficientresources on the Kubernetes cluster to onboard to arc.\nValidationError: Unable to install helm release: Error: customresourcedefinitions.apiextensions.k8s.io \"connectedclusters.arc.azure.com\" not found",
      '{"error":{"code":"ValidationError","message":"Unable to install helm release: Error: customresourcedefinitions.apiextensions.k8s.io \\"connectedclusters.arc.azure.com\\" not found"}}',
    ],
    nearMisses: [
      'customresourcedefinitions.apiextensions.k8s.io "helmreleases.helm.toolkit.fluxcd.io" not found',
      'connectedclusters.arc.azure.com "clustermetadata" not found',
    ],
  },
  {
    id: "arc-service-timeout",
    title: "Service timeout or resource provisioning failure while onboarding the connected cluster",
    category: "arc-agent",
    severity: "medium",
    observable: ["cluster", "client"],
    signatures: [
      String.raw`the gateway did not receive a response from '?microsoft\.kubernetes'? within the specified time period`,
      String.raw`terminal provisioning state '?failed'?.{0,120}?microsoft\.kubernetes/connectedclusters/|microsoft\.kubernetes/connectedclusters/[^ ]+ .{0,120}?terminal provisioning state '?failed`,
      // The collector's judgement of a connected cluster resource whose provisioningState is Failed.
      String.raw`\bprovisioningstate\W*(?:is|=|:)?\W*failed\b`,
    ],
    context: { components: ["cluster"], clusterKinds: ["arc"] },
    cause:
      "The Azure Arc-enabled Kubernetes service timed out or could not provision the connected cluster resource, " +
      "typically during an active Azure service event in the region.",
    steps: [
      { text: "Check Azure status for active events affecting the Azure Arc-enabled Kubernetes service; if there is one, wait until it is resolved." },
      {
        text: "Delete the existing connected cluster resource, then retry onboarding.",
        command: "az connectedk8s delete\naz connectedk8s connect --resource-group <resource-group> --name <cluster-name>",
      },
      { text: "If there is no service event and onboarding keeps failing, open a support request." },
    ],
    docUrl: ARC_DOC,
    origin: "documented",
    sources: [{ seed: FRENCH, section: "Erreur d'expiration du délai d'attente du service/échec de l'approvisionnement des ressources" }],
    anchors: ["the gateway did not receive a response from 'microsoft.kubernetes' within the specified time period"],
    examples: [
      "The gateway did not receive a response from 'Microsoft.Kubernetes' within the specified time period.",
      '{"error":{"code":"GatewayTimeout","message":"The gateway did not receive a response from \'Microsoft.Kubernetes\' within the specified time period."}}',
      "(ResourceDeploymentFailure) The resource write operation failed to complete successfully, because it reached terminal provisioning state 'Failed'. Resource: /subscriptions/6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/edge-07",
      "Provisioning of resource /subscriptions/0b7e8f3c-1a2b-4c5d-8e9f-a0b1c2d3e4f5/resourceGroups/rg-store-042/providers/Microsoft.Kubernetes/connectedClusters/store-042 ended in terminal provisioning state 'Failed'",
      "provisioningState is Failed",
    ],
    nearMisses: [
      "The gateway did not receive a response from 'Microsoft.ContainerService' within the specified time period.",
      "The resource operation completed with terminal provisioning state 'Failed'.",
    ],
  },
  {
    id: "arc-overage-claim",
    title: "Overage claim: the principal is in more than 200 Entra groups, or the obo endpoint is blocked by the proxy",
    category: "identity",
    severity: "medium",
    observable: ["client"],
    signatures: [
      String.raw`\boverage claims?\b`,
      String.raw`(?:member of|part of|belongs to) more than 200 (?:microsoft entra |azure ad |aad |security )?groups`,
    ],
    cause:
      "The token of the principal carries an overage claim instead of its groups because the principal is a member of " +
      "more than 200 Microsoft Entra groups; an overage claim can also appear behind an outbound proxy that does not " +
      "allow https://<region>.obo.arc.azure.com:8084/.",
    steps: [
      {
        text: "Use a service principal that is a member of no more than 200 groups, or remove the original service principal from some of its groups, and retry.",
      },
      { text: "Behind an outbound proxy, allow outbound traffic to https://<region>.obo.arc.azure.com:8084/." },
      { text: "If neither applies, open a support request." },
    ],
    docUrl: `${ARC_DOC}#overage-claims-error`,
    origin: "documented",
    sources: [{ seed: FRENCH, section: "Erreur de revendications de dépassement" }],
    examples: [
      "Error: overage claim received: the service principal is a member of more than 200 groups",
      "az connectedk8s proxy -n edge-07 -g rg-edge\nFailed to get the access token: the token contains an overage claim (_claim_names) instead of the groups claim",
      '{"error":{"code":"OverageClaimNotSupported","message":"Overage claims are not supported: the principal belongs to more than 200 Microsoft Entra groups."}}',
    ],
    nearMisses: ["Overage charges apply to usage beyond the included quota.", "The service principal is a member of 12 groups."],
  },
  {
    id: "arc-cluster-connect-old-agent",
    title: "Cluster connect: hybrid connection does not exist (agents too old for cluster connect)",
    category: "arc-agent",
    severity: "medium",
    observable: ["client"],
    signatures: [String.raw`hybrid connection for the target resource does not exist`],
    cause: "Some older agent versions did not support the cluster connect feature, so az connectedk8s proxy finds no " + "hybrid connection for the cluster.",
    steps: [
      {
        text: "Use the connectedk8s Azure CLI extension version 1.2.0 or later, then connect the cluster to Azure Arc again.",
        command: "az connectedk8s connect --resource-group <resource-group> --name <cluster-name>",
      },
      {
        text: "Make sure every network requirement of Arc-enabled Kubernetes is met; behind an outbound proxy or firewall, allow websocket connections to *.servicebus.windows.net (required by cluster connect).",
      },
    ],
    docUrl: `${ARC_DOC}#old-version-of-agents-used`,
    origin: "documented",
    sources: [{ seed: GERMAN, section: "Alte Version der verwendeten Agents" }],
    anchors: ["hybrid connection for the target resource does not exist"],
    examples: [
      "Hybrid connection for the target resource does not exist. Agent might not have started successfully.",
      "az connectedk8s proxy -n AzureArcTest -g AzureArcTest\nHybrid connection for the target resource does not exist. Agent might not have started successfully.",
      '{"error":{"code":"BadRequest","message":"Hybrid connection for the target resource does not exist. Agent might not have started successfully."}}',
    ],
    nearMisses: [
      "Cannot connect to the hybrid connection because no agent is connected in the target arc resource.",
      "Hybrid connection 'hc-orders' does not exist in namespace 'relay-contoso'.",
    ],
  },
  {
    id: "arc-cluster-connect-disabled",
    title: "Cluster connect: no agent is connected (the cluster connect feature is disabled)",
    category: "arc-agent",
    severity: "medium",
    observable: ["client"],
    signatures: [String.raw`cannot connect to the hybrid connection because no agent is connected in the target arc resource`],
    cause:
      "The clusterconnect-agent and kube-aad-proxy pods are missing: the cluster connect feature is disabled on the " +
      "cluster, so az connectedk8s proxy cannot establish a session with it.",
    steps: [
      {
        text: "Enable the cluster connect feature on the cluster.",
        command: "az connectedk8s enable-features --features cluster-connect -n $CLUSTER_NAME -g $RESOURCE_GROUP",
      },
      { text: "Behind an outbound proxy or firewall, allow websocket connections to *.servicebus.windows.net, and use the latest connectedk8s CLI extension." },
    ],
    docUrl: `${ARC_DOC}#cluster-connect-feature-disabled`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Deaktiviertes Clusterverbindungsfeature" },
      { seed: FRENCH, section: "Problèmes de connexion au cluster" },
    ],
    anchors: ["cannot connect to the hybrid connection because no agent is connected in the target arc resource"],
    examples: [
      "Cannot connect to the hybrid connection because no agent is connected in the target arc resource.",
      "az connectedk8s proxy -n AzureArcTest -g AzureArcTest\nCannot connect to the hybrid connection because no agent is connected in the target arc resource.",
      '{"error":{"code":"BadRequest","message":"Cannot connect to the hybrid connection because no agent is connected in the target arc resource."}}',
    ],
    nearMisses: [
      "Hybrid connection for the target resource does not exist. Agent might not have started successfully.",
      "No agent is connected to the pool 'Default'.",
    ],
  },
  {
    id: "arc-custom-locations-oid",
    title: "Custom locations not enabled: unable to fetch the oid of the 'custom-locations' app (service principal lacks privileges)",
    category: "permissions",
    severity: "low",
    observable: ["client"],
    signatures: [
      String.raw`unable to fetch (?:the )?oid of '?custom-locations'? app`,
      String.raw`unable to fetch the object id of the azure ad application used by azure arc service`,
    ],
    cause:
      "When you sign in to Azure with a service principal, it lacks the permissions to read the Microsoft Entra " +
      "application the Azure Arc service uses, so the custom locations feature is skipped.",
    steps: [
      {
        text: "Sign in to Azure CLI with your user account and get the object ID of the Microsoft Entra application the Azure Arc service uses.",
        command: "az ad sp show --id bc313c14-388c-4e7d-a58e-70017303ee3b --query objectId -o tsv",
      },
      {
        text: "Sign in with the service principal and pass that object ID when connecting the cluster.",
        command: "az connectedk8s connect -n <cluster-name> -g <resource-group-name> --custom-locations-oid <objectId>",
      },
      {
        text: "Or enable custom locations on an existing Arc-enabled cluster.",
        command:
          "az connectedk8s enable-features -n <cluster-name> -g <resource-group-name> --custom-locations-oid <objectId> --features cluster-connect custom-locations",
      },
    ],
    docUrl: `${ARC_DOC}#enable-custom-locations-using-service-principal`,
    origin: "documented",
    sources: [
      { seed: GERMAN, section: "Aktivieren von benutzerdefinierten Standorten per Dienstprinzipal" },
      { seed: FRENCH, section: "Activer les emplacements personnalisés à l'aide du principal de service" },
    ],
    examples: [
      "Unable to fetch oid of 'custom-locations' app. Proceeding without enabling the feature. Insufficient privileges to complete the operation.",
      "WARNING: Unable to fetch oid of 'custom-locations' app. Proceeding without enabling the feature. Insufficient privileges to complete the operation.",
      "az connectedk8s enable-features -n store-042 -g rg-stores --features cluster-connect custom-locations\nUnable to fetch oid of 'custom-locations' app. Proceeding without enabling the feature. Insufficient privileges to complete the operation.",
    ],
    nearMisses: ["Insufficient privileges to complete the operation.", "Unable to fetch oid of the signed-in user."],
  },
];
