/**
 * The catalog entries for Flux, extensions, Helm, Service Connector, OSM, monitoring and the
 * field-known failures, exercised through the real classifier: every example (the seeds' own text
 * first) with and without the context the collector gives, wrapped the ways Azure wraps it, every
 * near miss, and the cases where only the context tells two entries apart.
 */
import { describe, expect, it } from "vitest";
import { classify } from "../../shared/catalog/classifier";
import { entries as extensions } from "../../shared/catalog/entries/extensions";
import { entries as field } from "../../shared/catalog/entries/field";
import { entries as flux } from "../../shared/catalog/entries/flux";
import { entries as helm } from "../../shared/catalog/entries/helm";
import { entries as osm } from "../../shared/catalog/entries/osm";
import { entries as serviceConnector } from "../../shared/catalog/entries/service-connector";
import type { CatalogEntry, ClassifyContext, ContextComponent } from "../../shared/catalog/types";
import { FleetAssembler } from "../../shared/health/assembler";
import { DEFAULT_JUDGE_OPTIONS } from "../../shared/health/cluster";
import { AKS_ID, aksRow, ARC_ID, arcRow, extensionRow, fluxRow, NOW, sourceControlRow } from "../health/fixtures";

const MINE: CatalogEntry[] = [...flux, ...extensions, ...helm, ...serviceConnector, ...osm, ...field];

const SEEDED_IDS = [
  "flux-v1-operator-install",
  "flux-webhook-dry-run",
  "flux-extension-install",
  "flux-pod-identity",
  "flux-resource-limits-policy",
  "monitor-privileged-daemonset",
  "ext-agent-no-response",
  "ext-dataplane-403",
  "ext-critical-addons-taint",
  "provider-not-registered",
  "helm-timeout-ready",
  "helm-chart-download",
  "helm-chart-render",
  "helm-resource-exists",
  "helm-operation-in-progress",
  "sc-conflict",
  "sc-agent-timeout",
  "sc-permission-denied",
  "osm-control-plane-unhealthy",
];
const FIELD_IDS = [
  "flux-source-auth",
  "flux-ref-not-found",
  "flux-kustomize-build",
  "flux-dry-run-invalid",
  "flux-health-check-timeout",
  "image-pull-not-found",
  "ext-type-unavailable-region",
  "operation-conflict",
  "cluster-no-managed-identity",
  "arc-cluster-offline",
  "arc-cluster-expired",
  "arc-msi-cert-expiring",
  "policy-admission-denied",
  "arm-policy-disallowed",
  "ext-duplicate-type",
];

/** The context the collector would attach to a failure of this entry (first listed value of each dimension). */
function naturalContext(entry: CatalogEntry): ClassifyContext {
  const component: ContextComponent = entry.context?.components?.[0] ?? (entry.observable[0] === "client" ? "extension" : entry.observable[0]);
  return {
    component,
    ...(entry.context?.extensionTypes ? { extensionType: entry.context.extensionTypes[0] } : {}),
    ...(entry.context?.clusterKinds ? { clusterKind: entry.context.clusterKinds[0] } : {}),
  };
}

const id = (message: string, context?: ClassifyContext) => classify(message, context).catalogId;

