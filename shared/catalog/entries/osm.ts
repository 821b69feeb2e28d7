import type { CatalogEntry } from "../types";

/**
 * Open Service Mesh control plane health (seed 000 for the Arc extension, seed 004 for the AKS add-on).
 * The seeds give checks rather than one error string, so the signatures are the failures those checks
 * look for as Kubernetes reports them: OSM components not ready or without endpoints, webhook calls
 * to OSM failing (missing CA bundle), the MeshConfig or the SMI/OSM CRDs missing.
 */
const OSM_COMPONENT = String.raw`osm-(?:controller|injector|bootstrap|config-validator|validator)`;

export const entries: CatalogEntry[] = [
  {
    id: "osm-control-plane-unhealthy",
    title: "Open Service Mesh control plane unhealthy",
    category: "osm",
    severity: "high",
    observable: ["extension"],
    signatures: [
      String.raw`no endpoints available for service \W?${OSM_COMPONENT}\b`,
      String.raw`failed calling webhook \W?(?:osm-inject\.k8s\.io|[\w.-]*osm-(?:validator|webhook|config-validator)[\w.-]*)\W`,
      String.raw`\bdeployment\W+${OSM_COMPONENT}\W.{0,80}(?:not (?:ready|available)|does not have minimum availability|minimum replicas unavailable|0/\d+ ready)`,
      String.raw`\b${OSM_COMPONENT}-[a-z0-9]+-[a-z0-9]+\W.{0,60}(?:crashloopbackoff|imagepullbackoff|evicted|0/\d+ (?:running|ready|error))`,
      String.raw`meshconfigs?(?:\.config\.openservicemesh\.io)?\W+osm-mesh-config\W+not found`,
      String.raw`no matches for kind \W?(?:meshconfig|egress|ingressbackend|multiclusterservice|httproutegroup|tcproute|trafficsplit|traffictarget)\W? in version \W?[\w.]*(?:openservicemesh\.io|smi-spec\.io)`,
    ],
    context: { components: ["extension"], extensionTypes: ["microsoft.openservicemesh"] },
    cause:
      "A part of the OSM control plane is broken: osm-controller, osm-injector or osm-bootstrap is not ready (crashing, " +
      "evicted, never deployed) or has no endpoints, the validating/mutating webhook has no CA bundle (under 1000 " +
      "bytes), the osm-mesh-config MeshConfig or the SMI/OSM CRDs are missing. Namespaces without the " +
      "openservicemesh.io labels get no Envoy sidecars. OSM runs in arc-osm-system on Arc and kube-system on AKS.",
    steps: [
      {
        text: "Arc (namespace arc-osm-system): check the controller and injector deployments, pods, services and endpoints; READY must be 1/1 and each service needs endpoints.",
        command: [
          "kubectl get deployment -n arc-osm-system --selector app=osm-controller",
          "kubectl get pods -n arc-osm-system --selector app=osm-controller",
          "kubectl logs -n arc-osm-system -l app=osm-controller",
          "kubectl get service -n arc-osm-system osm-controller",
          "kubectl get endpoints -n arc-osm-system osm-controller",
          "kubectl get deployments -n arc-osm-system osm-injector",
          "kubectl get pod -n arc-osm-system --selector app=osm-injector",
          "kubectl get service -n arc-osm-system osm-injector",
          "kubectl get endpoints -n arc-osm-system osm-injector",
        ].join("\n"),
        clusterKinds: ["arc"],
      },
      {
        text: "AKS add-on (namespace kube-system): check the controller, injector and bootstrap deployments, pods and services.",
        command: [
          "kubectl get deployment,pod,service -n kube-system --selector app=osm-controller",
          "kubectl get deployment,pod,service -n kube-system --selector app=osm-injector",
          "kubectl get deployment,pod,service -n kube-system --selector app=osm-bootstrap",
        ].join("\n"),
        clusterKinds: ["aks"],
      },
      {
        text:
          "Check the validating and mutating webhooks and that each has a CA bundle: an empty, 0 or under-1000-byte " +
          "count means the CA bundle was not provisioned (AKS names them aks-osm-validator-mesh-osm and aks-osm-webhook-osm).",
        command: [
          "kubectl get ValidatingWebhookConfiguration --selector app=osm-controller",
          "kubectl get MutatingWebhookConfiguration --selector app=osm-injector",
          "kubectl get ValidatingWebhookConfiguration osm-validator-mesh-osm -o json | jq -r '.webhooks[0].clientConfig.caBundle' | wc -c",
          "kubectl get MutatingWebhookConfiguration arc-osm-webhook-osm -o json | jq -r '.webhooks[0].clientConfig.caBundle' | wc -c",
        ].join("\n"),
      },
      {
        text: "Check that the osm-mesh-config MeshConfig exists (kube-system on AKS).",
        command: "kubectl get meshconfig osm-mesh-config -n arc-osm-system -o yaml",
      },
      {
        text:
          "Check that meshed namespaces carry the annotation openservicemesh.io/sidecar-injection: enabled and the label " +
          "openservicemesh.io/monitored-by: osm; restart existing pods after osm namespace add.",
        command: [
          "kubectl get namespace <namespace> -o json | jq '.metadata.annotations'",
          "kubectl get namespace <namespace> -o json | jq '.metadata.labels'",
          "kubectl rollout restart deployment <deployment> -n <namespace>",
        ].join("\n"),
      },
      {
        text: "Check the SMI and OSM CRDs; install missing ones for your OSM release (v1.0 shown).",
        command: [
          "kubectl get crds",
          "osm mesh list",
          "kubectl apply -f https://raw.githubusercontent.com/openservicemesh/osm/release-v1.0/cmd/osm-bootstrap/crds/smi_http_route_group.yaml",
          "kubectl apply -f https://raw.githubusercontent.com/openservicemesh/osm/release-v1.0/cmd/osm-bootstrap/crds/smi_tcp_route.yaml",
          "kubectl apply -f https://raw.githubusercontent.com/openservicemesh/osm/release-v1.0/cmd/osm-bootstrap/crds/smi_traffic_access.yaml",
          "kubectl apply -f https://raw.githubusercontent.com/openservicemesh/osm/release-v1.0/cmd/osm-bootstrap/crds/smi_traffic_split.yaml",
        ].join("\n"),
      },
    ],
    docUrl: "https://learn.microsoft.com/azure/aks/open-service-mesh-troubleshoot",
    origin: "documented",
    sources: [
      { seed: "000_a421b814d94b038a.txt", section: "Open Service Mesh mit Azure Arc-Unterstützung" },
      { seed: "004_3b4a73f0bdfee6fc.txt", section: "OSM 控制器" },
    ],
    examples: [
      'Internal error occurred: failed calling webhook "osm-inject.k8s.io": Post "https://osm-injector.kube-system.svc:9090/mutate-pod-creation?timeout=10s": no endpoints available for service "osm-injector"',
      'Error creating: Internal error occurred: failed calling webhook "osm-inject.k8s.io": Post "https://osm-injector.arc-osm-system.svc:9090/mutate-pod-creation?timeout=10s": x509: certificate signed by unknown authority',
      'admission webhook error: failed calling webhook "osm-config-validator.k8s.io": Post "https://osm-config-validator.arc-osm-system.svc:9093/validate?timeout=10s": no endpoints available for service "osm-config-validator"',
      "Deployment osm-controller in arc-osm-system is not ready: 0/1 ready replicas (Deployment does not have minimum availability)",
      "osm-controller-b5bd66db-wglzl 0/1 Evicted 0 61m",
      "osm-injector-5986c57765-vlsdk 0/1 CrashLoopBackOff 12 73m",
      "osm-bootstrap-7d9c6b8f4-q2xkp   0/1     Error     3          2m10s",
      'meshconfigs.config.openservicemesh.io "osm-mesh-config" not found',
      'unable to recognize "traffic-target.yaml": no matches for kind "TrafficTarget" in version "access.smi-spec.io/v1alpha3"',
    ],
    nearMisses: [
      'failed calling webhook "validation.gatekeeper.sh": Post "https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s": no endpoints available for service "gatekeeper-webhook-service"',
      "osm-controller-b5bd66db-wvl9w 1/1 Running 0 31m",
      'no endpoints available for service "dapr-sidecar-injector"',
    ],
  },
];
