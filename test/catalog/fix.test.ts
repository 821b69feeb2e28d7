/** Fix steps rendered for one cluster: its names filled in, only its kind's steps, unknowns left as placeholders. */
import { describe, expect, it } from "vitest";
import { catalog, getEntry } from "../../shared/catalog";
import { fillCommand, renderFix, stepClusterKinds } from "../../shared/catalog/fix";

const arc = {
  clusterKind: "arc" as const,
  clusterName: "edge-042",
  resourceGroup: "rg-stores",
  subscriptionId: "sub-1",
  configurationName: "cluster-config",
  namespace: "apps",
};

describe("fillCommand", () => {
  it("fills every spelling the source documents use for the same value", () => {
    expect(fillCommand("az connectedk8s connect --resource-group <resource-group> --name <cluster-name>", arc)).toBe(
      "az connectedk8s connect --resource-group rg-stores --name edge-042",
    );
    expect(fillCommand("az k8s-extension show -g <RESOURCE_GROUP> -c <CLUSTER_NAME> -n flux", arc)).toBe(
      "az k8s-extension show -g rg-stores -c edge-042 -n flux",
    );
    expect(fillCommand("az aks get-credentials --resource-group <MyClusterResourceGroup> --name <MyCluster>", arc)).toBe(
      "az aks get-credentials --resource-group rg-stores --name edge-042",
    );
    expect(fillCommand("az connectedk8s enable-features -n $CLUSTER_NAME -g $RESOURCE_GROUP", arc)).toBe(
      "az connectedk8s enable-features -n edge-042 -g rg-stores",
    );
  });

  it("names the cluster type the az k8s-* commands take for this cluster's kind", () => {
    const command = "az k8s-configuration flux show -g <resource-group> -c <cluster-name> -n <config-name> -t <connectedClusters or managedClusters>";
    expect(fillCommand(command, arc)).toBe("az k8s-configuration flux show -g rg-stores -c edge-042 -n cluster-config -t connectedClusters");
    expect(fillCommand(command, { clusterKind: "aks" })).toBe(
      "az k8s-configuration flux show -g <resource-group> -c <cluster-name> -n <config-name> -t managedClusters",
    );
    expect(fillCommand("-t <managedClusters OR connectedClusters>", { clusterKind: "aks" })).toBe("-t managedClusters");
  });

  it("leaves what is not known, and text that only looks like a placeholder", () => {
    expect(fillCommand("kubectl describe pod <pod> -n <namespace>", {})).toBe("kubectl describe pod <pod> -n <namespace>");
    expect(fillCommand("kubectl describe pod <pod> -n <namespace>", arc)).toBe("kubectl describe pod <pod> -n apps");
    expect(fillCommand("echo $HOME <a\nb>", arc)).toBe("echo $HOME <a\nb>");
  });
});

describe("renderFix", () => {
  it("keeps only the steps for the cluster's kind (the step's own mark, else what its command runs)", () => {
    const entry = getEntry("ext-agent-no-response")!;
    expect(renderFix(entry, { clusterKind: "aks" }).map((s) => s.text)).not.toContainEqual(expect.stringMatching(/^On Arc/));
    expect(renderFix(entry, { clusterKind: "arc" }).map((s) => s.text)).not.toContainEqual(expect.stringMatching(/^On AKS/));
    expect(renderFix(entry).length).toBe(entry.steps.length); // kind unknown: every step
    const stopped = renderFix(getEntry("image-pull-untrusted-certificate")!, arc);
    expect(stopped.map((s) => s.command).filter(Boolean)).toEqual(["az connectedk8s update -n edge-042 -g rg-stores --proxy-cert <path-to-ca-cert>"]);
  });

  it("marks every catalog step that runs az connectedk8s as Arc's and az aks as AKS's, client installs excepted", () => {
    expect(stepClusterKinds({ text: "x", command: "az aks install-cli --install-location ~/.azure/kubectl-client/kubectl" })).toEqual(["arc", "aks"]);
    for (const entry of catalog) {
      for (const step of entry.steps) {
        if (/\baz connectedk8s\b/.test(step.command ?? "")) expect(stepClusterKinds(step), entry.id).toEqual(["arc"]);
      }
      // Every entry keeps at least one step on each kind it can occur on.
      for (const kind of entry.context?.clusterKinds ?? ["arc", "aks"]) {
        if (entry.observable.includes("client")) continue;
        expect(renderFix(entry, { clusterKind: kind as "arc" | "aks" }).length, `${entry.id} on ${kind}`).toBeGreaterThan(0);
      }
    }
  });
});