describe("catalog entries (Flux, extensions, Helm, Service Connector, OSM, monitoring, field)", () => {
  it("carries every id this area owns, documented ones from a seed and field ones marked as such", () => {
    const byId = new Map(MINE.map((e) => [e.id, e]));
    for (const seeded of SEEDED_IDS) {
      expect(byId.get(seeded)?.origin, seeded).toBe("documented");
      expect(byId.get(seeded)?.sources?.length, seeded).toBeGreaterThan(0);
    }
    for (const known of FIELD_IDS) expect(byId.get(known)?.origin, known).toBe("field");
    expect(byId.get("monitor-privileged-daemonset")?.category).toBe("monitoring");
  });

  describe.each(MINE.map((e) => [e.id, e] as const))("%s", (_, entry) => {
    it("classifies its examples without context", () => {
      for (const example of entry.examples) expect(id(example), example).toBe(entry.id);
    });

    it("classifies its examples in the context the collector gives", () => {
      const context = naturalContext(entry);
      for (const example of entry.examples) expect(id(example, context), example).toBe(entry.id);
    });

    it("classifies its examples inside Azure's wrappers (ARM error JSON, extension manager prefix)", () => {
      for (const example of entry.examples) {
        const arm = JSON.stringify({
          error: { code: "ExtensionOperationFailed", message: `The extension operation failed with the following error: ${example}` },
        });
        expect(id(arm), arm).toBe(entry.id);
        // An example that is itself an ARM body is not nested a second time: the normalizer stops at depth 8.
        if (example.trimStart().startsWith("{")) continue;
        const escapedInStatus = JSON.stringify({
          status: "Failed",
          error: {
            code: "ResourceOperationFailure",
            message: "The resource operation completed with terminal provisioning state 'Failed'.",
            details: [{ code: "ExtensionCreationFailed", message: example }],
          },
        });
        expect(id(escapedInStatus), escapedInStatus).toBe(entry.id);
      }
    });

    it("does not claim its near misses", () => {
      for (const nearMiss of entry.nearMisses ?? []) expect(id(nearMiss), nearMiss).not.toBe(entry.id);
    });
  });

  it("documented entries tell the documents' commands verbatim", () => {
    const commands = (entryId: string) =>
      MINE.find((e) => e.id === entryId)!
        .steps.map((s) => s.command ?? "")
        .join("\n");
    expect(commands("flux-extension-install")).toContain(
      "az k8s-extension delete --force -g <RESOURCE_GROUP> -c <CLUSTER_NAME> -n flux -t <managedClusters OR connectedClusters>",
    );
    expect(commands("flux-extension-install")).toContain("helm uninstall flux -n flux-system");
    expect(commands("flux-extension-install")).toContain("kubectl delete namespaces flux-system");
    expect(commands("monitor-privileged-daemonset")).toBe("juju config kubernetes-worker allow-privileged=true\n");
    expect(commands("provider-not-registered")).toContain("az provider register -n Microsoft.KubernetesConfiguration");
    expect(commands("sc-agent-timeout")).toContain("kubectl describe job/sc-job -n sc-system");
    expect(commands("osm-control-plane-unhealthy")).toContain("kubectl get endpoints -n arc-osm-system osm-injector");
    expect(commands("osm-control-plane-unhealthy")).toContain("kubectl get deployment,pod,service -n kube-system --selector app=osm-bootstrap");
  });
});

