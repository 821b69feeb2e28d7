/**
 * The simulated fleet's failure messages are classified as the simulator labels them (its catalogId is the
 * ground truth the sweep and dashboard tests rely on), including the failures issue 12 found unclassified.
 */
import { describe, expect, it } from "vitest";
import { EXTENSION_TYPES, FLUX_FAILURES, SOURCE_CONTROL_FAILURES, extensionFailures, fillTemplate } from "../../dev/simulator/messages";
import { classify } from "../../shared/catalog";

const values = {
  sub: "00000000-0000-0000-0000-00000000000a",
  rg: "rg-fleet",
  cluster: "edge-042",
  region: "westeurope",
  ext: "flux",
  ns: "flux-system",
  version: "1.2.3",
  n: "7",
};

describe("simulated failure messages", () => {
  it("classify to the entry the simulator names, in the context the sweep gives them", () => {
    for (const { type } of EXTENSION_TYPES) {
      for (const t of extensionFailures(type)) {
        expect(
          classify(fillTemplate(t.message, values), { component: "extension", extensionType: type, code: t.code }).catalogId,
          `${type}: ${t.message}`,
        ).toBe(t.catalogId);
      }
    }
    for (const t of [...FLUX_FAILURES, ...SOURCE_CONTROL_FAILURES]) {
      expect(classify(fillTemplate(t.message, values), { component: "flux", code: t.code }).catalogId, t.message).toBe(t.catalogId);
    }
  });

  it("the Flux HelmRelease timeout is one failure with or without the object's name before it", () => {
    const helm = FLUX_FAILURES.find((t) => t.objectKind === "HelmRelease")!;
    const own = classify(helm.message, { component: "flux", code: helm.code });
    const repeated = classify(`HelmRelease podinfo: ${helm.message}`, { component: "flux" });
    expect([own.catalogId, repeated.catalogId]).toEqual(["flux-helm-release-failed", "flux-helm-release-failed"]);
    expect(repeated.fingerprint).toBe(own.fingerprint);
  });

  it("a stopped AKS cluster, as the collector words it", () => {
    expect(classify("the cluster is Stopped", { component: "cluster", clusterKind: "aks", code: "Stopped" }).catalogId).toBe("aks-cluster-stopped");
    expect(classify("the cluster is Stopped", { component: "cluster", clusterKind: "arc" }).catalogId).toBeNull();
  });
});
