/**
 * The simulated fleet: clusters and their components, kept compactly (a few fields each; every
 * Azure-shaped document is rendered on demand by ./render.ts), plus the mutations tests make
 * between two sweeps.
 */
import { ARC_AGENT_FAILURES, EXTENSION_TYPES, extensionFailures, FLUX_FAILURES, fillTemplate, SOURCE_CONTROL_FAILURES, type FailureTemplate } from "./messages";
import { guidFrom, hash32, pick, prng } from "./random";
import type { FleetSpec } from "./types";

export type SimComponentKind = "extension" | "flux" | "sourceControl";
export type SimStatus = "ok" | "failed" | "pending";

export interface SimFailure {
  message: string;
  code: string;
  /** The documented error this failure reproduces, or null for an undocumented one. */
  catalogId: string | null;
  /** Flux only: the object that reports it and the Ready condition's reason. */
  objectKind?: "GitRepository" | "Kustomization" | "HelmRelease";
  reason?: string;
  /** Extensions only: which of the ways Azure wraps agent errors is used (see render.ts). */
  wrap?: number;
}

export interface SimComponent {
  readonly kind: SimComponentKind;
  readonly name: string;
  /** Extensions only (lower-case type name). */
  readonly extensionType?: string;
  status: SimStatus;
  failure?: SimFailure;
  /** Bumped on every change so timestamps move like real ones. */
  generation: number;
}

export type ArcConnectivity = "Connecting" | "Connected" | "Offline" | "Expired" | "AgentNotInstalled";

export interface SimCluster {
  readonly id: string;
  readonly name: string;
  readonly kind: "arc" | "aks";
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly index: number;
  provisioningState: string;
  /** Arc only. */
  connectivityStatus?: ArcConnectivity;
  /** Arc only: how long ago the agents last reported, in ms (rendered relative to the fleet clock). */
  lastSeenAgoMs?: number;
  /** Arc only: time left on the managed identity certificate, in ms (negative when expired). */
  certExpiresInMs?: number;
  /** Arc only: `arcAgentProfile.agentErrors` messages. */
  agentErrors?: SimFailure[];
  /** AKS only. */
  powerState?: "Running" | "Stopped";
  /** The documented error behind a cluster-level failure, when there is one. */
  catalogId?: string | null;
  components: SimComponent[];
  generation: number;
}

export const COMPONENT_SEGMENT: Record<SimComponentKind, string> = {
  extension: "extensions",
  flux: "fluxConfigurations",
  sourceControl: "sourceControlConfigurations",
};

export function componentId(cluster: SimCluster, component: Pick<SimComponent, "kind" | "name">): string {
  return `${cluster.id}/providers/Microsoft.KubernetesConfiguration/${COMPONENT_SEGMENT[component.kind]}/${component.name}`;
}

const CONFIG_PROVIDER = "/providers/microsoft.kubernetesconfiguration/";

export const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const LOCATIONS = ["eastus", "westeurope", "northeurope", "westus2", "southeastasia", "uksouth"];
const CLUSTERS_PER_RESOURCE_GROUP = 25;
/** Changes remembered per resource for Resource Graph's lag. */
const HISTORY_DEPTH = 4;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function defaultFleetSpec(partial: Partial<FleetSpec> = {}): FleetSpec {
  const clusters = partial.clusters ?? 200;
  const seed = partial.seed ?? 42;
  const subscriptions = partial.subscriptions ?? Math.max(1, Math.round(clusters / 100));
  return {
    seed,
    clusters,
    arcRatio: partial.arcRatio ?? 0.5,
    subscriptions,
    managementGroups: partial.managementGroups ?? { "fleet-mg": subscriptionIds(seed, subscriptions) },
    extensionsPerCluster: Math.min(partial.extensionsPerCluster ?? 5, EXTENSION_TYPES.length),
    fluxPerCluster: partial.fluxPerCluster ?? 2,
    sourceControlRatio: partial.sourceControlRatio ?? 0.03,
    failureRate: partial.failureRate ?? 0.05,
    pendingRate: partial.pendingRate ?? 0.01,
  };
}

export function subscriptionIds(seed: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => guidFrom(`fleet-health-sim:${seed}:subscription:${i}`));
}

export interface ComponentRef {
  id: string;
  cluster: SimCluster;
  /** Absent for the cluster row itself. */
  component?: SimComponent;
}

/** Thrown by the mutation helpers for ids the fleet does not hold. */
export class FleetError extends Error {
  readonly code = "NotInFleet";
  constructor(message: string) {
    super(message);
    this.name = "FleetError";
  }
}

