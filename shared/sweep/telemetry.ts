/**
 * A sweep as telemetry: one span per sweep with a child span per stage (fed by the progress
 * callback, so the sweep itself knows nothing of it), tied to the Functions invocation's trace; and
 * when it ends, the fleet gauges of its snapshot, its outcome and its stage durations.
 */
import { SpanKind, type Context, type Span } from "@opentelemetry/api";
import { getEntry } from "../catalog";
import type { FleetSnapshot } from "../core/model";
import { FleetGaugeBuilder, type FleetGauges } from "../telemetry/gauges";
import { failSpan, invocationContext, recordFleetGauges, recordShardRun, recordSweepRun, startSpan, type SweepStage } from "../telemetry";
import type { SweepProgress, SweepResult } from "./index";
import type { PlannedSweep, ShardOutcome } from "./sharded";
import type { ShardMessage } from "./shards";

/** The gauges of one snapshot: what this sweep saw (clusters it could not read count as they were judged: unknown). */
export function snapshotGauges(snapshot: FleetSnapshot): FleetGauges {
  const gauges = new FleetGaugeBuilder(getEntry);
  for (const cluster of snapshot.clusters) {
    gauges.addCluster({ kind: cluster.kind, state: cluster.state, facts: cluster.components[0]?.facts });
    for (const c of cluster.components) {
      gauges.addComponent({
        state: c.state,
        kind: c.kind,
        clusterId: cluster.id,
        clusterKind: cluster.kind,
        extensionType: c.extensionType,
        catalogId: c.classification?.catalogId,
        fingerprint: c.classification?.fingerprint,
        reason: c.reason,
      });
    }
  }
  return gauges.result(snapshot.partialScopes.length);
}

const STAGE_OF: Record<SweepProgress["phase"], SweepStage | undefined> = {
  clusters: "read",
  configurations: "read",
  statuses: "read",
  confirm: "confirm",
  persist: "record",
  done: undefined,
};

export interface SweepTelemetry {
  onProgress(progress: SweepProgress): void;
  /** Ends the spans and records the metrics; `result` is absent when the sweep threw `error`. */
  finish(result: SweepResult | undefined, error?: unknown): void;
  /** Ends the spans of a run that planned a sharded sweep, or found one in flight; its workers report the rest. */
  planned(planned: Exclude<PlannedSweep, { mode: "inline" }>): void;
}

export function sweepTelemetry(traceParent?: string | null): SweepTelemetry {
  const startedAt = performance.now();
  const sweep = startSpan("sweep", invocationContext(traceParent), { kind: SpanKind.INTERNAL });
  let stage: { name: SweepStage; span: Span } | undefined;
  const enter = (name: SweepStage | undefined, parent: Context) => {
    if (stage?.name === name) return;
    stage?.span.end();
    stage = name ? { name, span: startSpan(`sweep ${name}`, parent).span } : undefined;
  };
  return {
    onProgress: (p) => enter(STAGE_OF[p.phase], sweep.context),
    finish(result, error) {
      enter(undefined, sweep.context);
      if (!result) {
        failSpan(sweep.span, error);
        recordSweepRun("error", false, performance.now() - startedAt);
      } else {
        const { summary, snapshot } = result;
        sweep.span.setAttributes({
          "fleet.sweep.id": summary.sweepId,
          "fleet.clusters": summary.clusters,
          "fleet.components": summary.components,
          "fleet.components.failing": summary.failing,
          "fleet.partial_scopes": summary.partialScopes.length,
          "fleet.arm.requests": summary.armRequests,
          ...Object.fromEntries(Object.entries(summary.stageMs).map(([k, ms]) => [`fleet.stage.${k}_ms`, Math.round(ms)])),
        });
        recordSweepRun(summary.nothingRead ? "nothing-read" : "recorded", summary.partial, summary.durationMs, summary.stageMs);
        // Nothing read is missing data, not an empty fleet: no gauges, so nothing reads as recovered.
        if (!summary.nothingRead) recordFleetGauges(snapshotGauges(snapshot));
      }
      sweep.span.end();
    },
    planned(planned) {
      enter(undefined, sweep.context);
      sweep.span.setAttributes(
        planned.mode === "sharded"
          ? { "fleet.sweep.id": planned.sweepId, "fleet.sweep.shards": planned.shards.length, "fleet.arm.requests": planned.armRequests }
          : { "fleet.sweep.id": planned.progress.sweepId, "fleet.sweep.busy": true, "fleet.sweep.shards_recorded": planned.progress.recorded },
      );
      sweep.span.end();
    },
  };
}

/**
 * One shard as telemetry: a span with the shard's figures, the shard counter and duration. Fleet
 * gauges are not recorded (a shard sees part of the fleet); the worker that merges the sweep counts
 * it in `fleet.sweeps` once. Requests and 429s are counted by the HTTP pipeline (`fleet.arm.requests`).
 */
export function shardTelemetry(message: ShardMessage, traceParent?: string | null, poisoned = false) {
  const startedAt = performance.now();
  const { span } = startSpan(poisoned ? "sweep shard poisoned" : "sweep shard", invocationContext(traceParent), { kind: SpanKind.CONSUMER });
  span.setAttributes({ "fleet.sweep.id": message.sweepId, "fleet.shard.index": message.index, "fleet.shard.count": message.count });
  return (outcome: ShardOutcome | undefined, error?: unknown) => {
    const ms = performance.now() - startedAt;
    if (!outcome) {
      failSpan(span, error);
      recordShardRun("error", ms);
    } else {
      const summary = outcome.result?.summary;
      if (summary)
        span.setAttributes({ "fleet.clusters": summary.clusters, "fleet.arm.requests": summary.armRequests, "fleet.transitions": summary.transitions });
      span.setAttributes({ "fleet.shards.recorded": outcome.progress.recorded, "fleet.sweep.complete": !!outcome.progress.sweep });
      recordShardRun(summary ? "recorded" : poisoned ? "poisoned" : "superseded", ms);
      const sweep = outcome.progress.merged ? outcome.progress.sweep : undefined;
      if (sweep) recordSweepRun("recorded", sweep.partial, sweep.durationMs);
    }
    span.end();
  };
}
