/**
 * What the history store keeps and answers. The API and the digest read through this interface;
 * shared/store implements it over Azure Table storage (Azurite locally).
 */
import type { PagedList } from "./paging";
import type { ClusterKind, ComponentHealth, ComponentKind, Evidence, FleetSnapshot, HealthState, ScopeError } from "../core/model";

/** The current state of one component (the cluster resource itself is the component of kind `cluster`). */
export interface ComponentRecord {
  /** Canonical (lower-cased) ARM id of the component. */
  id: string;
  clusterId: string;
  clusterName: string;
  clusterKind: ClusterKind;
  subscriptionId: string;
  resourceGroup: string;
  kind: ComponentKind;
  name: string;
  extensionType?: string;
  parentId?: string;
  state: HealthState;
  reason: string;
  message: string;
  evidence: Evidence[];
  catalogId: string | null;
  confidence?: number;
  fingerprint?: string;
  /** When the current failure episode began (state failing or degraded); absent when healthy. */
  firstSeenFailingAt?: string;
  lastTransitionAt: string;
  lastSeenAt: string;
  lastSeenSweepId: string;
  /** True when the component was not read in the latest sweeps because its cluster went dark; state is the last known one. */
  dark?: boolean;
  /** When the cluster went dark (set with `dark`). */
  darkSince?: string;
  facts?: Record<string, string>;
  /** The ARM id in Azure's own casing, when it differs from `id`. */
  armId?: string;
  /** The cluster's region and tags, on the cluster's own component. */
  location?: string;
  tags?: Record<string, string>;
}

export const TRANSITION_EVENTS = ["appeared", "new-failure", "changed-failure", "state-changed", "recovered", "deleted", "went-dark", "came-back"] as const;
export type TransitionEvent = (typeof TRANSITION_EVENTS)[number];

/** One change of one component, append-only. */
export interface TransitionRecord {
  /** Deterministic: the same change in a re-run produces the same id. */
  id: string;
  at: string;
  sweepId: string;
  event: TransitionEvent;
  componentId: string;
  componentKind: ComponentKind;
  componentName: string;
  clusterId: string;
  clusterName: string;
  subscriptionId: string;
  extensionType?: string;
  from: HealthState | null;
  to: HealthState | "deleted";
  reason: string;
  message: string;
  catalogId: string | null;
  fingerprint?: string;
  /** How long the state this transition ends lasted (ms); absent for the first observation. */
  previousDurationMs?: number;
  /** For `recovered`: the catalog id of the failure that ended. */
  endedCatalogId?: string | null;
  /** For `recovered`: how long the failure episode lasted, from its first failing observation (ms). */
  failureDurationMs?: number;
}

export interface SweepRecord {
  sweepId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  scopes: string[];
  partial: boolean;
  partialScopes: ScopeError[];
  clusters: number;
  components: number;
  byState: Record<HealthState, number>;
  armRequests: number;
  /** Table operations this sweep's persistence cost. */
  tableOperations: number;
  transitions: number;
  /** Display names of the subscriptions read, by lower-case id (Resource Graph `resourcecontainers`). */
  subscriptionNames?: Record<string, string>;
}

/**
 * Every store call takes an options bag with an `abortSignal` (Azure SDK convention), passed down to
 * each table request. A sweep aborted midway is like one that crashed: its lease lists what it began
 * writing, and the next sweep repairs it.
 */
export interface StoreOperationOptions {
  abortSignal?: AbortSignal;
}

/** One shard of a sharded sweep (see docs/sharding.md): the shards share the sweep's id and start time. */
export interface ShardRef {
  sweepId: string;
  /** 0-based. */
  index: number;
  /** Shards in the sweep. */
  count: number;
}

export interface RecordSweepOptions extends StoreOperationOptions {
  /**
   * Records the snapshot as this shard of a sharded sweep: its scopes are the shard's subscriptions,
   * its record is a shard row, not a sweep; the sweep appears in `listSweeps` once every shard is
   * recorded (`finishShardedSweep`). A shard already recorded is not written again.
   */
  shard?: ShardRef;
}

/** A sharded sweep as the planner recorded it. */
export interface ShardedSweepPlan {
  sweepId: string;
  startedAt: string;
  /** The configured scopes (`FLEET_SCOPE`). */
  scopes: string[];
  shards: number;
}

/** What the sweep planner reads before planning (docs/sharding.md). */
export interface ShardPlanningState {
  /** Sharded sweeps planned and not merged yet, oldest first. */
  inFlight: Array<{ sweepId: string; startedAt: string; shards: number }>;
  /** Lower-cased subscriptions the history holds clusters of. */
  subscriptions: string[];
}

export interface ShardedSweepProgress {
  sweepId: string;
  recorded: number;
  shards: number;
  /** The sweep record, once every shard is recorded. */
  sweep?: SweepRecord;
  /** True for the one call that merged the sweep (so it is reported once). */
  merged?: boolean;
}

