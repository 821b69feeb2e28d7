/**
 * Public shapes of the local ARM simulator: what a fleet looks like, which faults it can inject and
 * what it counts. The simulator stands in for Azure Resource Graph and Microsoft.KubernetesConfiguration
 * so the real SDK clients can be exercised over HTTPS without reaching Azure.
 */
import type { ResetRounding } from "./limits";

export interface FleetSpec {
  /** Deterministic seed: the same spec gives the same fleet, byte for byte. */
  seed: number;
  clusters: number;
  /** Share of Arc `connectedClusters`; the rest are AKS `managedClusters`. */
  arcRatio: number;
  /** Number of subscriptions; default about one per 100 clusters, at least 1. */
  subscriptions: number;
  /** Management group name → subscription ids; default one group `fleet-mg` holding every subscription. */
  managementGroups: Record<string, string[]>;
  /** Cluster extensions per cluster (up to the 5 real types the simulator knows). */
  extensionsPerCluster: number;
  fluxPerCluster: number;
  /** Share of clusters that also carry a legacy Flux v1 sourceControlConfiguration. */
  sourceControlRatio: number;
  /** Share of components (and clusters) that are failing with a documented error. */
  failureRate: number;
  /** Share of components that are in progress (Creating/Updating, Pending). */
  pendingRate: number;
}

export type TargetApi = "arg" | "arm" | "all";

/** Counted or rate-based selection of requests; `count` wins over `rate`. */
export interface RequestSelector {
  /** Exactly the next N matching requests. */
  count?: number;
  /** 0..1 of matching requests, drawn from a PRNG seeded with `FaultSpec.seed`. */
  rate?: number;
  /** Which API the fault applies to (default "all"). */
  target?: TargetApi;
}

export type MalformKind = "missingProperties" | "nulls" | "unknownEnum" | "hugeMessage";

export interface FaultSpec {
  /** Seed of the PRNG behind rate-based faults (default 1). */
  seed?: number;
  /** Extra latency on every response, on top of `SimulatorOptions.latencyMs`. */
  latencyMs?: number;
  /** 500/503 answers with ARM error bodies (503 carries no Retry-After unless `retryAfterSeconds` is set). */
  serverErrors?: RequestSelector & { status?: 500 | 503; retryAfterSeconds?: number };
  /** Hold the response for `holdMs`, or never answer when `holdMs` is absent (the socket stays open until the client gives up). */
  timeouts?: RequestSelector & { holdMs?: number };
  /**
   * Subscriptions the caller may not read. ARG: a query naming one in `subscriptions` answers 403
   * `AccessDenied` (as real ARG does); tenant and management-group queries silently leave their rows
   * out. ARM reads under one answer 403 `AuthorizationFailed`.
   */
  forbiddenSubscriptions?: string[];
  /**
   * Resource Graph is eventually consistent: for this long after a change made through the fleet's
   * helpers (fail, recover, setPending, takeOffline, setAgentErrors, churn), ARG rows still show the
   * previous state while ARM reads show the new one. Additions and deletions are seen at once.
   */
  argLagMs?: number;
  /** Real ARG usually sends its 429 without Retry-After; true adds `Retry-After` (seconds). */
  argRetryAfter?: boolean;
  /**
   * Rows served damaged, by ARM id (case-insensitive) or as a count (the first N component ids in
   * id order, clusters excluded). Applies to ARG rows and ARM reads alike.
   */
  malformed?: Partial<Record<MalformKind, string[] | number>>;
}

export interface SimulatorStats {
  argQueries: number;
  argThrottled: number;
  argRowsServed: number;
  armReads: number;
  armThrottled: number;
  pagesServed: number;
  faultsInjected: number;
  unauthorized: number;
  badRequests: number;
}

export interface SimulatorOptions {
  fleet?: Partial<FleetSpec>;
  /** Added to every response (default 0). */
  latencyMs?: number;
  /**
   * ARG quota per bearer token; default 15 per 5000 ms (a fixed window from the first query), with
   * `x-ms-user-quota-resets-after` rounded up to whole seconds unless `rounding` says otherwise.
   */
  argQuota?: { perWindow: number; windowMs: number; rounding?: ResetRounding } | false;
  /** ARM read token bucket per subscription; default 250 tokens, 25 per second. */
  armReadBucket?: { size: number; refillPerSecond: number } | false;
  faults?: FaultSpec;
  /** Required bearer token (default "sim-token"). */
  token?: string;
  /** Tenant and management-group queries cover at most this many subscriptions (default 10000, as real ARG). */
  tenantSubscriptionLimit?: number;
  /** Items per page of the per-cluster KubernetesConfiguration lists (default 2, so paging is exercised). */
  armPageSize?: number;
  /** Port to listen on (default: a free one). */
  port?: number;
}
