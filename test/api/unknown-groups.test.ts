/** Failures no catalog entry matches stay useful: grouped by fingerprint across the fleet, largest first. */
import { describe, expect, it } from "vitest";
import { classify } from "../../shared/catalog";
import { groupIncidents } from "../../shared/api/routes/fleet";
import type { ComponentRecord } from "../../shared/store/types";

function failure(cluster: string, message: string): ComponentRecord {
  const { catalogId, fingerprint } = classify(message);
  return {
    id: `/subscriptions/s/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/${cluster}/providers/microsoft.kubernetesconfiguration/extensions/dapr`,
    clusterId: `/subscriptions/s/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/${cluster}`,
    clusterName: cluster,
    clusterKind: "arc",
    subscriptionId: "s",
    resourceGroup: "rg",
    kind: "extension",
    name: "dapr",
    extensionType: "microsoft.dapr",
    state: "failing",
    reason: "InstallationFailed",
    message,
    evidence: [],
    catalogId,
    fingerprint,
    firstSeenFailingAt: "2026-12-01T00:00:00.000Z",
    lastTransitionAt: "2026-12-01T00:00:00.000Z",
    lastSeenAt: "2026-12-01T00:00:00.000Z",
    lastSeenSweepId: "sweep-1",
  };
}

describe("unknown failures grouped by fingerprint", () => {
  it("puts one unmatched failure seen on several clusters (other names, pods, ids) in one group, largest first", () => {
    const open = [
      ...["edge-1", "edge-2", "edge-3"].map((c, i) =>
        failure(c, `dapr-sidecar-injector-7d9f8c6b5-x2x${i}z failed: certificate for ${c}.dapr.svc expired at 2026-11-2${i}T10:00:00Z`),
      ),
      failure("edge-4", "placement server lost quorum after 3 retries"),
      failure("edge-5", "placement server lost quorum after 5 retries"),
      failure("edge-6", "Unable to get a response from the Agent in time"),
    ];
    const unknown = groupIncidents(open).filter((i) => i.catalogId === null);
    expect(unknown.map((i) => [i.clusterCount, i.fingerprint])).toEqual([
      [3, "dapr-sidecar-injector-<pod> failed: certificate for edge-<n>.dapr.svc expired at <time>"],
      [2, "placement server lost quorum after <n> retries"],
    ]);
    expect(unknown[0].sampleClusters).toEqual(["edge-1", "edge-2", "edge-3"]);
  });
});
