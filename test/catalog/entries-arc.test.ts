/**
 * The Azure Arc platform and Azure CLI entries (seeds 000 German, 001 French), through the real
 * classifier over the whole catalog: every example (the seed's own English error text first) plain
 * and wrapped every way Azure wraps it, every near miss, the context that applies, and the cases
 * where one message names two problems.
 */
import { describe, expect, it } from "vitest";
import { classify } from "../../shared/catalog/classifier";
import { entries as arc } from "../../shared/catalog/entries/arc";
import { entries as cli } from "../../shared/catalog/entries/cli";
import type { CatalogEntry } from "../../shared/catalog/types";
import { WRAPPERS, clusterName } from "./wrappers";

const MINE: CatalogEntry[] = [...arc, ...cli];
const id = (message: string, context?: Parameters<typeof classify>[1]) => classify(message, context).catalogId;

/** The verbatim English error text each seed gives, which must classify as the entry. */
const SEED_TEXT: Record<string, string> = {
  "arc-diagnostic-chart-blocked":
    "Unable to pull cluster-diagnostic-checks helm chart from the registry 'mcr.microsoft.com/azurearck8s/helmchart/stable/clusterdiagnosticchecks:0.1.2'",
  "arc-cluster-permissions":
    'Error: list: failed to list: secrets is forbidden: User "myuser" cannot list resource "secrets" in API group "" at the cluster scope',
  "arc-helm-upgrade-timeout": "Unable to install helm release: Error: UPGRADE Failed: time out waiting for the condition",
  "arc-helm-crd-not-found":
    'ValidationError: Unable to install helm release: Error: customresourcedefinitions.apiextensions.k8s.io "connectedclusters.arc.azure.com" not found',
  "cli-cryptohash-module": "Cannot load native module 'Crypto.Hash._MD5'",
  "cli-kubectl-install": "cli.azext_connectedk8s.custom: Failed to download and install kubectl",
  "arc-cluster-connect-old-agent": "Hybrid connection for the target resource does not exist. Agent might not have started successfully.",
  "arc-cluster-connect-disabled": "Cannot connect to the hybrid connection because no agent is connected in the target arc resource.",
  "arc-custom-locations-oid":
    "Unable to fetch oid of 'custom-locations' app. Proceeding without enabling the feature. Insufficient privileges to complete the operation.",
};

