import type { CatalogEntry } from "../types";
import { ARC_TROUBLESHOOTING_DOC, ARC_TROUBLESHOOTING_SEED } from "./flux";
import { EXTENSION_ERRORS_DOC, EXTENSION_ERRORS_SEED } from "./helm";
import { SERVICE_CONNECTOR_DOC, SERVICE_CONNECTOR_SEED } from "./service-connector";

/**
 * Cluster extension problems that are not Helm's: the extension agent, its data plane, scheduling,
 * resource provider registration (seeds 002 Italian, 003 German), and Azure Monitor's privileged
 * DaemonSet (seed 000).
 */

export const entries: CatalogEntry[] = [
  {
    id: "ext-agent-no-response",
    title: "Extension operation failed: no response from the extension agent in time",
    category: "extension",
    severity: "high",
    observable: ["extension"],
    signatures: [String.raw`unable to get a response from the agent in time`],
    context: { components: ["extension"] },
    cause:
      "Azure got no answer from the cluster extension agent: its agent/manager pods are not running (resource " +
      "limits, policy restrictions, taints such as NoSchedule, image pulls), or outbound traffic to Azure is " +
      "blocked by a firewall.",
    steps: [
      {
        text: "On AKS, make sure the extension agent and operator pods are scheduled and running; describe them to see why not.",
        clusterKinds: ["aks"],
        command: "kubectl describe pod -n kube-system extension-operator-<id>",
      },
      {
        text: "On Arc-connected clusters, describe the extension manager pod in azure-arc (look for ImagePullBackOff, Pending).",
        clusterKinds: ["arc"],
        command: "kubectl describe pod -n azure-arc extension-manager-<id>",
      },
      {
        text: "If the pods are healthy, outbound traffic is blocked: meet the outbound network and FQDN rules for AKS " + "(or the Arc network requirements).",
      },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [
      { seed: EXTENSION_ERRORS_SEED, section: "Errore: impossibile ottenere una risposta dall'agente in tempo" },
      { seed: SERVICE_CONNECTOR_SEED, section: "Timeout" },
    ],
    anchors: ["unable to get a response from the agent in time"],
    examples: [
      // Azure's own text with a dropped article and a misspelling (reported verbatim in a public issue)
      "The extension operation failed with the fowlling error: Unable to get response from the Agent in time, please ensure the extension agents on the cluster are able to connect to Azure services",
      "Unable to get a response from the Agent in time",
      "The extension operation failed with the following error: Unable to get a response from the Agent in time. For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG.",
      '{"code":"ExtensionOperationFailed","message":"The extension operation failed with the following error:  Unable to get a response from the Agent in time."}',
      "(ExtensionOperationFailed) The extension operation failed with the following error:  Error: [ InnerError: [Unable to get a response from the Agent in time] ] occurred while doing the operation : [Create] on the config",
    ],
    nearMisses: [
      "Timed out waiting for the resource to come to a ready/completed state.",
      "Unable to install helm release: Error: UPGRADE Failed: time out waiting for the condition",
    ],
  },
  {
    id: "ext-dataplane-403",
    title: "Extension agent gets 403 'This traffic is not authorized' from the data plane",
    category: "connectivity",
    severity: "high",
    observable: ["extension"],
    signatures: [String.raw`\bthis traffic is not authorized\b`],
    context: { components: ["extension"] },
    cause:
      "A private link scope for the Arc-enabled Kubernetes extension data plane shares the virtual network or private " +
      "DNS with the AKS cluster, so <region>.dp.kubernetesconfiguration.azure.com resolves to a private IP and the " +
      "AKS extension agent's calls are refused with 403.",
    steps: [
      {
        text: "Confirm the 403 in the extension agent log and that the data plane endpoint resolves to a private address.",
        command: [
          "kubectl logs -n kube-system extension-agent-<pod-guid>",
          "kubectl exec -it -n kube-system extension-agent-<pod-guid> -- nslookup <region>.dp.kubernetesconfiguration.azure.com",
        ].join("\n"),
      },
      { text: "Recommended: put Arc-enabled Kubernetes and AKS compute in separate virtual networks." },
      {
        text:
          "Otherwise override CoreDNS so the regional data plane endpoint resolves to its public IP: back up " +
          "coredns-custom, apply a corednsms.yaml with a hosts entry for <region>.dp.kubernetesconfiguration.azure.com, " +
          "and restart CoreDNS; the agent log then shows response code 200.",
        command: [
          "nslookup <region>.dp.kubernetesconfiguration.azure.com",
          "kubectl get configmap -n kube-system coredns-custom -o yaml > coredns.backup.yaml",
          "kubectl apply -f corednsms.yaml",
          "kubectl -n kube-system rollout restart deployment coredns",
        ].join("\n"),
      },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [{ seed: EXTENSION_ERRORS_SEED, section: "Causa 3: Il traffico non è autorizzato" }],
    examples: [
      '{ "Message": "2024/02/07 06:04:43 \\"Errorcode: 403, Message This traffic is not authorized., Target /subscriptions/<subscription-id>/resourceGroups/<resource-group-name>/provider/managedclusters/clusters/<cluster-name>/configurations/getPendingConfigs\\"", "LogType": "ConfigAgentTrace", "LogLevel": "Information", "Environment": "prod", "Role": "ClusterConfigAgent", "AgentName": "ConfigAgent", "AgentVersion": "1.14.5" }',
      "Errorcode: 403, Message This traffic is not authorized., Target /subscriptions/5b1f0000-aaaa-4c4c-8d8d-000000000001/resourceGroups/rg-prod/provider/managedclusters/clusters/aks-prod-3/configurations/getPendingConfigs",
      "The extension operation failed with the following error: Errorcode: 403, Message This traffic is not authorized.",
    ],
    nearMisses: [
      "2024/02/07 06:04:43 Failed to GET configurations with err : {<nil>}",
      "This request is not authorized to perform this operation. RequestId:5e6f0000-0000",
    ],
  },
  {
    id: "ext-critical-addons-taint",
    title: "Extension pods cannot be scheduled: every node pool has the CriticalAddonsOnly taint",
    category: "extension",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`untolerated taint\W*criticaladdonsonly\b`,
      String.raw`had taint \W*criticaladdonsonly\W*(?:true\W*)?,? that the pod didn.t tolerate`,
    ],
    context: { components: ["extension"] },
    cause:
      "All node pools carry the CriticalAddonsOnly taint, and the extension's pods (Dapr, for example) have no " + "toleration for it, so they stay Pending.",
    steps: [
      {
        text: "Confirm the extension pods are Pending and the scheduler reports the untolerated taint.",
        command: ["kubectl get po -n <namespace-name> -l app.kubernetes.io/name=<name>", "kubectl describe po -n <namespace-name> <podname>"].join("\n"),
      },
      { text: "Add a node pool without the CriticalAddonsOnly taint so the extension pods can be scheduled there." },
      { text: "Or, where practical, remove the CriticalAddonsOnly taint; never use it on a single-pool cluster." },
    ],
    docUrl: EXTENSION_ERRORS_DOC,
    origin: "documented",
    sources: [
      {
        seed: EXTENSION_ERRORS_SEED,
        section: 'Errore: i pod di estensione non possono essere pianificati se tutti i pool di nodi nel cluster sono "CriticalAddonsOnly" contaminati',
      },
    ],
    examples: [
      "0/2 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      "Warning FailedScheduling 18s default-scheduler 0/2 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      "Extension pod error: 0/5 nodes are available: 5 node(s) had untolerated taint {CriticalAddonsOnly: true}.",
      "0/3 nodes are available: 3 node(s) had taint {CriticalAddonsOnly: true}, that the pod didn't tolerate.",
    ],
    nearMisses: [
      "0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.",
      "0/3 nodes are available: 3 Insufficient memory.",
    ],
  },
  {
    id: "provider-not-registered",
    title: "Subscription not registered for the Microsoft.KubernetesConfiguration resource provider",
    category: "provider",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`subscription is not registered to use namespace\W+microsoft\.(?:kubernetesconfiguration|kubernetes|extendedlocation)\b`,
      // The k8s-extension CLI's own wording, checked before it calls ARM.
      String.raw`\bcannot be used because '?microsoft\.(?:kubernetesconfiguration|kubernetes|extendedlocation)'? provider has not been registered`,
    ],
    cause:
      "Cluster extensions, Flux configurations and Service Connector need the subscription to be registered with " +
      "Microsoft.KubernetesConfiguration, the resource provider for Arc-enabled Kubernetes cluster extensions.",
    steps: [
      {
        text: "Register the resource provider named in the message (usually Microsoft.KubernetesConfiguration), then retry.",
        command: "az provider register -n Microsoft.KubernetesConfiguration",
      },
    ],
    docUrl: SERVICE_CONNECTOR_DOC,
    origin: "documented",
    sources: [{ seed: SERVICE_CONNECTOR_SEED, section: "Fehlende Abonnementregistrierung" }],
    examples: [
      "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'",
      "(MissingSubscriptionRegistration) The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'. See https://aka.ms/rps-not-found for how to register subscriptions.",
      '{"error":{"code":"MissingSubscriptionRegistration","message":"The subscription is not registered to use namespace \'Microsoft.KubernetesConfiguration\'. See https://aka.ms/rps-not-found for how to register subscriptions.","details":[{"code":"MissingSubscriptionRegistration","target":"Microsoft.KubernetesConfiguration"}]}}',
      "Code: MissingSubscriptionRegistration Message: The subscription is not registered to use namespace 'Microsoft.ExtendedLocation'.",
      "'Extensions' cannot be used because 'Microsoft.KubernetesConfiguration' provider has not been registered.More details for registering this provider can be found here - https://aka.ms/RegisterKubernetesConfigurationProvider",
    ],
    nearMisses: [
      "The subscription is not registered to use namespace 'Microsoft.Storage'. See https://aka.ms/rps-not-found",
      "No registered resource provider found for location 'westeurope' and API version '2022-01-15-preview' for type 'connectedClusters'.",
    ],
  },
  {
    id: "monitor-privileged-daemonset",
    title: "Azure Monitor for containers cannot run its privileged DaemonSet",
    category: "monitoring",
    severity: "medium",
    observable: ["extension"],
    signatures: [
      // Any DaemonSet can be refused privileged mode; only the monitoring agent's refusal is this entry.
      String.raw`(?:ama-logs|omsagent)[\w-]*\W.{0,200}?privileged: forbidden: disallowed by cluster policy`,
      String.raw`container \W?(?:ama-logs|omsagent)[\w-]*\W? must not set securitycontext\.privileged=true`,
    ],
    context: { components: ["extension"], extensionTypes: ["microsoft.azuremonitor.containers"] },
    cause:
      "Azure Monitor for containers runs its agent as a DaemonSet in privileged mode; clusters that disallow privileged " +
      "containers (Canonical Charmed Kubernetes by default, or a restrictive Pod Security level) reject its pods.",
    steps: [
      {
        text: "On Canonical Charmed Kubernetes, allow privileged containers on the workers.",
        command: "juju config kubernetes-worker allow-privileged=true",
      },
      { text: "On other distributions, allow privileged pods for the monitoring agent's namespace." },
    ],
    docUrl: ARC_TROUBLESHOOTING_DOC,
    origin: "documented",
    sources: [{ seed: ARC_TROUBLESHOOTING_SEED, section: "Überwachung" }],
    examples: [
      'Error creating: pods "omsagent-7xk2p" is forbidden: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy',
      'Error creating: pods "ama-logs-5nq9r" is forbidden: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy',
      'Error creating: pods "ama-logs-5nq9r" is forbidden: violates PodSecurity "baseline:latest": privileged (container "ama-logs" must not set securityContext.privileged=true)',
    ],
    nearMisses: [
      'pods "ama-logs-rs-6d9f" is forbidden: exceeded quota: compute-resources, requested: limits.memory=1Gi',
      'The DaemonSet "calico-node" is invalid: spec.template.spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy',
    ],
  },
];
