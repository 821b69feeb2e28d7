/** OpenTelemetry's in-memory exporters registered as the global providers, the way a test observes telemetry. */
import { metrics, trace } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

export interface Point {
  name: string;
  attributes: Record<string, string>;
  value: number;
}

export function inMemoryTelemetry() {
  // Delta, as the Azure Monitor exporter asks for: each flush holds only what was recorded since the last one.
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  return {
    spans: () => spanExporter.getFinishedSpans(),
    /** Flushes and returns every data point exported so far, histograms as their count. */
    async points(): Promise<Point[]> {
      await meterProvider.forceFlush();
      return metricExporter.getMetrics().flatMap((rm) =>
        rm.scopeMetrics.flatMap((sm) =>
          sm.metrics.flatMap((m) =>
            (m.dataPoints as DataPoint<number | { count: number }>[]).map((p) => ({
              name: m.descriptor.name,
              attributes: p.attributes as Record<string, string>,
              value: typeof p.value === "number" ? p.value : p.value.count,
            })),
          ),
        ),
      );
    },
    /** Forgets everything recorded so far (flushed first, so nothing older comes out later). */
    async reset() {
      await meterProvider.forceFlush();
      metricExporter.reset();
      spanExporter.reset();
    },
    async stop() {
      await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
      metrics.disable();
      trace.disable();
    },
  };
}

export const sum = (points: Point[], name: string, where: Record<string, string> = {}) =>
  points.filter((p) => p.name === name && Object.entries(where).every(([k, v]) => p.attributes[k] === v)).reduce((a, p) => a + p.value, 0);

/** Sums by one attribute: `{ failing: 3, healthy: 40 }`. */
export function sumBy(points: Point[], name: string, key: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of points.filter((p) => p.name === name)) out[p.attributes[key]] = (out[p.attributes[key]] ?? 0) + p.value;
  return out;
}
