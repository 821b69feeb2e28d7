/**
 * Pipeline policies counting Resource Graph, ARM and Table requests. Clients are made at cold start
 * (the store's), so the policies load the telemetry module (and `@opentelemetry/api`) on their first
 * request, not on import; a request's count is recorded once it is loaded.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { methodLabel, statusLabel } from "./labels";

type Telemetry = typeof import("./index");
let loaded: Telemetry | undefined;
let loading: Promise<Telemetry> | undefined;

function withTelemetry(record: (t: Telemetry) => void): void {
  if (loaded) return record(loaded);
  void (loading ??= import("./index").then((m) => (loaded = m))).then(record);
}

function countingPolicy(name: string, record: (t: Telemetry, request: { url: string; method: string }, status: string) => void): PipelinePolicy {
  return {
    name,
    async sendRequest(request, next) {
      try {
        const response = await next(request);
        withTelemetry((t) => record(t, request, statusLabel(response.status)));
        return response;
      } catch (err) {
        withTelemetry((t) => record(t, request, statusLabel((err as { statusCode?: number }).statusCode)));
        throw err;
      }
    },
  };
}

/** Counts every Resource Graph and ARM attempt (our retries pass the pipeline once each), 429s apart. */
export function armRequestPolicy(): PipelinePolicy {
  return countingPolicy("fleetArmRequestMetrics", (t, request, status) => {
    const api = /\/providers\/microsoft\.resourcegraph\//i.test(new URL(request.url).pathname) ? "resource-graph" : "arm";
    t.recordArmRequest(api, status);
  });
}

/** Counts the Table requests of one table (its name without the prefix, a closed set). */
export function tableOperationPolicy(table: string): PipelinePolicy {
  return countingPolicy("fleetTableOperationMetrics", (t, request, status) => t.recordTableOperation(table, methodLabel(request.method), status));
}
