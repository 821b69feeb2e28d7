/**
 * Telemetry through the OpenTelemetry API. Recording goes to whatever providers are registered
 * globally: none by default (the API's no-op, which costs nothing), the Azure Monitor exporters
 * once `startTelemetry` saw APPLICATIONINSIGHTS_CONNECTION_STRING, or a test's in-memory exporters.
 * The SDK and the exporter are imported only in that case; this module itself (with
 * `@opentelemetry/api`) loads with a handler's use case, never at cold start. Attributes are bounded sets; an error is described by its code, never
 * its message (messages carry resource names and customer text).
 */
import {
  metrics,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Meter,
  type MeterProvider,
  type Span,
  type SpanKind,
} from "@opentelemetry/api";
import type { Env } from "../core/config";
import { GAUGES, type FleetGauges } from "./gauges";
import { methodLabel } from "./labels";
import { CONNECTION_STRING } from "./settings";

const SCOPE_NAME = "fleet-health";

/** Service metrics besides the fleet gauges (see docs/telemetry.md). */
export const METRICS = {
  sweeps: "fleet.sweeps",
  sweepDuration: "fleet.sweep.duration",
  shards: "fleet.sweep.shards",
  shardDuration: "fleet.sweep.shard.duration",
  stageDuration: "fleet.sweep.stage.duration",
  armRequests: "fleet.arm.requests",
  tableOperations: "fleet.table.operations",
  digestDeliveries: "fleet.digest.deliveries",
  apiRequests: "fleet.api.requests",
  apiDuration: "fleet.api.request.duration",
  readModels: "fleet.read_models",
} as const;

function createInstruments(meter: Meter) {
  const gauge = (g: { name: string; help: string }) => meter.createGauge(g.name, { description: g.help });
  return {
    components: gauge(GAUGES.components),
    clusters: gauge(GAUGES.clusters),
    incidents: gauge(GAUGES.incidents),
    partialScopes: gauge(GAUGES.partialScopes),
    sweeps: meter.createCounter(METRICS.sweeps, { description: "Sweeps run, by outcome (recorded, nothing-read, error) and partial" }),
    sweepDuration: meter.createHistogram(METRICS.sweepDuration, { description: "Sweep wall time", unit: "ms" }),
    shards: meter.createCounter(METRICS.shards, { description: "Shards of sharded sweeps, by outcome (recorded, superseded, poisoned, error)" }),
    shardDuration: meter.createHistogram(METRICS.shardDuration, { description: "Time to sweep and record one shard, by outcome", unit: "ms" }),
    stageDuration: meter.createHistogram(METRICS.stageDuration, { description: "Sweep time per stage: read, judge, confirm, record", unit: "ms" }),
    armRequests: meter.createCounter(METRICS.armRequests, { description: "HTTP requests to Resource Graph and ARM, by api and status (429 counted apart)" }),
    tableOperations: meter.createCounter(METRICS.tableOperations, { description: "Table storage requests, by table, method and status" }),
    digestDeliveries: meter.createCounter(METRICS.digestDeliveries, { description: "Digest deliveries, by target and outcome" }),
    apiRequests: meter.createCounter(METRICS.apiRequests, { description: "API requests, by route template, method and status" }),
    apiDuration: meter.createHistogram(METRICS.apiDuration, { description: "API request time, by route template", unit: "ms" }),
    readModels: meter.createCounter(METRICS.readModels, { description: "Read models stored after a sweep, by name and outcome (stored, failed)" }),
  };
}

type Instruments = ReturnType<typeof createInstruments>;

// Instruments belong to the provider they came from (the metrics API has no proxy provider): made again when it changes.
let cached: { provider: MeterProvider; instruments: Instruments } | undefined;
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) cached = { provider, instruments: createInstruments(provider.getMeter(SCOPE_NAME)) };
  return cached.instruments;
}

/** The fleet gauges of one sweep, recorded at once so they share one export. */
export function recordFleetGauges(gauges: FleetGauges): void {
  const i = instruments();
  for (const s of gauges.components) i.components.record(s.value, s.labels);
  for (const s of gauges.clusters) i.clusters.record(s.value, s.labels);
  i.incidents.record(gauges.openIncidents);
  i.partialScopes.record(gauges.partialScopes);
}

