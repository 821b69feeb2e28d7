/**
 * The sweep use case: collect the fleet → one snapshot → confirm what changed with targeted ARM
 * reads → persist through `FleetHistory.recordSweep`. The timer function, the `sweep` command and
 * `start` all run this.
 */
import { randomBytes } from "node:crypto";
import type { Agent } from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import { classify } from "../catalog/classifier";
import type { FleetScope } from "../core/config";
import { RequestCounter } from "../azure/connection";
import type { RetryPolicy } from "../azure/errors";
import { ConfigurationReader } from "../azure/kubernetes-configuration";
import { Clock, QuotaPacer, systemClock, TokenBucketOptions } from "../azure/pacing";
import { ResourceGraphReader } from "../azure/resource-graph";
import { ClassifyFn, FleetAssembler } from "../health/assembler";
import { DEFAULT_JUDGE_OPTIONS, JudgeOptions } from "../health/cluster";
import { FleetSnapshot, HEALTH_STATES, HealthState } from "../core/model";
import type { FleetHistory, ShardRef } from "../store/types";
import type { SweepStage } from "../telemetry";
import { collectFleet, SweepProgress } from "./collect";
import { confirmChanges, ConfirmResult } from "./confirm";
import { storeSweepSummary } from "./summary";

export type { SweepProgress } from "./collect";

export interface SweepOptions {
  /** ARM base URL (`FLEET_ARM_ENDPOINT`). */
  armEndpoint: string;
  credential: TokenCredential;
  /** E.g. an `https.Agent` trusting the local simulator's CA. */
  agent?: Agent;
  history: FleetHistory;
  /** `FLEET_SCOPE` parsed; empty means everything the identity can read. */
  scopes?: FleetScope[];
  onProgress?: (progress: SweepProgress) => void;
  /** Resource Graph page size (default 1000). */
  pageSize?: number;
  subscriptionsPerQuery?: number;
  /** Per-subscription bucket of targeted ARM reads (default 200, 20/s). */
  readBucket?: Omit<TokenBucketOptions, "clock">;
  /** Changed components confirmed by ARM reads per sweep (default 1000); the rest keep Resource Graph's judgement. */
  maxConfirmations?: number;
  maxStatusFetches?: number;
  maxIsolationQueries?: number;
  /** Per-request timeout (ms, default 30 s) and retry rules. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Random wait after a quota window, as a fraction of it, when several sweeps share one identity (default 0). */
  quotaJitter?: number;
  judge?: Partial<Omit<JudgeOptions, "now">>;
  classify?: ClassifyFn;
  clock?: Clock;
  /**
   * The run's deadline (shared/core/deadline.ts): when it aborts, reads stop, what was not read
   * becomes a partial scope (DeadlineExceeded, its clusters unknown) and the sweep is still recorded.
   */
  signal?: AbortSignal;
  /**
   * Sweep one shard of a sharded sweep (shared/sweep/sharded.ts): `scopes` are its subscriptions; the
   * snapshot takes the sweep's id and start, and `left` joins its scopes unread (ShardMessage.left).
   */
  shard?: ShardRef & { startedAt: string; left?: string[] };
}

/** What a sweep found: the contract's `sweep --json` fields first. */
export interface SweepSummary {
  sweepId: string;
  clusters: number;
  components: number;
  failing: number;
  partial: boolean;
  armRequests: number;
  durationMs: number;
  /** Failing and degraded components per catalog entry they were classified as. */
  byCatalogId: Record<string, number>;
  byState: Record<HealthState, number>;
  partialScopes: FleetSnapshot["partialScopes"];
  /** True when no scope could be read at all. */
  nothingRead: boolean;
  confirmation: ConfirmResult;
  transitions: number;
  /** Elapsed time per stage (ms, real time even with a test clock); judging overlaps reading, so read excludes it. */
  stageMs: Record<SweepStage, number>;
}

export interface SweepResult {
  summary: SweepSummary;
  snapshot: FleetSnapshot;
}

/** The Resource Graph reader of a sweep, counting into `counter`. */
export function graphReader(options: SweepOptions, counter: RequestCounter): ResourceGraphReader {
  const clock = options.clock ?? systemClock;
  return new ResourceGraphReader({
    ...connectionOf(options, counter),
    pageSize: options.pageSize,
    pacer: new QuotaPacer({ clock, jitter: options.quotaJitter }),
  });
}

function connectionOf(options: SweepOptions, counter: RequestCounter) {
  return {
    endpoint: options.armEndpoint,
    credential: options.credential,
    agent: options.agent,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    clock: options.clock ?? systemClock,
    counter,
  };
}