describe("near misses that belong to another entry of this area", () => {
  it.each([
    // Flux v2 extension install vs Flux v1 operator install
    [
      "Error: {failed to install chart from path [] for release [flux]: err [cannot re-use a name that is still in use]} occurred while doing the operation : {Installing the extension} on the config",
      "flux-extension-install",
    ],
    // dry-run: webhook without dry-run support vs an invalid object vs a kind the cluster does not serve
    [
      'Deployment/default/podinfo dry-run failed, reason: Invalid, error: Deployment.apps "podinfo" is invalid: spec.template.spec.containers[0].image: Required value',
      "flux-dry-run-invalid",
    ],
    ['dry-run failed, error: admission webhook "<webhook>" does not support dry run', "flux-webhook-dry-run"],
    ['HelmRelease/apps/podinfo dry-run failed: no matches for kind "HelmRelease" in version "helm.toolkit.fluxcd.io/v2beta1"', "flux-api-version-not-found"],
    // Git: credentials vs reference
    [
      "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config.git': couldn't find remote ref \"refs/heads/mian\"",
      "flux-ref-not-found",
    ],
    ["failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config.git': authentication required", "flux-source-auth"],
    // timeouts: Helm resource readiness vs Flux health checks
    ["Health check failed after 5m0.012s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress']", "flux-health-check-timeout"],
    ["Timed out waiting for the resource to come to a ready/completed state.", "helm-timeout-ready"],
    // "in progress": Helm's release lock vs ARM's operation lock; Service Connector's Conflict
    ["Helm upgrade failed: another operation (install/upgrade/rollback) is in progress", "helm-operation-in-progress"],
    [
      "Operation is not allowed: Another operation (Updating) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details",
      "operation-conflict",
    ],
    ["Operation returned an invalid status code: Conflict", "sc-conflict"],
    // Arc cluster: offline vs expired vs expiring
    ["connectivityStatus is Expired", "arc-cluster-expired"],
    ["connectivityStatus is Offline", "arc-cluster-offline"],
    ["managed identity certificate expires in 12 days (2026-12-04T00:00:00Z)", "arc-msi-cert-expiring"],
    ["managed identity certificate expired on 2026-10-02T11:00:00Z", "arc-cluster-expired"],
    // a policy denial is the catch-all; the Flux controllers' limits are the documented case
    [
      'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev3containerlimits-8f3c2a] container <source-controller> memory limit <1Gi> is higher than the maximum allowed of <512Mi>',
      "flux-resource-limits-policy",
    ],
    [
      'admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2noprivilege-1a2b3c] Privileged container is not allowed: nginx',
      "policy-admission-denied",
    ],
    ['dry-run failed, error: admission webhook "validation.gatekeeper.sh" does not support dry run', "flux-webhook-dry-run"],
    // region availability vs provider registration
    ["The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'", "provider-not-registered"],
  ])("%s -> %s", (message, expected) => {
    expect(id(message)).toBe(expected);
  });

  it.each([
    ["Error: INSTALLATION FAILED: cannot re-use a name that is still in use"],
    ["status: Installing the operator"],
    ["2024/02/07 06:04:43 Failed to GET configurations with err : {<nil>}"],
    ["0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/unreachable: }."],
    ["The subscription is not registered to use namespace 'Microsoft.Storage'. See https://aka.ms/rps-not-found"],
    ["Operation returned an invalid status code 'NotFound'"],
    ["osm-controller-b5bd66db-wvl9w 1/1 Running 0 31m"],
    ['no endpoints available for service "dapr-sidecar-injector"'],
    ["connectivityStatus is Connected"],
    ["running health checks with a timeout of 15m0s"],
    ["Helm chart rendering succeeded; waiting for resources"],
  ])("%s -> nothing in this area", (message) => {
    const got = id(message);
    expect(MINE.some((e) => e.id === got)).toBe(false);
  });
});

