import type { CatalogLookup, DigestInput } from "../../shared/digest/model";
import type { ComponentRecord, SweepRecord, TransitionRecord } from "../../shared/store/types";

export const SUB = "00000000-0000-0000-0000-000000000001";
export const NOW = new Date("2026-11-22T07:00:00.000Z");
export const WINDOW = { from: "2026-11-21T07:00:00.000Z", to: "2026-11-22T07:00:00.000Z" };

export function clusterId(name: string): string {
  return `/subscriptions/${SUB}/resourcegroups/rg-fleet/providers/microsoft.kubernetes/connectedclusters/${name}`;
}

/** A failing extension (or another component) in the shape the store returns. */
export function failing(cluster: string, overrides: Partial<ComponentRecord> = {}): ComponentRecord {
  const cid = clusterId(cluster);
  const name = overrides.name ?? "flux";
  return {
    id: `${cid}/providers/microsoft.kubernetesconfiguration/extensions/${name}`,
    clusterId: cid,
    clusterName: cluster,
    clusterKind: "arc",
    subscriptionId: SUB,
    resourceGroup: "rg-fleet",
    kind: "extension",
    name,
    extensionType: "microsoft.flux",
    state: "failing",
    reason: "InstallationFailed",
    message: "Helm installation failed: timed out waiting for the condition",
    evidence: [],
    catalogId: "helm-timeout-ready",
    fingerprint: "helm installation failed: timed out waiting for the condition",
    firstSeenFailingAt: "2026-11-20T07:00:00.000Z",
    lastTransitionAt: "2026-11-20T07:00:00.000Z",
    lastSeenAt: "2026-11-22T06:45:00.000Z",
    lastSeenSweepId: "s-last",
    ...overrides,
  };
}

export function clusterRecord(cluster: string, overrides: Partial<ComponentRecord> = {}): ComponentRecord {
  return failing(cluster, {
    id: clusterId(cluster),
    kind: "cluster",
    name: cluster,
    state: "healthy",
    reason: "Connected",
    message: "",
    catalogId: null,
    extensionType: undefined,
    firstSeenFailingAt: undefined,
    ...overrides,
  });
}

export function recovered(cluster: string, at: string, durationMs: number, catalogId: string | null = "ext-agent-no-response"): TransitionRecord {
  const cid = clusterId(cluster);
  return {
    id: `${at}~${cluster}~recovered`,
    at,
    sweepId: "s-rec",
    event: "recovered",
    componentId: `${cid}/providers/microsoft.kubernetesconfiguration/extensions/azuremonitor`,
    componentKind: "extension",
    componentName: "azuremonitor",
    clusterId: cid,
    clusterName: cluster,
    subscriptionId: SUB,
    from: "failing",
    to: "healthy",
    reason: "Succeeded",
    message: "",
    catalogId: null,
    previousDurationMs: durationMs,
    endedCatalogId: catalogId,
  };
}

export function sweep(finishedAt: string, overrides: Partial<SweepRecord> = {}): SweepRecord {
  return {
    sweepId: `s-${finishedAt}`,
    startedAt: finishedAt,
    finishedAt,
    durationMs: 1000,
    scopes: [],
    partial: false,
    partialScopes: [],
    clusters: 20,
    components: 100,
    byState: { healthy: 90, pending: 0, degraded: 0, unknown: 0, failing: 10 },
    armRequests: 5,
    tableOperations: 4,
    transitions: 0,
    ...overrides,
  };
}

/** A small catalog so model tests do not depend on the real catalog's wording. */
export const lookup: CatalogLookup = (id) =>
  ({
    "helm-timeout-ready": {
      id,
      title: "Helm release not ready before the timeout",
      severity: "high" as const,
      steps: [{ text: "Check the pods of the release.", command: "kubectl get pods -n <namespace>" }, { text: "Raise the timeout." }],
      docUrl: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/cluster-extension-deployment-errors",
    },
    "ext-agent-no-response": {
      id,
      title: "Extension agent does not respond",
      severity: "medium" as const,
      steps: [{ text: "Restart the agent." }],
      docUrl: "https://learn.microsoft.com/azure/azure-arc/kubernetes/extensions-troubleshooting",
    },
    "flux-extension-install": {
      id,
      title: "Flux extension installation failed",
      severity: "critical" as const,
      steps: [{ text: "Reinstall the extension." }],
      docUrl: "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/troubleshoot-flux-extension",
    },
  })[id];

export function input(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    window: WINDOW,
    now: NOW,
    transitions: [],
    openFailures: [],
    clusters: Array.from({ length: 20 }, (_, i) => clusterRecord(`arc-${String(i).padStart(2, "0")}`)),
    unknownComponents: [],
    sweeps: [sweep("2026-11-22T06:45:00.000Z")],
    latestSweep: sweep("2026-11-22T06:45:00.000Z"),
    lastCompleteSweep: sweep("2026-11-22T06:45:00.000Z"),
    ...overrides,
  };
}

/** A large fleet: 10,000 clusters, one in five failing, many distinct unclassified messages. */
export function largeFleetInput(): DigestInput {
  const catalogIds = ["helm-timeout-ready", "ext-agent-no-response", "flux-extension-install"];
  const openFailures: ComponentRecord[] = [];
  for (let i = 0; i < 2000; i++) {
    const cluster = `aks-prod-${String(i).padStart(5, "0")}-${"x".repeat(30)}`;
    const unclassified = i % 3 === 0;
    openFailures.push(
      failing(cluster, {
        name: `ext-${i}`,
        catalogId: unclassified ? null : i < 30 ? catalogIds[i % 3] : `field-entry-${i}`,
        fingerprint: unclassified ? `unexpected error <n> in reconciler ${i}` : undefined,
        message: `Error ${i}: ${"a very long Azure message with details ".repeat(20)}`,
        firstSeenFailingAt: i % 2 === 0 ? "2026-11-21T12:00:00.000Z" : "2026-11-01T00:00:00.000Z",
      }),
    );
  }
  const transitions = Array.from({ length: 500 }, (_, i) => recovered(`aks-prod-r${i}`, "2026-11-22T01:00:00.000Z", 3_600_000 * (i + 1)));
  return input({ openFailures, transitions, latestSweep: sweep("2026-11-22T06:45:00.000Z", { clusters: 10_000 }) });
}
