/**
 * The fleet gauges in the Prometheus text exposition format (version 0.0.4), for Prometheus or
 * Azure Managed Prometheus to scrape from `GET /api/metrics`. Names are the OpenTelemetry names with
 * dots as underscores, so one dashboard query reads either source.
 */
import { GAUGES, type FleetGauges, type Labels, type Series } from "./gauges";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function prometheusName(otelName: string): string {
  return otelName.replace(/[^A-Za-z0-9_:]/g, "_");
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function family(name: string, help: string, series: readonly Series[]): string[] {
  const metric = prometheusName(name);
  const lines = [`# HELP ${metric} ${escapeHelp(help)}`, `# TYPE ${metric} gauge`];
  for (const { labels, value } of series) lines.push(`${metric}${labelText(labels)} ${value}`);
  return lines;
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
}

export interface SweepTimes {
  /** End of the latest recorded sweep, complete or not. */
  latest?: string;
  /** End of the latest sweep that read every scope. */
  lastComplete?: string;
}

/** The exposition text; a family with no series still carries its HELP and TYPE lines. */
export function renderPrometheus(gauges: FleetGauges, sweeps: SweepTimes = {}): string {
  const seconds = (iso: string | undefined) => (iso ? [{ labels: {}, value: Date.parse(iso) / 1000 }] : []);
  return [
    ...family(GAUGES.components.name, GAUGES.components.help, gauges.components),
    ...family(GAUGES.clusters.name, GAUGES.clusters.help, gauges.clusters),
    ...family(GAUGES.incidents.name, GAUGES.incidents.help, [{ labels: {}, value: gauges.openIncidents }]),
    ...family(GAUGES.partialScopes.name, GAUGES.partialScopes.help, [{ labels: {}, value: gauges.partialScopes }]),
    ...family("fleet.sweep.last_timestamp_seconds", "End of the latest recorded sweep (Unix seconds)", seconds(sweeps.latest)),
    ...family("fleet.sweep.last_complete_timestamp_seconds", "End of the latest sweep that read every scope (Unix seconds)", seconds(sweeps.lastComplete)),
    "",
  ].join("\n");
}