describe("context decides between entries that share a message", () => {
  const SC: ClassifyContext = { component: "extension", extensionType: "microsoft.servicelinker.connection", clusterKind: "aks" };
  const DAPR: ClassifyContext = { component: "extension", extensionType: "microsoft.dapr", clusterKind: "aks" };
  const FLUX_EXT: ClassifyContext = { component: "extension", extensionType: "microsoft.flux", clusterKind: "arc" };

  it("the agent timeout is Service Connector's only on its extension", () => {
    const message = "Unable to get a response from the Agent in time";
    expect(id(message)).toBe("ext-agent-no-response");
    expect(id(message, SC)).toBe("sc-agent-timeout");
    expect(id(message, DAPR)).toBe("ext-agent-no-response");
    expect(id(`The extension operation failed with the following error: ${message}.`, { ...SC, extensionType: "Microsoft.ServiceLinker.Connection" })).toBe(
      "sc-agent-timeout",
    );
  });

  it("the readiness timeout is Service Connector's only on its extension (or when the text names sc-job)", () => {
    const message = "Helm installation failed : Timed out waiting for the resource to come to a ready/completed state.";
    expect(id(message)).toBe("helm-timeout-ready");
    expect(id(message, DAPR)).toBe("helm-timeout-ready");
    expect(id(message, SC)).toBe("sc-agent-timeout");
    expect(id(`${message} Last resource not ready was sc-system/sc-job`)).toBe("sc-agent-timeout");
  });

  it("extension-specific entries never claim another extension's failure", () => {
    const reuse =
      "Error: {failed to install chart from path [] for release [flux]: err [cannot re-use a name that is still in use]} occurred while doing the operation : {Installing the extension} on the config";
    expect(id(reuse, FLUX_EXT)).toBe("flux-extension-install");
    expect(id(reuse, DAPR)).not.toBe("flux-extension-install");
    expect(id("Operation returned an invalid status code: Conflict", FLUX_EXT)).not.toBe("sc-conflict");
    const privileged =
      'Error creating: pods "ama-logs-5nq9r" is forbidden: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy';
    expect(id(privileged, { component: "extension", extensionType: "microsoft.azuremonitor.containers" })).toBe("monitor-privileged-daemonset");
    expect(id(privileged, DAPR)).not.toBe("monitor-privileged-daemonset");
    const noEndpoints =
      'Internal error occurred: failed calling webhook "osm-inject.k8s.io": Post "https://osm-injector.kube-system.svc:9090/mutate-pod-creation?timeout=10s": no endpoints available for service "osm-injector"';
    expect(id(noEndpoints, { component: "extension", extensionType: "microsoft.openservicemesh", clusterKind: "aks" })).toBe("osm-control-plane-unhealthy");
    expect(id(noEndpoints, DAPR)).not.toBe("osm-control-plane-unhealthy");
  });

  it("a missing SMI kind is OSM's on its extension and a Flux problem on a Flux object", () => {
    const message = 'unable to recognize "traffic-target.yaml": no matches for kind "TrafficTarget" in version "access.smi-spec.io/v1alpha3"';
    expect(id(message)).toBe("osm-control-plane-unhealthy");
    expect(id(message, { component: "extension", extensionType: "microsoft.openservicemesh" })).toBe("osm-control-plane-unhealthy");
    expect(id(message, { component: "flux", clusterKind: "aks" })).toBe("flux-api-version-not-found");
  });

  it("Flux-only and cluster-only entries stay in their component; cluster kinds are respected", () => {
    expect(id('kustomize build failed: json: unknown field "spec"', { component: "flux" })).toBe("flux-kustomize-build");
    expect(id('kustomize build failed: json: unknown field "spec"', { component: "extension" })).not.toBe("flux-kustomize-build");
    expect(id("connectivityStatus is Offline", { component: "cluster", clusterKind: "arc" })).toBe("arc-cluster-offline");
    expect(id("connectivityStatus is Offline", { component: "cluster", clusterKind: "aks" })).not.toBe("arc-cluster-offline");
    const spn = "Extensions are only supported on clusters using Managed Service Identity. See https://aka.ms/aks-extensions-service-principal-not-supported";
    expect(id(spn, { component: "extension", extensionType: "microsoft.flux", clusterKind: "aks" })).toBe("cluster-no-managed-identity");
    expect(id(spn, { component: "extension", clusterKind: "arc" })).not.toBe("cluster-no-managed-identity");
  });

  it("a status code next to the message does not change the answer", () => {
    expect(id('couldn\'t find remote ref "refs/heads/main"', { component: "flux", code: "GitOperationFailed" })).toBe("flux-ref-not-found");
    expect(id("Unable to get a response from the Agent in time", { ...SC, code: "InstallationFailed" })).toBe("sc-agent-timeout");
  });
});

