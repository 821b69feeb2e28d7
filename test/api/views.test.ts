import { describe, expect, it } from "vitest";
import { clusterArmIdOf, fluxDetail, linksOf, withoutCredentials } from "../../shared/api/views";

const CLUSTER = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/RG-Fleet/providers/Microsoft.Kubernetes/connectedClusters/Alpha";
const FLUX = `${CLUSTER}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/cfg`;

describe("links to the portal and to Resource Graph Explorer", () => {
  it("opens the resource and a query over the table the sweep reads it from", () => {
    const links = linksOf(CLUSTER, "cluster");
    expect(links.portalUrl).toBe(`https://portal.azure.com/#@/resource${CLUSTER}`);
    const [base, query] = links.resourceGraphUrl.split("/query/");
    expect(base).toBe("https://portal.azure.com/#view/HubsExtension/ArgQueryBlade");
    expect(decodeURIComponent(query)).toBe(`resources\n| where id =~ '${CLUSTER}'`);
    expect(decodeURIComponent(linksOf(FLUX, "flux").resourceGraphUrl.split("/query/")[1])).toMatch(/^kubernetesconfigurationresources\n/);
  });

  it("links a Flux object to its configuration, which is the ARM resource", () => {
    expect(linksOf(`${FLUX}/statuses/GitRepository/flux-system/cfg`, "fluxObject").portalUrl).toBe(`https://portal.azure.com/#@/resource${FLUX}`);
  });

  it("keeps the cluster part of a component's cased id", () => {
    expect(clusterArmIdOf({ id: FLUX.toLowerCase(), armId: FLUX, clusterId: CLUSTER.toLowerCase() })).toBe(CLUSTER);
    expect(clusterArmIdOf({ id: FLUX.toLowerCase(), clusterId: CLUSTER.toLowerCase() })).toBe(CLUSTER.toLowerCase());
  });
});

describe("Flux detail", () => {
  it("reads the source URL under the property its sourceKind names, the revision and suspension", () => {
    const facts = {
      sourceKind: "OCIRepository",
      "ociRepository.url": "oci://ghcr.io/org/app",
      "gitRepository.url": "https://github.com/org/other",
      sourceSyncedCommitId: "main@sha1:abc",
      suspend: "true",
      sourceUpdatedAt: "2026-11-21T08:00:00Z",
    };
    expect(fluxDetail(facts)).toEqual({
      sourceKind: "OCIRepository",
      sourceUrl: "oci://ghcr.io/org/app",
      revisionApplied: "main@sha1:abc",
      sourceUpdatedAt: "2026-11-21T08:00:00.000Z",
      suspended: true,
    });
    expect(fluxDetail({})).toEqual({ suspended: false });
    expect(fluxDetail({ sourceUpdatedAt: "yesterday" })).toEqual({ suspended: false });
  });

  it("never shows a password or an HTTPS token in a source URL", () => {
    expect(withoutCredentials("https://x-access-token:ghp_secret@github.com/org/repo")).toBe("https://github.com/org/repo");
    expect(withoutCredentials("https://ghp_secret@github.com/org/repo")).toBe("https://github.com/org/repo");
    expect(withoutCredentials("ssh://git@github.com/org/repo")).toBe("ssh://git@github.com/org/repo");
    expect(withoutCredentials("git@github.com:org/repo.git")).toBe("git@github.com:org/repo.git");
  });
});