export class SimulatedFleet {
  readonly spec: FleetSpec;
  readonly clusters: SimCluster[] = [];
  readonly subscriptions: string[];
  readonly managementGroups: Record<string, string[]>;
  /** The clock timestamps are rendered against; tests may pin it. */
  clock: () => number = Date.now;
  /** Bumped on every mutation; caches of sorted rows key on it. */
  version = 0;
  private readonly random: () => number;
  private byId?: Map<string, SimCluster>;
  /** States before recent changes, oldest first, for Resource Graph's lag. */
  private readonly history = new WeakMap<object, Array<{ at: number; before: object }>>();

  constructor(spec: Partial<FleetSpec> = {}) {
    this.spec = defaultFleetSpec(spec);
    this.subscriptions = subscriptionIds(this.spec.seed, this.spec.subscriptions);
    this.managementGroups = this.spec.managementGroups;
    this.random = prng(this.spec.seed);
    this.addClusters(this.spec.clusters);
  }

  /**
   * Adds clusters built like the initial ones (same mix and failure rates); returns them. A new
   * `subscriptionId` joins the tenant but no management group, like a subscription created outside it.
   */
  addClusters(count: number, options: { kind?: "arc" | "aks"; subscriptionId?: string } = {}): SimCluster[] {
    if (options.subscriptionId && !this.subscriptions.some((s) => s.toLowerCase() === options.subscriptionId!.toLowerCase()))
      this.subscriptions.push(options.subscriptionId);
    const added: SimCluster[] = [];
    for (let n = 0; n < count; n++) {
      const index = this.clusters.length ? this.clusters[this.clusters.length - 1].index + 1 : 0;
      const cluster = this.buildCluster(index, options);
      this.clusters.push(cluster);
      added.push(cluster);
    }
    this.touch();
    return added;
  }

