/**
 * What a snapshot changes for one cluster, as pure functions: the next stored state of each component
 * and the transitions that lead there. The table code only reads the inputs and writes the outputs.
 */
import { ClusterHealth, ComponentHealth, FleetSnapshot, HealthState, normalizeId } from "../core/model";
import type { StoredComponent } from "./entities";
import { componentKey, eventRowKey } from "./keys";
import type { ClusterView } from "./manifest";
import type { TransitionEvent, TransitionRecord } from "./types";

/**
 * Reasons on an Arc cluster's own component that mean the cluster stopped reporting: what Azure shows
 * for its extensions and configurations is then stale, so their last known state is kept.
 */
export const DARK_REASONS: ReadonlySet<string> = new Set(["Offline", "Expired", "StaleHeartbeat", "HeartbeatStale"]);

/** A component the collector could not read (its scope failed); its stored state is kept. */
export const NOT_READ_REASON = "NotRead";

const isFailure = (state: HealthState): boolean => state === "failing" || state === "degraded";

export function isDark(cluster: ClusterHealth): boolean {
  const own = cluster.components.find((c) => c.kind === "cluster");
  return cluster.kind === "arc" && own !== undefined && DARK_REASONS.has(own.reason);
}

/** The subscription a scope is limited to, or undefined for a scope (management group, tenant) that may hold any. */
function scopeSubscription(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope.trim())?.[1]?.toLowerCase();
}

/** True when a failed scope may hold the subscription, so its clusters were not (fully) read. */
export function notFullyRead(subscriptionId: string, snapshot: Pick<FleetSnapshot, "partialScopes">): boolean {
  return snapshot.partialScopes.some((p) => {
    const sub = scopeSubscription(p.scope);
    return sub === undefined || sub === subscriptionId.toLowerCase();
  });
}

/** True when the sweep asked about the subscription (no scopes, or a management group, means every one). */
export function inScope(subscriptionId: string, snapshot: Pick<FleetSnapshot, "scopes">): boolean {
  if (snapshot.scopes.length === 0) return true;
  const subs = snapshot.scopes.map(scopeSubscription);
  return subs.some((s) => s === undefined || s === subscriptionId.toLowerCase());
}

export function clusterView(cluster: ClusterHealth, snapshot: Pick<FleetSnapshot, "partialScopes">): ClusterView {
  if (isDark(cluster)) return "dark";
  if (notFullyRead(cluster.subscriptionId, snapshot) || cluster.components.some((c) => c.reason === NOT_READ_REASON)) return "partial";
  return "read";
}

/** A cluster absent from the snapshot is deleted only when its subscription was asked about and read in full. */
export function isGone(subscriptionId: string, snapshot: Pick<FleetSnapshot, "scopes" | "partialScopes">): boolean {
  return inScope(subscriptionId, snapshot) && !notFullyRead(subscriptionId, snapshot);
}

export interface ClusterChangeInput {
  clusterKey: string;
  /** The cluster in the snapshot; absent when it is gone. */
  cluster?: ClusterHealth;
  view: ClusterView | "gone";
  /** Stored components by component key. */
  stored: ReadonlyMap<string, StoredComponent>;
  at: string;
  sweepId: string;
}

/** One component's change: written together (its row and its transitions) in one transaction. */
export interface ComponentPlan {
  componentKey: string;
  previous?: StoredComponent;
  /** The next stored state; absent when the row is deleted. */
  next?: StoredComponent;
  /** The snapshot's judgement behind `next`, when there is one. */
  health?: ComponentHealth;
  transitions: TransitionRecord[];
}

/** Every component of one cluster whose stored row must change, with its transitions. */
export function planCluster(input: ClusterChangeInput): ComponentPlan[] {
  const { cluster, view, stored } = input;
  const plans: ComponentPlan[] = [];
  const inSnapshot = new Map((cluster?.components ?? []).map((c) => [componentKey(c.id), c]));
  for (const [key, health] of inSnapshot) {
    const previous = stored.get(key);
    if (view === "dark" && health.kind !== "cluster") {
      // Stale data: keep the last known state. A component first seen while dark is recorded as Azure
      // last reported it, marked dark, so it is neither dropped nor taken for fresh.
      if (!previous) {
        const plan = observe(input, key, previous, health, cluster!);
        if (plan) plans.push(plan);
      } else if (!previous.dark) plans.push(goDark(input, key, previous));
      continue;
    }
    if (view === "partial" && health.reason === NOT_READ_REASON && previous) continue;
    const plan = observe(input, key, previous, health, cluster!);
    if (plan) plans.push(plan);
  }
  for (const [key, previous] of stored) {
    if (inSnapshot.has(key)) continue;
    if (view === "gone" || view === "read") plans.push(deleted(input, key, previous));
    // What a dark cluster no longer lists is not gone: Azure's view of it is stale.
    else if (view === "dark" && !previous.dark) plans.push(goDark(input, key, previous));
  }
  return plans;
}

