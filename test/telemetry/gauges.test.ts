import parsePrometheus from "parse-prometheus-text-format";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { componentLabels, connectivityLabel, FleetGaugeBuilder, type GaugeComponent } from "../../shared/telemetry/gauges";
import { renderPrometheus } from "../../shared/telemetry/prometheus";
import { errorCode, invocationContext } from "../../shared/telemetry";
import { methodLabel, statusLabel } from "../../shared/telemetry/labels";

const ENTRIES: Record<string, { category: string; severity: string }> = { "flux-extension-install": { category: "flux", severity: "critical" } };
const entryOf = (id: string) => ENTRIES[id];
const base: GaugeComponent = {
  state: "failing",
  kind: "extension",
  clusterId: "/subscriptions/s/resourcegroups/r/providers/microsoft.kubernetes/connectedclusters/c1",
  clusterKind: "arc",
  extensionType: "microsoft.flux",
  catalogId: "flux-extension-install",
  reason: "InstallationFailed",
};

describe("fleet gauge dimensions", () => {
  it("name the catalog entry of open failures only; unmatched and unknown entries are closed values", () => {
    expect(componentLabels(base, entryOf)).toEqual({
      state: "failing",
      catalog_entry: "flux-extension-install",
      category: "flux",
      severity: "critical",
      extension_type: "microsoft.flux",
      component_kind: "extension",
      cluster_kind: "arc",
    });
    expect(componentLabels({ ...base, state: "healthy" }, entryOf)).toMatchObject({ catalog_entry: "none", category: "none", severity: "none" });
    expect(componentLabels({ ...base, catalogId: null }, entryOf)).toMatchObject({ catalog_entry: "unclassified", category: "unclassified" });
    expect(componentLabels({ ...base, catalogId: "retired-entry" }, entryOf)).toMatchObject({ catalog_entry: "other", category: "unknown-entry" });
  });

  it("cap extension types outside the published list into other, and connectivity to Arc's values", () => {
    expect(componentLabels({ ...base, extensionType: "Contoso.CustomAgent" }, entryOf).extension_type).toBe("other");
    expect(componentLabels({ ...base, kind: "flux", extensionType: undefined }, entryOf).extension_type).toBe("none");
    expect(connectivityLabel("arc", { connectivityStatus: "Offline" })).toBe("offline");
    expect(connectivityLabel("arc", { connectivityStatus: "SomethingNew" })).toBe("other");
    expect(connectivityLabel("arc", undefined)).toBe("unknown");
    expect(connectivityLabel("aks", { connectivityStatus: "Connected" })).toBe("not-applicable");
  });

  it("count an incident once it fails on two clusters, and group many components into few series", () => {
    const gauges = new FleetGaugeBuilder(entryOf);
    for (let i = 0; i < 50; i++) gauges.addComponent({ ...base, clusterId: `c${i % 3}`, extensionType: `custom.type${i}` });
    gauges.addComponent({ ...base, catalogId: null, fingerprint: "only one cluster", clusterId: "c9" });
    const result = gauges.result(2);
    expect(result.openIncidents).toBe(1);
    expect(result.partialScopes).toBe(2);
    expect(result.components).toEqual([
      { labels: expect.objectContaining({ extension_type: "other", catalog_entry: "flux-extension-install" }), value: 50 },
      { labels: expect.objectContaining({ catalog_entry: "unclassified" }), value: 1 },
    ]);
  });
});

describe("Prometheus text", () => {
  it("escapes label values and parses back", () => {
    const text = renderPrometheus(
      { components: [{ labels: { state: "failing", catalog_entry: 'a"b\\c\nd' }, value: 2 }], clusters: [], openIncidents: 0, partialScopes: 1 },
      { latest: "2026-12-03T12:00:00.000Z" },
    );
    expect(text).toContain('catalog_entry="a\\"b\\\\c\\nd"');
    const families = parsePrometheus(text) as Array<{ name: string; metrics: Array<{ value: string; labels?: Record<string, string> }> }>;
    const components = families.find((f) => f.name === "fleet_components")!;
    expect(components.metrics[0]).toEqual({ value: "2", labels: { state: "failing", catalog_entry: 'a"b\\c\nd' } });
    expect(families.find((f) => f.name === "fleet_sweep_last_timestamp_seconds")!.metrics[0].value).toBe(String(Date.parse("2026-12-03T12:00:00Z") / 1000));
  });
});

describe("trace context and bounded attributes", () => {
  it("joins a valid W3C traceparent and ignores a malformed one", () => {
    const ctx = invocationContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    expect(trace.getSpanContext(ctx)).toEqual({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1, isRemote: true });
    for (const bad of [
      undefined,
      "",
      "garbage",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ])
      expect(invocationContext(bad)).toBe(ROOT_CONTEXT);
  });

  it("describes errors by code, methods and statuses by closed sets", () => {
    expect(errorCode(Object.assign(new Error("token abc for /subscriptions/x"), { code: "AuthorizationFailed" }))).toBe("AuthorizationFailed");
    expect(errorCode(new TypeError("secret"))).toBe("TypeError");
    expect(errorCode("a string")).toBe("Error");
    expect(methodLabel("get")).toBe("GET");
    expect(methodLabel("BREW")).toBe("_OTHER");
    expect([statusLabel(200), statusLabel(429), statusLabel(503), statusLabel(undefined)]).toEqual(["2xx", "429", "5xx", "error"]);
  });
});