  private buildCluster(index: number, options: { kind?: "arc" | "aks"; subscriptionId?: string }): SimCluster {
    const r = this.random;
    const kind = options.kind ?? (r() < this.spec.arcRatio ? "arc" : "aks");
    const subscriptionId = options.subscriptionId ?? this.subscriptions[index % this.subscriptions.length];
    const resourceGroup = `rg-fleet-${String(Math.floor(index / (this.subscriptions.length * CLUSTERS_PER_RESOURCE_GROUP))).padStart(2, "0")}`;
    const name = `${kind}-${String(index).padStart(5, "0")}`;
    const provider = kind === "arc" ? "Microsoft.Kubernetes/connectedClusters" : "Microsoft.ContainerService/managedClusters";
    const cluster: SimCluster = {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${name}`,
      name,
      kind,
      subscriptionId,
      resourceGroup,
      location: pick(LOCATIONS, index),
      index,
      provisioningState: "Succeeded",
      components: [],
      generation: 1,
    };
    if (kind === "arc") {
      cluster.connectivityStatus = "Connected";
      cluster.lastSeenAgoMs = Math.floor(r() * 5 * MINUTE);
      cluster.certExpiresInMs = (30 + Math.floor(r() * 60)) * DAY;
    } else {
      cluster.powerState = "Running";
    }
    this.applyClusterCondition(cluster, r());

    const extensions = EXTENSION_TYPES.slice(0, this.spec.extensionsPerCluster);
    for (const ext of extensions) cluster.components.push(this.buildComponent(cluster, "extension", ext.name, ext.type));
    for (let f = 0; f < this.spec.fluxPerCluster; f++) cluster.components.push(this.buildComponent(cluster, "flux", f === 0 ? "cluster-config" : `apps-${f}`));
    if (r() < this.spec.sourceControlRatio) cluster.components.push(this.buildComponent(cluster, "sourceControl", "legacy-flux-v1"));
    return cluster;
  }

  /** Cluster-level states: each failing state a share of the failure rate, then in-progress ones. */
  private applyClusterCondition(cluster: SimCluster, draw: number): void {
    const rate = this.spec.failureRate;
    if (draw >= rate) {
      if (draw < rate + this.spec.pendingRate) {
        if (cluster.kind === "arc") cluster.connectivityStatus = "Connecting";
        else cluster.provisioningState = "Updating";
      }
      return;
    }
    const which = Math.floor((draw / rate) * 6);
    if (cluster.kind === "arc") {
      if (which === 0) markOffline(cluster, 3 * DAY);
      else if (which === 1)
        Object.assign(cluster, { connectivityStatus: "Expired", lastSeenAgoMs: 95 * DAY, certExpiresInMs: -5 * DAY, catalogId: "arc-cluster-expired" });
      else if (which === 2) Object.assign(cluster, { lastSeenAgoMs: 6 * 60 * MINUTE, catalogId: null });
      else if (which === 3) Object.assign(cluster, { certExpiresInMs: 5 * DAY, catalogId: "arc-msi-cert-expiring" });
      else if (which === 4) Object.assign(cluster, { provisioningState: "Failed", catalogId: "arc-service-timeout" });
      else Object.assign(cluster, { agentErrors: [...ARC_AGENT_FAILURES], catalogId: null });
    } else {
      if (which <= 2) Object.assign(cluster, { powerState: "Stopped", catalogId: "aks-cluster-stopped" });
      else Object.assign(cluster, { provisioningState: "Failed", catalogId: null });
    }
  }

  private buildComponent(cluster: SimCluster, kind: SimComponentKind, name: string, extensionType?: string): SimComponent {
    const component: SimComponent = { kind, name, extensionType, status: "ok", generation: 1 };
    const draw = this.random();
    if (draw < this.spec.failureRate) this.setFailure(component, this.failureFor(cluster, component, Math.floor(this.random() * 1e6)));
    else if (draw < this.spec.failureRate + this.spec.pendingRate) component.status = "pending";
    return component;
  }

  /** A documented failure for a component, chosen by `n` and filled for its cluster. */
  failureFor(cluster: SimCluster, component: Pick<SimComponent, "kind" | "extensionType">, n: number): SimFailure {
    const values = { sub: cluster.subscriptionId, rg: cluster.resourceGroup, cluster: cluster.name, region: cluster.location, n: String(n % 100000) };
    const fill = (t: FailureTemplate, extra: Record<string, string> = {}) => ({
      catalogId: t.catalogId,
      code: t.code,
      message: fillTemplate(t.message, { ...values, ...extra }),
    });
    if (component.kind === "flux") {
      const t = pick(FLUX_FAILURES, n);
      return { ...fill(t), objectKind: t.objectKind, reason: t.reason };
    }
    if (component.kind === "sourceControl") return fill(pick(SOURCE_CONTROL_FAILURES, n));
    const ext = EXTENSION_TYPES.find((e) => e.type === component.extensionType);
    const t = pick(extensionFailures(component.extensionType ?? ""), n);
    return { ...fill(t, { ext: ext?.name ?? "extension", ns: ext?.namespace ?? "default", version: ext?.version ?? "1.0.0" }), wrap: Math.floor(n / 7) % 3 };
  }

  private setFailure(component: SimComponent, failure: SimFailure): void {
    component.status = "failed";
    component.failure = failure;
    component.generation++;
  }

  // ---- lookups ------------------------------------------------------------------------------

  /** Clusters by lower-cased id; components are found inside their cluster, which keeps memory per component small. */
  private clusterIndex(): Map<string, SimCluster> {
    if (!this.byId) this.byId = new Map(this.clusters.map((c) => [c.id.toLowerCase(), c]));
    return this.byId;
  }

  /** A cluster or component by ARM id (case-insensitive). */
  get(id: string): ComponentRef | undefined {
    const lower = id.trim().replace(/\/+$/, "").toLowerCase();
    const at = lower.indexOf(CONFIG_PROVIDER);
    const cluster = this.clusterIndex().get(at < 0 ? lower : lower.slice(0, at));
    if (!cluster) return undefined;
    if (at < 0) return { id: cluster.id, cluster };
    const [segment, name, ...rest] = lower.slice(at + CONFIG_PROVIDER.length).split("/");
    const component = rest.length
      ? undefined
      : cluster.components.find((c) => COMPONENT_SEGMENT[c.kind].toLowerCase() === segment && c.name.toLowerCase() === name);
    return component && { id: componentId(cluster, component), cluster, component };
  }

  cluster(id: string): SimCluster {
    const ref = this.get(id);
    if (!ref || ref.component) throw new FleetError(`no cluster ${id} in the simulated fleet`);
    return ref.cluster;
  }

  private componentRef(id: string): Required<ComponentRef> {
    const ref = this.get(id);
    if (!ref?.component) throw new FleetError(`no component ${id} in the simulated fleet`);
    return ref as Required<ComponentRef>;
  }

  /** Every component id with its cluster, in fleet order. */
  *components(): Generator<Required<ComponentRef>> {
    for (const cluster of this.clusters) for (const component of cluster.components) yield { id: componentId(cluster, component), cluster, component };
  }

  /** Counts for logs and assertions. */
  summary(): { clusters: number; components: number; failedComponents: number; pendingComponents: number; unhealthyClusters: number } {
    let components = 0;
    let failedComponents = 0;
    let pendingComponents = 0;
    let unhealthyClusters = 0;
    for (const c of this.clusters) {
      if (
        c.catalogId !== undefined ||
        c.provisioningState === "Failed" ||
        c.powerState === "Stopped" ||
        c.connectivityStatus === "Offline" ||
        c.connectivityStatus === "Expired"
      )
        unhealthyClusters++;
      for (const comp of c.components) {
        components++;
        if (comp.status === "failed") failedComponents++;
        if (comp.status === "pending") pendingComponents++;
      }
    }
    return { clusters: this.clusters.length, components, failedComponents, pendingComponents, unhealthyClusters };
  }

  // ---- mutations ----------------------------------------------------------------------------

  /**
   * Applies a change to a component or cluster, keeping its state from before so Resource Graph can
   * lag behind ARM (`FaultSpec.argLagMs`).
   */
  private change<T extends SimComponent | SimCluster>(target: T, apply: (t: T) => void): void {
    const before = { ...target };
    const entries = this.history.get(target) ?? [];
    entries.push({ at: this.clock(), before });
    this.history.set(target, entries.slice(-HISTORY_DEPTH));
    apply(target);
    target.generation++;
  }

  /** A cluster or component as it was at `time` (for ARG's eventual consistency); unchanged ones as they are. */
  asOf(ref: ComponentRef, time: number): ComponentRef {
    const past = <T extends object>(target: T): T => (this.history.get(target)?.find((e) => e.at > time)?.before as T | undefined) ?? target;
    return { id: ref.id, cluster: past(ref.cluster), component: ref.component && past(ref.component) };
  }

  /** Fails a component with a message (a documented one by default), as the agent would report it. */
  fail(id: string, failure: Partial<SimFailure> & { message?: string } = {}): SimComponent {
    const { cluster, component } = this.componentRef(id);
    const base = this.failureFor(cluster, component, component.generation);
    const full = failure.message ? ({ ...base, catalogId: null, ...failure } as SimFailure) : { ...base, ...failure };
    this.change(component, (c) => Object.assign(c, { status: "failed", failure: full }));
    this.touch(false);
    return component;
  }

  /** Brings a component or cluster back to healthy. */
  recover(id: string): void {
    const ref = this.get(id);
    if (!ref) throw new FleetError(`no resource ${id} in the simulated fleet`);
    if (ref.component) this.change(ref.component, (c) => Object.assign(c, { status: "ok", failure: undefined }));
    else {
      this.change(ref.cluster, (c) => {
        Object.assign(c, { provisioningState: "Succeeded", catalogId: undefined, agentErrors: undefined });
        if (c.kind === "arc") Object.assign(c, { connectivityStatus: "Connected", lastSeenAgoMs: MINUTE, certExpiresInMs: 60 * DAY });
        else c.powerState = "Running";
      });
    }
    this.touch(false);
  }

  /** Marks a component as in progress (Creating/Updating, Pending). */
  setPending(id: string): void {
    this.change(this.componentRef(id).component, (c) => Object.assign(c, { status: "pending", failure: undefined }));
    this.touch(false);
  }

  /** Deletes a component or a whole cluster (with its components); Resource Graph sees it at once. */
  remove(id: string): void {
    const ref = this.get(id);
    if (!ref) throw new FleetError(`no resource ${id} in the simulated fleet`);
    if (ref.component) ref.cluster.components.splice(ref.cluster.components.indexOf(ref.component), 1);
    else this.clusters.splice(this.clusters.indexOf(ref.cluster), 1);
    this.touch();
  }

  /** Takes an Arc cluster offline: its agents stopped reporting `agoMs` ago. */
  takeOffline(id: string, agoMs = 2 * 60 * MINUTE): void {
    const cluster = this.cluster(id);
    if (cluster.kind !== "arc") throw new FleetError(`${id} is not an Arc connected cluster`);
    this.change(cluster, (c) => markOffline(c, agoMs));
    this.touch(false);
  }

  /** Sets Arc agent errors (`arcAgentProfile.agentErrors`, agentState Failed). */
  setAgentErrors(id: string, errors: SimFailure[]): void {
    this.change(this.cluster(id), (c) => (c.agentErrors = errors));
    this.touch(false);
  }

  /** Changes `fraction` of all components (healthy ones fail, failing ones recover); returns how many changed. */
  churn(fraction: number, seed = 7): number {
    const r = prng(seed);
    let changed = 0;
    for (const cluster of this.clusters) {
      for (const component of cluster.components) {
        if (r() >= fraction) continue;
        const failure = component.status === "ok" ? this.failureFor(cluster, component, Math.floor(r() * 1e6)) : undefined;
        this.change(component, (c) => Object.assign(c, { status: failure ? "failed" : "ok", failure }));
        changed++;
      }
    }
    this.touch(false);
    return changed;
  }

  /** Records a change; `structural` ones (clusters added or removed) drop the id index. */
  private touch(structural = true): void {
    this.version++;
    if (structural) this.byId = undefined;
  }
}

function markOffline(cluster: SimCluster, agoMs: number): void {
  Object.assign(cluster, { connectivityStatus: "Offline", lastSeenAgoMs: agoMs, catalogId: "arc-cluster-offline" });
}

/** A per-id number for choices that must not depend on fleet order (versions, node counts ...). */
export function idNumber(id: string): number {
  return hash32(id.toLowerCase());
}