describe("the collector's own judgements classify to these entries", () => {
  const judged = (rows: { clusters?: unknown[]; configs?: unknown[] }) => {
    const assembler = new FleetAssembler({ ...DEFAULT_JUDGE_OPTIONS, now: NOW, classify });
    for (const row of rows.clusters ?? []) assembler.addCluster(row);
    for (const row of rows.configs ?? []) assembler.addConfiguration(row);
    return assembler.clusters().flatMap((c) => c.components);
  };
  const catalogIds = (rows: { clusters?: unknown[]; configs?: unknown[] }) =>
    judged(rows)
      .filter((c) => c.state !== "healthy")
      .map((c) => [c.kind, c.classification?.catalogId ?? null]);

  it("Arc connectivity and certificate judgements", () => {
    expect(catalogIds({ clusters: [arcRow({ connectivityStatus: "Offline" })] })).toEqual([["cluster", "arc-cluster-offline"]]);
    expect(catalogIds({ clusters: [arcRow({ connectivityStatus: "Expired" })] })).toEqual([["cluster", "arc-cluster-expired"]]);
    expect(catalogIds({ clusters: [arcRow({ managedIdentityCertificateExpirationTime: "2026-11-27T00:00:00Z" })] })).toEqual([
      ["cluster", "arc-msi-cert-expiring"],
    ]);
    expect(catalogIds({ clusters: [arcRow({ managedIdentityCertificateExpirationTime: "2026-11-01T00:00:00Z" })] })).toEqual([
      ["cluster", "arc-cluster-expired"],
    ]);
    expect(catalogIds({ clusters: [arcRow({ lastConnectivityTime: "2026-11-21T10:00:00Z" })] })).toEqual([["cluster", "arc-cluster-offline"]]);
  });

  it("extension statuses, by extension type", () => {
    const failed = (type: string, message: string) =>
      extensionRow(ARC_ID, "ext", { ExtensionType: type, ProvisioningState: "Failed", Statuses: [{ code: "InstallationFailed", level: "Error", message }] });
    const seedFlux = flux.find((e) => e.id === "flux-extension-install")!.examples[1];
    expect(catalogIds({ clusters: [arcRow()], configs: [failed("microsoft.flux", seedFlux)] })).toEqual([["extension", "flux-extension-install"]]);
    // the seed's statuses block verbatim: level and displayStatus are null
    const seedStatus = extensionRow(ARC_ID, "flux", {
      ProvisioningState: "Failed",
      Statuses: [{ code: "InstallationFailed", displayStatus: null, level: null, message: seedFlux, time: null }],
    });
    expect(catalogIds({ clusters: [arcRow()], configs: [seedStatus] })).toEqual([["extension", "flux-extension-install"]]);
    const noResponse = "Unable to get a response from the Agent in time";
    const scExt = {
      ...failed("Microsoft.ServiceLinker.Connection", noResponse),
      id: `${AKS_ID}/providers/Microsoft.KubernetesConfiguration/extensions/sc-extension`,
    };
    expect(catalogIds({ clusters: [aksRow()], configs: [scExt] })).toEqual([["extension", "sc-agent-timeout"]]);
    expect(catalogIds({ clusters: [arcRow()], configs: [failed("microsoft.dapr", noResponse)] })).toEqual([["extension", "ext-agent-no-response"]]);
    const aksExt = extensionRow(AKS_ID, "flux", {
      ProvisioningState: "Failed",
      ErrorInfo: {
        code: "ExtensionOperationFailed",
        message:
          "The extension operation failed with the following error:  Extensions are only supported on clusters using Managed Service Identity. See https://aka.ms/aks-extensions-service-principal-not-supported, For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG.",
      },
    });
    expect(catalogIds({ configs: [aksExt] }).find(([kind]) => kind === "extension")).toEqual(["extension", "cluster-no-managed-identity"]);
  });

  it("Flux object conditions and Flux v1 compliance messages", () => {
    const refGone = fluxRow(ARC_ID, "fleet", {
      complianceState: "Non-Compliant",
      statuses: [
        {
          name: "fleet",
          namespace: "flux-system",
          kind: "GitRepository",
          complianceState: "Non-Compliant",
          statusConditions: [
            {
              type: "Ready",
              status: "False",
              reason: "GitOperationFailed",
              message:
                "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet.git': couldn't find remote ref \"refs/heads/release\"",
            },
          ],
        },
      ],
    });
    expect(catalogIds({ clusters: [arcRow()], configs: [refGone] })).toEqual([
      ["flux", "flux-ref-not-found"],
      ["fluxObject", "flux-ref-not-found"],
    ]);
    const v1 = sourceControlRow(ARC_ID, "legacy", {
      provisioningState: "Succeeded",
      complianceStatus: {
        complianceState: "Failed",
        messageLevel: "Error",
        message: "Error: {exit status 1} occurred while doing the operation : {Installing the operator} on the config",
      },
    });
    expect(catalogIds({ clusters: [arcRow()], configs: [v1] })).toEqual([["sourceControl", "flux-v1-operator-install"]]);
  });
});
