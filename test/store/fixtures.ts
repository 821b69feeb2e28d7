/** Small FleetSnapshot builders for the store tests and the store benchmark. */
import type { PageSettings } from "@azure/core-paging";
import type { ContinuablePage, PagedList } from "../../shared/store";
import type { ClusterHealth, ComponentHealth, FleetSnapshot, HealthState } from "../../shared/core/model";

export const SUB_A = "00000000-0000-0000-0000-00000000000a";
export const SUB_B = "00000000-0000-0000-0000-00000000000b";
/** Ten subscriptions for the benchmarks' fleets. */
export const BENCH_SUBSCRIPTIONS = Array.from({ length: 10 }, (_, i) => `00000000-0000-0000-0000-0000000000${String(i).padStart(2, "0")}`);

export const FLUX_FAIL = { state: "failing" as const, reason: "InstallationFailed", message: "flux install failed", catalogId: "flux-extension-install" };
export const HELM_FAIL = {
  state: "failing" as const,
  reason: "InstallationFailed",
  message: "Timed out waiting for the resource to come to a ready/completed state.",
  catalogId: "helm-timeout-ready",
};

export function clusterId(name: string, sub = SUB_A, kind: "arc" | "aks" = "arc"): string {
  const provider = kind === "arc" ? "microsoft.kubernetes/connectedclusters" : "microsoft.containerservice/managedclusters";
  return `/subscriptions/${sub}/resourcegroups/rg-fleet/providers/${provider}/${name}`;
}

export interface ComponentSpec {
  state?: HealthState;
  reason?: string;
  message?: string;
  catalogId?: string | null;
  evidence?: string;
  facts?: Record<string, string>;
}

/** A cluster with its own component and one extension and one Flux configuration, each settable. */
export function cluster(
  name: string,
  specs: { cluster?: ComponentSpec; flux?: ComponentSpec; monitor?: ComponentSpec; config?: ComponentSpec | null } = {},
  options: { sub?: string; kind?: "arc" | "aks" } = {},
): ClusterHealth {
  const id = clusterId(name, options.sub, options.kind);
  const component = (cid: string, kind: ComponentHealth["kind"], cname: string, spec: ComponentSpec = {}, extensionType?: string): ComponentHealth => {
    const state = spec.state ?? "healthy";
    const message = spec.message ?? (state === "healthy" ? "Succeeded" : `${cname} failed: ${spec.reason ?? "Failed"}`);
    return {
      id: cid,
      clusterId: id,
      kind,
      name: cname,
      ...(extensionType ? { extensionType } : {}),
      state,
      reason: spec.reason ?? (state === "healthy" ? "Succeeded" : "Failed"),
      message,
      evidence: [{ field: "properties.statuses[0].message", value: spec.evidence ?? message }],
      ...(state === "failing" || state === "degraded" || spec.catalogId
        ? {
            classification: {
              catalogId: spec.catalogId === undefined ? "ext-install-failed" : spec.catalogId,
              confidence: 0.9,
              fingerprint: `fp:${spec.reason ?? "Failed"}:${spec.catalogId ?? ""}`,
            },
          }
        : {}),
      ...(spec.facts ? { facts: spec.facts } : {}),
    };
  };
  const ext = `${id}/providers/microsoft.kubernetesconfiguration/extensions`;
  const components = [
    component(id.replace("connectedclusters", "connectedClusters"), "cluster", name, specs.cluster ?? { reason: "Connected" }),
    component(`${ext}/flux`, "extension", "flux", specs.flux, "microsoft.flux"),
    component(`${ext}/azuremonitor-containers`, "extension", "azuremonitor-containers", specs.monitor, "microsoft.azuremonitor.containers"),
  ];
  if (specs.config !== null)
    components.push(
      component(`${id}/providers/microsoft.kubernetesconfiguration/fluxconfigurations/cluster-config`, "flux", "cluster-config", specs.config ?? undefined),
    );
  return {
    id,
    name,
    kind: options.kind ?? "arc",
    subscriptionId: options.sub ?? SUB_A,
    resourceGroup: "rg-fleet",
    state: components.some((c) => c.state !== "healthy") ? "failing" : "healthy",
    components,
  };
}

/**
 * A cluster of `components` components whose extra extensions take turns failing: on each sweep half
 * of them fail and the other half recover, so every sweep records about `components - 4` transitions.
 */
export function flappingCluster(name: string, components: number, sweep: number, options: { sub?: string } = {}): ClusterHealth {
  const c = cluster(name, {}, options);
  const template = c.components[1];
  const extra: ComponentHealth[] = Array.from({ length: components - c.components.length }, (_, i) => {
    const failing = (sweep + i) % 2 === 0;
    return {
      ...template,
      id: `${template.id}-${i}`,
      name: `ext-${i}`,
      state: failing ? "failing" : "healthy",
      reason: failing ? HELM_FAIL.reason : "Succeeded",
      message: failing ? HELM_FAIL.message : "Succeeded",
      ...(failing ? { classification: { catalogId: HELM_FAIL.catalogId, confidence: 0.9, fingerprint: "fp:helm" } } : { classification: undefined }),
    };
  });
  return { ...c, components: [...c.components, ...extra], state: "failing" as const };
}

let counter = 0;

/** A snapshot at `minute` minutes after a fixed start; each call gets a fresh sweep id unless given. */
export function snapshot(
  clusters: ClusterHealth[],
  options: { minute?: number; sweepId?: string; scopes?: string[]; partialScopes?: FleetSnapshot["partialScopes"] } = {},
): FleetSnapshot {
  const start = Date.parse("2026-11-01T00:00:00.000Z") + (options.minute ?? counter++) * 60_000;
  return {
    sweepId: options.sweepId ?? `sweep-${start}-${counter++}`,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(start + 20_000).toISOString(),
    scopes: options.scopes ?? [],
    partial: (options.partialScopes ?? []).length > 0,
    partialScopes: options.partialScopes ?? [],
    clusters,
    armRequests: 3,
  };
}

/** Every item of an async iterable, in order. */
export { collect as all } from "../../shared/store";

/** The first page `byPage(settings)` returns. */
export async function firstPage<T>(list: PagedList<T>, settings: PageSettings): Promise<ContinuablePage<T>> {
  const { value } = await list.byPage(settings).next();
  return value ?? [];
}