/** The state a component moves to from its judgement, with the events; undefined when nothing stored changes. */
function observe(
  input: ClusterChangeInput,
  key: string,
  previous: StoredComponent | undefined,
  health: ComponentHealth,
  cluster: ClusterHealth,
): ComponentPlan | undefined {
  const { at } = input;
  const dark = input.view === "dark";
  const catalogId = health.classification?.catalogId ?? null;
  const failing = isFailure(health.state);
  const episodeOpen = previous?.firstSeenFailingAt !== undefined;
  const differs =
    !previous ||
    previous.state !== health.state ||
    previous.reason !== health.reason ||
    previous.catalogId !== catalogId ||
    (previous.fingerprint ?? "") !== (health.classification?.fingerprint ?? "");
  let event: TransitionEvent | undefined;
  if (!previous) event = failing ? "new-failure" : "appeared";
  else if (!differs) event = undefined;
  else if (failing) event = isFailure(previous.state) || episodeOpen ? "changed-failure" : "new-failure";
  else if (health.state === "healthy" && episodeOpen) event = "recovered";
  else event = "state-changed";

  const next: StoredComponent = {
    id: normalizeId(health.id),
    clusterId: normalizeId(cluster.id),
    clusterName: cluster.name,
    clusterKind: cluster.kind,
    subscriptionId: cluster.subscriptionId.toLowerCase(),
    resourceGroup: cluster.resourceGroup,
    kind: health.kind,
    name: health.name,
    ...(health.extensionType ? { extensionType: health.extensionType } : {}),
    ...(health.parentId ? { parentId: normalizeId(health.parentId) } : {}),
    state: health.state,
    reason: health.reason,
    message: health.message,
    evidence: health.evidence,
    catalogId,
    ...(health.classification ? { confidence: health.classification.confidence, fingerprint: health.classification.fingerprint } : {}),
    ...(failing && !episodeOpen ? { firstSeenFailingAt: at } : {}),
    ...(episodeOpen && health.state !== "healthy" ? { firstSeenFailingAt: previous!.firstSeenFailingAt } : {}),
    lastTransitionAt: event ? at : previous!.lastTransitionAt,
    // The cluster's own component is judged on fresh data even while dark (it says why it is dark).
    ...(dark ? { dark: true, darkSince: previous?.dark ? previous.darkSince : at } : {}),
    ...(health.facts ? { facts: health.facts } : {}),
    ...armCasing(health.id),
    ...(health.kind === "cluster" && cluster.location ? { location: cluster.location } : {}),
    ...(health.kind === "cluster" && cluster.tags ? { tags: cluster.tags } : {}),
  };
  const transitions: TransitionRecord[] = [];
  if (previous?.dark && !dark) {
    transitions.push(transition(input, key, "came-back", previous, next, { previousDurationMs: elapsed(previous.darkSince, at) }));
  }
  if (event) {
    const extra: Partial<TransitionRecord> = previous ? { previousDurationMs: elapsed(previous.lastTransitionAt, at) } : {};
    if (event === "recovered") Object.assign(extra, { endedCatalogId: previous!.catalogId, failureDurationMs: elapsed(previous!.firstSeenFailingAt, at) });
    if (event === "changed-failure" && previous!.catalogId !== catalogId) extra.endedCatalogId = previous!.catalogId;
    transitions.push(transition(input, key, event, previous, next, extra));
  }
  if (dark && !previous?.dark) transitions.push(transition(input, key, "went-dark", previous, next, {}));
  if (transitions.length === 0 && previous && sameStored(previous, next)) return undefined;
  return { componentKey: key, previous, next, health, transitions };
}

/** The id as Azure spelled it, kept only when it differs from the canonical one. */
function armCasing(id: string): { armId?: string } {
  const armId = id.trim().replace(/\/+$/, "");
  return armId === normalizeId(id) ? {} : { armId };
}

/** A component of a cluster that went dark: its last known state, marked dark. */
function goDark(input: ClusterChangeInput, key: string, previous: StoredComponent): ComponentPlan {
  const next: StoredComponent = { ...previous, dark: true, darkSince: input.at };
  return { componentKey: key, previous, next, transitions: [transition(input, key, "went-dark", previous, next, {})] };
}

function deleted(input: ClusterChangeInput, key: string, previous: StoredComponent): ComponentPlan {
  return {
    componentKey: key,
    previous,
    transitions: [transition(input, key, "deleted", previous, undefined, { previousDurationMs: elapsed(previous.lastTransitionAt, input.at) })],
  };
}

function transition(
  input: ClusterChangeInput,
  key: string,
  event: TransitionEvent,
  previous: StoredComponent | undefined,
  next: StoredComponent | undefined,
  extra: Partial<TransitionRecord>,
): TransitionRecord {
  const about = next ?? previous!;
  return {
    id: eventRowKey(input.at, input.clusterKey, key, event),
    at: input.at,
    sweepId: input.sweepId,
    event,
    componentId: about.id,
    componentKind: about.kind,
    componentName: about.name,
    clusterId: about.clusterId,
    clusterName: about.clusterName,
    subscriptionId: about.subscriptionId,
    ...(about.extensionType ? { extensionType: about.extensionType } : {}),
    from: previous?.state ?? null,
    to: next?.state ?? "deleted",
    reason: about.reason,
    message: about.message,
    catalogId: about.catalogId,
    ...(about.fingerprint ? { fingerprint: about.fingerprint } : {}),
    ...extra,
  };
}

function elapsed(since: string | undefined, at: string): number | undefined {
  if (!since) return undefined;
  return Math.max(0, Date.parse(at) - Date.parse(since));
}

/** Whether two stored states are the same apart from bookkeeping times. */
function sameStored(a: StoredComponent, b: StoredComponent): boolean {
  const strip = ({ lastTransitionAt: _t, firstSeenFailingAt: _f, ...rest }: StoredComponent) => rest;
  return JSON.stringify(sortKeys(strip(a))) === JSON.stringify(sortKeys(strip(b)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}