export interface ComponentFilter {
  clusterId?: string;
  state?: HealthState;
  kind?: ComponentKind;
  catalogId?: string;
  extensionType?: string;
  subscriptionId?: string;
}

export interface TransitionQuery {
  from?: Date;
  to?: Date;
  catalogId?: string;
  extensionType?: string;
}

export interface RecordSweepResult {
  sweep: SweepRecord;
  transitions: TransitionRecord[];
}

/** One component whose stored state a snapshot would change (see `FleetHistory.diffSnapshot`). */
export interface ComponentChange {
  componentId: string;
  clusterId: string;
  kind: ComponentKind;
  /** The stored state; absent for a component seen for the first time. */
  previous?: ComponentRecord;
  /** The snapshot's judgement; absent when the component is gone (deleted) or kept while its cluster is dark. */
  next?: ComponentHealth;
  /** The transitions recording the snapshot would append for this component. */
  events: TransitionEvent[];
}

export interface ListComponentsOptions extends ComponentFilter, StoreOperationOptions {}
export interface ListTransitionsOptions extends TransitionQuery, StoreOperationOptions {}

export interface ListClusterTransitionsOptions extends StoreOperationOptions {
  from?: Date;
  to?: Date;
}

export interface ApplyRetentionOptions extends StoreOperationOptions {
  /** Days of history to keep; the store's `retentionDays` (400 by default) when absent. */
  days?: number;
  now?: Date;
}

/**
 * Lists are `PagedAsyncIterableIterator`s (see paging.ts): iterate the items, or page with
 * `byPage({ continuationToken, maxPageSize })`; each page is an array with the next page's token.
 */
export interface FleetHistory {
  /**
   * The components whose state the snapshot changes, without writing anything. Cheap like
   * `recordSweep`: only clusters whose content changed are read.
   */
  diffSnapshot(snapshot: FleetSnapshot, options?: StoreOperationOptions): Promise<ComponentChange[]>;
  /** Persists one snapshot: only what changed, plus the sweep's own bookkeeping. */
  recordSweep(snapshot: FleetSnapshot, options?: RecordSweepOptions): Promise<RecordSweepResult>;
  /** Records a sweep as planned in shards; its shards are then recorded with `recordSweep(…, { shard })`. */
  planShardedSweep(plan: ShardedSweepPlan, options?: StoreOperationOptions): Promise<void>;
  /** Records a shard that could not be swept (its message was poisoned): its scopes become partial scopes with the error. */
  recordFailedShard(shard: ShardRef, partialScopes: ScopeError[], options?: StoreOperationOptions): Promise<void>;
  /** Writes the sweep record once every shard is recorded (idempotent: any worker may call it, any number of times). */
  finishShardedSweep(sweepId: string, options?: StoreOperationOptions): Promise<ShardedSweepProgress>;
  /** The sharded sweeps in flight and the subscriptions with known clusters. */
  shardPlanningState(options?: StoreOperationOptions): Promise<ShardPlanningState>;
  /** Current state of every component matching the filter. */
  listComponents(options?: ListComponentsOptions): PagedList<ComponentRecord>;
  /** Current state of one cluster's components, or `undefined` when the cluster is not known. */
  getCluster(clusterId: string, options?: StoreOperationOptions): Promise<ComponentRecord[] | undefined>;
  /** One cluster's transitions (its timeline), oldest first. */
  listClusterTransitions(clusterId: string, options?: ListClusterTransitionsOptions): PagedList<TransitionRecord>;
  /** When the cluster's oldest and newest recorded transitions happened (absent: none), without reading its timeline. */
  clusterChangeSpan(clusterId: string, options?: StoreOperationOptions): Promise<{ earliestAt?: string; latestAt?: string }>;
  /** Stores a value computed from a sweep's whole state (one row per name, see read-models.ts), so later processes need not recompute it. */
  saveReadModel(name: string, sweepId: string, value: unknown, options?: StoreOperationOptions): Promise<void>;
  /** The value stored under `name` when it was built for `sweepId`; `undefined` otherwise. */
  loadReadModel<T>(name: string, sweepId: string, options?: StoreOperationOptions): Promise<T | undefined>;
  /** Every transition in a time window across the fleet, oldest first. */
  listTransitions(options?: ListTransitionsOptions): PagedList<TransitionRecord>;
  /** Recorded sweeps, newest first. */
  listSweeps(options?: StoreOperationOptions): PagedList<SweepRecord>;
  lastCompleteSweep(options?: StoreOperationOptions): Promise<SweepRecord | undefined>;
  /** Deletes history older than the retention; never an open failure. Returns the number of entities deleted. */
  applyRetention(options?: ApplyRetentionOptions): Promise<number>;
}