describe("Arc and CLI catalog entries", () => {
  it("carries the sixteen ids of this area with their documented categories", () => {
    expect(MINE.map((e) => `${e.id}:${e.category}`).sort()).toEqual(
      [
        "arc-agent-pods-unhealthy:arc-agent",
        "arc-cluster-connect-disabled:arc-agent",
        "arc-cluster-connect-old-agent:arc-agent",
        "arc-cluster-permissions:permissions",
        "arc-custom-locations-oid:permissions",
        "arc-diagnostic-chart-blocked:connectivity",
        "arc-dns-resolution:connectivity",
        "arc-helm-crd-not-found:helm",
        "arc-helm-upgrade-timeout:helm",
        "arc-msi-certificate:identity",
        "arc-openshift-connect:arc-agent",
        "arc-outbound-connectivity:connectivity",
        "arc-overage-claim:identity",
        "arc-service-timeout:arc-agent",
        "cli-cryptohash-module:cli",
        "cli-kubectl-install:cli",
      ].sort(),
    );
    for (const e of MINE) {
      expect(e.origin, e.id).toBe("documented");
      expect(e.docUrl, e.id).toMatch(/^https:\/\/learn\.microsoft\.com\/azure\/azure-arc\/kubernetes\/troubleshooting(#[a-z0-9-]+)?$/);
      expect(
        e.sources?.every((s) => /^00[01]_/.test(s.seed)),
        e.id,
      ).toBe(true);
    }
  });

  it("puts each seed's own error text first among the examples", () => {
    for (const [entryId, text] of Object.entries(SEED_TEXT)) {
      const entry = MINE.find((e) => e.id === entryId)!;
      expect(entry.examples[0], entryId).toContain(text.slice(0, 60));
      expect(id(text), entryId).toBe(entryId);
    }
  });

  it("gives the seeds' exact commands", () => {
    const commands = MINE.flatMap((e) => e.steps.flatMap((s) => s.command?.split("\n") ?? []));
    for (const command of [
      "helm --namespace default status azure-arc",
      "kubectl -n azure-arc get deployments,pods",
      "oc adm policy add-scc-to-user privileged system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa",
      "kubectl get secret -n azure-arc -o yaml | grep name:",
      "kubectl delete secret sh.helm.release.v1.azure-arc.v1",
      "az extension remove --name connectedk8s",
      "az extension add --name k8s-configuration",
      "az aks install-cli --install-location ~/.azure/kubectl-client/kubectl",
      "az connectedk8s enable-features --features cluster-connect -n $CLUSTER_NAME -g $RESOURCE_GROUP",
      "az ad sp show --id bc313c14-388c-4e7d-a58e-70017303ee3b --query objectId -o tsv",
      "az connectedk8s enable-features -n <cluster-name> -g <resource-group-name> --custom-locations-oid <objectId> --features cluster-connect custom-locations",
    ]) {
      expect(commands).toContain(command);
    }
  });

  describe.each(MINE.map((e) => [e.id, e] as const))("%s", (_, entry) => {
    it("classifies every example, wrapped every way, with other cluster names", () => {
      entry.examples.forEach((example, n) => {
        for (const [wrapper, wrap] of Object.entries(WRAPPERS)) expect(id(wrap(example, clusterName(n))), `${wrapper}: ${example}`).toBe(entry.id);
      });
    });

    it("classifies its examples in the context it applies to", () => {
      const context = { component: entry.context?.components?.[0], clusterKind: entry.context?.clusterKinds?.[0] };
      for (const example of entry.examples) expect(id(example, context), example).toBe(entry.id);
    });

    it("does not claim its near misses", () => {
      expect(entry.nearMisses?.length, "near misses").toBeGreaterThan(0);
      for (const nearMiss of entry.nearMisses ?? []) expect(id(nearMiss), nearMiss).not.toBe(entry.id);
    });
  });

  describe("context", () => {
    it("keeps cluster-level entries off extension and Flux messages", () => {
      const permissions = SEED_TEXT["arc-cluster-permissions"];
      expect(id(permissions, { component: "cluster" })).toBe("arc-cluster-permissions");
      expect(id(permissions, { component: "flux" })).not.toBe("arc-cluster-permissions");
      expect(id("pod/config-agent-67bcb94b7c-d67t8 1/2 CrashLoopBackOff 7 3d19h", { component: "cluster", clusterKind: "aks" })).toBeNull();
      // The collector's judgement of a failed connected cluster, but not of a failed AKS cluster or configuration.
      expect(id("provisioningState is Failed", { component: "cluster", clusterKind: "arc", provisioningState: "Failed" })).toBe("arc-service-timeout");
      expect(id("provisioningState is Failed", { component: "cluster", clusterKind: "aks", provisioningState: "Failed" })).toBeNull();
      expect(id("provisioningState is Failed", { component: "flux", clusterKind: "arc" })).toBeNull();
    });

    it("raises the confidence when the collector's context agrees", () => {
      const message = "The gateway did not receive a response from 'Microsoft.Kubernetes' within the specified time period.";
      expect(classify(message, { component: "cluster", clusterKind: "arc" }).confidence).toBeGreaterThan(classify(message).confidence);
    });
  });

  describe("one message naming two problems", () => {
    it("the symptom wins over a generic network cause", () => {
      expect(
        id(
          'Error: failed to get MSI certificate: Get "https://eastus.his.arc.azure.com/discovery": dial tcp: lookup eastus.his.arc.azure.com on 10.0.0.10:53: no such host',
        ),
      ).toBe("arc-msi-certificate");
      expect(id('failed to get MSI certificate: Post "https://eastus.his.arc.azure.com/token": dial tcp 20.42.65.84:443: connect: connection refused')).toBe(
        "arc-msi-certificate",
      );
    });

    it("the specific Helm error wins over the CLI's generic pending-pods hint printed before it", () => {
      const hint =
        "Please check if the azure-arc namespace was deployed and run 'kubectl get pods -n azure-arc' to check if all the pods are in running state. A possible cause for pods stuck in pending state could be insufficientresources on the Kubernetes cluster to onboard to arc.";
      expect(id(hint)).toBe("arc-agent-pods-unhealthy");
      expect(id(`${hint}\n${SEED_TEXT["arc-helm-upgrade-timeout"]}`)).toBe("arc-helm-upgrade-timeout");
      expect(id(`${hint}\n${SEED_TEXT["arc-helm-crd-not-found"]}`)).toBe("arc-helm-crd-not-found");
    });

    it("the Helm timeout wins over the crashlooping agent pods listed after it", () => {
      const output = `${SEED_TEXT["arc-helm-upgrade-timeout"]}\nNAME READY STATUS RESTARTS AGE cluster-metadata-operator-664bc5f4d-chgkl 2/2 Running 0 4m14s clusterconnect-agent-7cb8b565c7-wklsh 2/3 CrashLoopBackOff 0 1m15s config-agent-65d5df564f-lffqm 1/2 CrashLoopBackOff 0 1m14s`;
      expect(id(output)).toBe("arc-helm-upgrade-timeout");
    });

    it("a DNS failure is told from a connection failure to the same endpoint", () => {
      expect(id("dial tcp: lookup westeurope.dp.kubernetesconfiguration.azure.com: no such host")).toBe("arc-dns-resolution");
      expect(id('Post "https://westeurope.dp.kubernetesconfiguration.azure.com/register": dial tcp 20.49.109.6:443: i/o timeout')).toBe(
        "arc-outbound-connectivity",
      );
    });
  });

  it("tolerates the typos Azure ships in its own text", () => {
    // "insufficientresources" (sic) in the CLI hint, and shouting.
    expect(id("A POSSIBLE CAUSE FOR PODS STUCK IN PENDING STATE COULD BE INSUFFICIENT RESOURCES")).toBe("arc-agent-pods-unhealthy");
    expect(id("Unable to fetch the oid of custom-locations app.")).toBe("arc-custom-locations-oid");
  });
});