export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const clock = options.clock ?? systemClock;
  const startedMs = clock.now();
  const startedAt = new Date(startedMs);
  const counter = new RequestCounter();
  const connection = connectionOf(options, counter);
  const graph = graphReader(options, counter);
  const configurations = new ConfigurationReader({ ...connection, readBucket: options.readBucket });
  const assembler = new FleetAssembler({ ...DEFAULT_JUDGE_OPTIONS, ...options.judge, now: startedAt, classify: options.classify ?? classify });
  const progress = (phase: SweepProgress["phase"], message: string) => options.onProgress?.({ phase, message, armRequests: counter.count });
  const scopes = options.scopes ?? [];

  const readStart = performance.now();
  const { partialScopes, pages, subscriptionNames, judgeMs } = await collectFleet({
    graph,
    configurations,
    assembler,
    scopes,
    subscriptionsPerQuery: options.subscriptionsPerQuery,
    maxIsolationQueries: options.maxIsolationQueries,
    maxStatusFetches: options.maxStatusFetches,
    onProgress: options.onProgress,
    requestCount: () => counter.count,
    signal: options.signal,
  });
  const sweepId = options.shard?.sweepId ?? newSweepId(startedAt);
  const snapshotOf = (): FleetSnapshot => ({
    sweepId,
    startedAt: options.shard?.startedAt ?? startedAt.toISOString(),
    finishedAt: new Date(clock.now()).toISOString(),
    scopes: [...scopes.map((s) => s.scope), ...(options.shard?.left ?? []).map((s) => `/subscriptions/${s}`)],
    partial: partialScopes.length > 0,
    partialScopes,
    clusters: assembler.clusters(),
    armRequests: counter.count,
    subscriptionNames,
  });

  const readEnd = performance.now();
  let snapshot = snapshotOf();
  const judgeEnd = performance.now();
  progress("confirm", `confirm: comparing ${snapshot.clusters.length} clusters with the stored states`);
  const changes = await options.history.diffSnapshot(snapshot);
  const confirmation = await confirmChanges(changes, { configurations, assembler, max: options.maxConfirmations ?? 1000, abortSignal: options.signal });
  if (confirmation.read) {
    progress("confirm", `confirm: ${confirmation.read} changed resources read from ARM, ${confirmation.corrected} differed from Resource Graph`);
    snapshot = snapshotOf();
  }
  progress("persist", `persist: recording sweep ${sweepId}${options.signal?.aborted ? " (partial: the run's deadline passed)" : ""}`);
  // Not under the run deadline (nor is diffSnapshot above, whose result this write needs): the time
  // left before the host's functionTimeout is for recording what was read. Were the host to kill it
  // anyway, the store's lease lets the next sweep repair the half-done write.
  const recordStart = performance.now();
  const shard = options.shard && { sweepId: options.shard.sweepId, index: options.shard.index, count: options.shard.count };
  const recorded = await options.history.recordSweep(snapshot, { shard });
  const stageMs = {
    read: readEnd - readStart - judgeMs,
    judge: judgeMs + judgeEnd - readEnd,
    confirm: recordStart - judgeEnd,
    record: performance.now() - recordStart,
  };
  // A shard's records are part of a sweep: the worker that merges it stores the summary (sharded.ts).
  if (!shard) await storeSummary(options.history, sweepId, progress, options.signal);
  const summary = { ...summarize(snapshot, startedMs, clock.now()), nothingRead: pages === 0, confirmation, transitions: recorded.transitions.length, stageMs };
  progress(
    "done",
    `done: ${summary.clusters} clusters, ${summary.components} components, ${summary.failing} failing${summary.partial ? `, partial (${partialScopes.length} scopes)` : ""}`,
  );
  return { summary, snapshot };
}

/** Stores the sweep's summary for the API (./summary.ts), reporting how it went; never fails the sweep. */
export async function storeSummary(
  history: FleetHistory,
  sweepId: string,
  progress: (phase: SweepProgress["phase"], message: string) => void,
  abortSignal?: AbortSignal,
): Promise<void> {
  // Past the run's deadline the time left is the host's, for what is recorded: the API builds the summary instead.
  if (abortSignal?.aborted) return progress("persist", `persist: summary of sweep ${sweepId} not stored: the run's deadline passed`);
  const { stored, ms, error } = await storeSweepSummary(history, sweepId, { abortSignal });
  const outcome = stored
    ? "stored"
    : error
      ? `not stored (${(error as Error).message ?? String(error)}); the API builds it on first read`
      : "not stored: a newer sweep";
  progress("persist", `persist: summary of sweep ${sweepId} ${outcome} in ${Math.round(ms)} ms`);
}

export function newSweepId(startedAt: Date): string {
  return `${startedAt.toISOString().replace(/[-:.]/g, "")}-${randomBytes(3).toString("hex")}`;
}

/** The counts of a snapshot. */
export function summarize(
  snapshot: FleetSnapshot,
  startedMs: number,
  finishedMs: number,
): Omit<SweepSummary, "nothingRead" | "confirmation" | "transitions" | "stageMs"> {
  const byState = Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
  const byCatalogId: Record<string, number> = {};
  let components = 0;
  for (const cluster of snapshot.clusters) {
    for (const component of cluster.components) {
      components++;
      byState[component.state]++;
      const id = component.classification?.catalogId;
      if (id && (component.state === "failing" || component.state === "degraded")) byCatalogId[id] = (byCatalogId[id] ?? 0) + 1;
    }
  }
  return {
    sweepId: snapshot.sweepId,
    clusters: snapshot.clusters.length,
    components,
    failing: byState.failing,
    partial: snapshot.partial,
    armRequests: snapshot.armRequests,
    durationMs: finishedMs - startedMs,
    byCatalogId,
    byState,
    partialScopes: snapshot.partialScopes,
  };
}
