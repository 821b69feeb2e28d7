/**
 * The health model: what the collector produces, the store keeps, and the API and digest show.
 *
 * Modelled on Flux's conditions: every judgement carries a state, a reason code and the evidence
 * (the exact Azure field and message) it came from, so any answer can be traced back to Azure data.
 */

/** Ordered from best to worst for roll-ups; `unknown` is never treated as healthy. */
export const HEALTH_STATES = ["healthy", "pending", "degraded", "unknown", "failing"] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

import type { ClusterKind } from "./ids";
export type { ClusterKind } from "./ids";
export { normalizeId } from "./ids";

/**
 * What a component is. `cluster` is the cluster resource itself (connectivity, provisioning, power
 * state, certificate expiry); `fluxObject` is one object a Flux configuration reconciles
 * (GitRepository, Kustomization, HelmRelease ...); `sourceControl` is a legacy Flux v1
 * sourceControlConfiguration.
 */
export const COMPONENT_KINDS = ["cluster", "extension", "flux", "fluxObject", "sourceControl"] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** One piece of Azure data a judgement rests on. */
export interface Evidence {
  /** Where it was read, as a property path on the Azure resource: `properties.statuses[0].message`. */
  field: string;
  /** The value as Azure returned it (messages verbatim, possibly truncated by the store with a marker). */
  value: string;
  /** A status or error code next to it, when Azure gave one (`InstallationFailed`, `ExtensionOperationFailed`). */
  code?: string;
}

/** The documented problem a failure was matched to (see shared/catalog). */
export interface Classification {
  catalogId: string | null;
  /** 0..1; 0 when nothing matched. */
  confidence: number;
  /** Normalized message (ids, names, versions, times, IPs replaced) so unknown failures group across clusters. */
  fingerprint: string;
  /** The text that matched the entry's signature, when one matched. */
  matched?: string;
}

/** A judgement in Flux's condition style. */
export interface Condition {
  state: HealthState;
  /** A stable reason code in PascalCase: `Connected`, `Offline`, `ProvisioningFailed`, `NonCompliant`, `UnknownValue`, `NotRead` ... */
  reason: string;
  /** One readable line: the primary evidence message, or what the reason means when Azure gave no message. */
  message: string;
  evidence: Evidence[];
}

export interface ComponentHealth extends Condition {
  /** ARM id as Azure returned it (case kept); compare case-insensitively with `normalizeId`. */
  id: string;
  /** ARM id of the owning cluster (lower-cased canonical form). */
  clusterId: string;
  kind: ComponentKind;
  name: string;
  /** Extensions only: `microsoft.flux`, `microsoft.azuremonitor.containers`, ... (lower-cased). */
  extensionType?: string;
  /** Flux objects only: the id of the Flux configuration that owns the object. */
  parentId?: string;
  /** Set for components that are not healthy when a message could be classified. */
  classification?: Classification;
  /** Selected raw facts for display (versions, complianceState, provisioningState ...); strings only. */
  facts?: Record<string, string>;
}

export interface ClusterHealth {
  /** Canonical (lower-cased) ARM id. */
  id: string;
  name: string;
  kind: ClusterKind;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  /** Worst state over the cluster component and every other component. */
  state: HealthState;
  /** The cluster resource's own judgement (connectivity/provisioning/power/certificate) is components[0]. */
  components: ComponentHealth[];
  tags?: Record<string, string>;
  /**
   * Set when this cluster's configuration resources could not be read (its scope failed part-way):
   * the cluster is `unknown`, and components missing from `components` were not read, not deleted.
   */
  unread?: ScopeError;
}

/** A scope (subscription or management group) whose data could not be read in full. */
export interface ScopeError {
  scope: string;
  code: string;
  message: string;
}

export interface FleetSnapshot {
  sweepId: string;
  startedAt: string;
  finishedAt: string;
  /** The scopes asked for; empty means everything the identity can read. */
  scopes: string[];
  /** True when any scope could not be read; its clusters, if known, are `unknown`. */
  partial: boolean;
  partialScopes: ScopeError[];
  clusters: ClusterHealth[];
  /** Requests sent to ARM (Resource Graph and resource provider reads together). */
  armRequests: number;
  /** Display names of the subscriptions read, by lower-case id; for people, never for health. */
  subscriptionNames?: Record<string, string>;
}

const STATE_RANK: Record<HealthState, number> = { healthy: 0, pending: 1, degraded: 2, unknown: 3, failing: 4 };

/**
 * The worst of several states. `failing` is the most actionable; `unknown` outranks every other
 * state because missing data is never reported as healthy.
 */
export function worstState(states: Iterable<HealthState>): HealthState {
  let worst: HealthState = "healthy";
  for (const s of states) if (STATE_RANK[s] > STATE_RANK[worst]) worst = s;
  return worst;
}