export type SweepOutcome = "recorded" | "nothing-read" | "error";
export const SWEEP_STAGES = ["read", "judge", "confirm", "record"] as const;
export type SweepStage = (typeof SWEEP_STAGES)[number];

export function recordSweepRun(outcome: SweepOutcome, partial: boolean, durationMs: number, stageMs?: Record<SweepStage, number>): void {
  const i = instruments();
  i.sweeps.add(1, { outcome, partial: String(partial) });
  i.sweepDuration.record(durationMs, { outcome });
  for (const stage of SWEEP_STAGES) if (stageMs) i.stageDuration.record(stageMs[stage], { stage });
}

export type ShardOutcome = "recorded" | "superseded" | "poisoned" | "error";

export function recordShardRun(outcome: ShardOutcome, durationMs: number): void {
  const i = instruments();
  i.shards.add(1, { outcome });
  i.shardDuration.record(durationMs, { outcome });
}

export function recordReadModel(name: string, outcome: "stored" | "failed"): void {
  instruments().readModels.add(1, { name, outcome });
}

export function recordDigestDelivery(target: string, outcome: string): void {
  instruments().digestDeliveries.add(1, { target, outcome });
}

export function recordApiRequest(route: string, method: string, status: number, durationMs: number): void {
  const i = instruments();
  i.apiRequests.add(1, { route, method: methodLabel(method), status: String(status) });
  i.apiDuration.record(durationMs, { route });
}

export function recordArmRequest(api: "resource-graph" | "arm", status: string): void {
  instruments().armRequests.add(1, { api, status });
}

export function recordTableOperation(table: string, method: string, status: string): void {
  instruments().tableOperations.add(1, { table, method, status });
}

// ---- traces ----

const tracer = () => trace.getTracer(SCOPE_NAME);

/**
 * The context of a Functions invocation from its W3C `traceparent`
 * (`InvocationContext.traceContext.traceParent`), so our spans join the host's trace; the root
 * context when there is none or it is malformed.
 */
export function invocationContext(traceParent: string | null | undefined): Context {
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceParent?.trim().toLowerCase() ?? "");
  if (!match || match[1] === "ff" || /^0+$/.test(match[2]) || /^0+$/.test(match[3])) return ROOT_CONTEXT;
  const flags = parseInt(match[4], 16) & TraceFlags.SAMPLED;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: match[2], spanId: match[3], traceFlags: flags, isRemote: true });
}

export function startSpan(name: string, parent: Context, options: { kind?: SpanKind; attributes?: Attributes } = {}): { span: Span; context: Context } {
  const span = tracer().startSpan(name, options, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** A short, bounded description of an error for telemetry: its code or class name, never its message. */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | undefined;
  const code = typeof e?.code === "string" || typeof e?.code === "number" ? String(e.code) : typeof e?.name === "string" ? e.name : "Error";
  return code.slice(0, 64);
}

export function failSpan(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode(err) });
  span.setAttribute("error.type", errorCode(err));
}

// ---- export to Azure Monitor ----

let started: Promise<{ flush(): Promise<void> } | undefined> | undefined;

/**
 * Registers the Azure Monitor exporters once per process when APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set; does nothing (and imports nothing) otherwise. A failure to set up telemetry is logged and
 * never fails the function.
 */
export function startTelemetry(env: Env = process.env): Promise<void> {
  if (!env[CONNECTION_STRING]?.trim()) return Promise.resolve();
  started ??= import("./azure-monitor")
    .then((m) => m.registerAzureMonitor(env))
    .catch((err: unknown) => {
      console.warn(`telemetry: Azure Monitor export not started (${errorCode(err)})`);
      return undefined;
    });
  return started.then(() => undefined);
}

/** Sends what is buffered now (after a sweep: the instance may be frozen before the next periodic export). */
export async function flushTelemetry(): Promise<void> {
  const handle = await started;
  await handle?.flush().catch((err: unknown) => console.warn(`telemetry: flush failed (${errorCode(err)})`));
}
