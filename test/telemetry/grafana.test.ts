/**
 * The Grafana dashboard (infra/grafana/fleet-health.json) reads only what `/api/metrics` serves:
 * every metric and label in its PromQL exists in the exposition text, parsed as Prometheus would.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import parsePrometheus from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { FleetGaugeBuilder } from "../../shared/telemetry/gauges";
import { renderPrometheus } from "../../shared/telemetry/prometheus";

const dashboard = JSON.parse(readFileSync(resolve(__dirname, "../../infra/grafana/fleet-health.json"), "utf8"));

/** The label names of each family `/api/metrics` serves, from a small fleet. */
function served(): Map<string, Set<string>> {
  const gauges = new FleetGaugeBuilder(() => ({ category: "flux", severity: "critical" }));
  gauges.addComponent({
    state: "failing",
    kind: "extension",
    clusterId: "c1",
    clusterKind: "arc",
    extensionType: "microsoft.flux",
    catalogId: "x",
    reason: "Failed",
  });
  gauges.addCluster({ kind: "arc", state: "failing", facts: { connectivityStatus: "Connected" } });
  const text = renderPrometheus(gauges.result(0), { latest: new Date().toISOString(), lastComplete: new Date().toISOString() });
  const families = parsePrometheus(text) as Array<{ name: string; metrics: Array<{ labels?: Record<string, string> }> }>;
  return new Map(families.map((f) => [f.name, new Set(f.metrics.flatMap((m) => Object.keys(m.labels ?? {})))]));
}

describe("Grafana dashboard", () => {
  const exprs: string[] = [
    ...dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.map((t) => t.expr)),
    ...dashboard.templating.list.filter((v: { type: string }) => v.type === "query").map((v: { definition: string }) => v.definition),
  ];

  it("queries a Prometheus data source chosen by a variable", () => {
    expect(dashboard.templating.list[0]).toMatchObject({ name: "datasource", type: "datasource", query: "prometheus" });
    for (const p of dashboard.panels) expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
    expect(new Set(dashboard.panels.map((p: { id: number }) => p.id)).size).toBe(dashboard.panels.length);
  });

  it("uses only the metrics and labels /api/metrics serves", () => {
    const families = served();
    const used = new Set<string>();
    for (const expr of exprs) {
      for (const [, metric, selector] of expr.matchAll(/\b(fleet_\w+)(?:\{([^}]*)\})?/g)) {
        used.add(metric);
        expect(families.has(metric), `${metric} in ${expr}`).toBe(true);
        for (const [, label] of (selector ?? "").matchAll(/(\w+)\s*(?:=~|!=|!~|=)/g))
          expect(families.get(metric)!.has(label), `${label} of ${metric}`).toBe(true);
        for (const [, labels] of expr.matchAll(/by \(([^)]*)\)/g))
          for (const label of labels.split(",").map((l) => l.trim())) expect(families.get(metric)!.has(label), `by ${label} on ${metric}`).toBe(true);
      }
      const labelValues = /label_values\((\w+), (\w+)\)/.exec(expr);
      if (labelValues) expect(families.get(labelValues[1])?.has(labelValues[2])).toBe(true);
    }
    expect([...used].sort()).toEqual([
      "fleet_clusters",
      "fleet_components",
      "fleet_incidents_open",
      "fleet_partial_scopes",
      "fleet_sweep_last_timestamp_seconds",
    ]);
  });
});
