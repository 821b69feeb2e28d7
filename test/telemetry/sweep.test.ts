/**
 * A simulated sweep (the ARM simulator and Azurite) observed through OpenTelemetry's in-memory
 * exporters: the fleet gauges carry the sweep's counts on bounded dimensions, the stages are spans of
 * one trace joined to the invocation, and `/api/metrics` over the stored state parses as Prometheus
 * text and agrees with both the gauges and `/api/summary`.
 */
import { HttpRequest, InvocationContext } from "@azure/functions";
import { SpanStatusCode } from "@opentelemetry/api";
import parsePrometheus from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "../../dev/simulator";
import { apiFunctions } from "../../shared/api/routes";
import { CLUSTER_ROUTE } from "../../shared/api/routes/clusters";
import { openApiServices } from "../../shared/api/services";
import { ArmReadError } from "../../shared/azure/errors";
import { openFleetHistory } from "../../shared/store";
import { runSweep, type SweepResult } from "../../shared/sweep";
import { sweepTelemetry } from "../../shared/sweep/telemetry";
import { GAUGES, KNOWN_EXTENSION_TYPES } from "../../shared/telemetry/gauges";
import { METRICS } from "../../shared/telemetry";
import { apiClient } from "../api/support";
import { simulator, sweepOptions } from "../azure/simulator";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { inMemoryTelemetry, sum, sumBy, type Point } from "./support";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const PARENT_ID = "b7ad6b7169203331";
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
const COMPONENT_LABELS = ["state", "catalog_entry", "category", "severity", "extension_type", "component_kind", "cluster_kind"];

let sim: ArmSimulator;
let telemetry: ReturnType<typeof inMemoryTelemetry>;
let result: SweepResult;
let points: Point[];
let prefix: string;

beforeAll(async () => {
  telemetry = inMemoryTelemetry();
  const setup = await simulator({
    fleet: { clusters: 16, subscriptions: 3, extensionsPerCluster: 5, fluxPerCluster: 2, sourceControlRatio: 0.3, failureRate: 0.3, seed: 17 },
  });
  sim = setup.sim;
  // One cluster offline, so connectivity has more than one value.
  sim.fleet.takeOffline(sim.fleet.clusters.find((c) => c.kind === "arc")!.id);
  prefix = uniquePrefix("telemetry");
  const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix });
  const observed = sweepTelemetry(TRACEPARENT);
  const { connection } = setup;
  result = await runSweep({
    ...sweepOptions(connection, history),
    onProgress: observed.onProgress,
  });
  observed.finish(result);
  points = await telemetry.points();
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  await telemetry?.stop();
});

describe("a sweep's telemetry", () => {
  it("gauges the components with the sweep's counts, by state and by catalog entry", () => {
    const { summary } = result;
    expect(sum(points, GAUGES.components.name)).toBe(summary.components);
    const byState = sumBy(points, GAUGES.components.name, "state");
    for (const [state, count] of Object.entries(summary.byState)) expect(byState[state] ?? 0).toBe(count);
    expect(summary.failing).toBeGreaterThan(0);
    const open = points.filter(
      (p) =>
        p.name === GAUGES.components.name &&
        ["failing", "degraded"].includes(p.attributes.state) &&
        !["unclassified", "other"].includes(p.attributes.catalog_entry),
    );
    expect(sumBy(open, GAUGES.components.name, "catalog_entry")).toEqual(summary.byCatalogId);
    expect(sum(points, GAUGES.clusters.name)).toBe(summary.clusters);
    expect(sum(points, GAUGES.partialScopes.name)).toBe(0);
    expect(Object.keys(sumBy(points, GAUGES.clusters.name, "connectivity"))).toEqual(expect.arrayContaining(["connected", "offline"]));
  });

  it("uses bounded dimensions only: no cluster name, id or subscription, unknown extension types as other", () => {
    const components = points.filter((p) => p.name === GAUGES.components.name);
    for (const p of components) expect(Object.keys(p.attributes).sort()).toEqual([...COMPONENT_LABELS].sort());
    for (const p of components) expect(["none", "other", ...KNOWN_EXTENSION_TYPES]).toContain(p.attributes.extension_type);
    const names = result.snapshot.clusters.flatMap((c) => [c.name, c.id, c.subscriptionId, c.resourceGroup]);
    const values = points.flatMap((p) => Object.values(p.attributes));
    for (const value of values) expect(names.some((n) => value.includes(n) || n === value)).toBe(false);
    // Fewer series than components: the dimensions group, they do not enumerate.
    expect(components.length).toBeLessThan(result.summary.components / 2);
  });

  it("counts the sweep, its stages, every Resource Graph and ARM request and the Table operations", () => {
    expect(points.filter((p) => p.name === METRICS.sweeps)).toEqual([
      { name: METRICS.sweeps, attributes: { outcome: "recorded", partial: "false" }, value: 1 },
    ]);
    expect(Object.keys(sumBy(points, METRICS.stageDuration, "stage")).sort()).toEqual(["confirm", "judge", "read", "record"]);
    expect(sum(points, METRICS.armRequests)).toBe(result.summary.armRequests);
    expect(sum(points, METRICS.armRequests, { api: "resource-graph" })).toBe(sim.stats.argQueries);
    expect(sum(points, METRICS.tableOperations)).toBeGreaterThan(0);
    expect(Object.keys(sumBy(points, METRICS.tableOperations, "table"))).toEqual(expect.arrayContaining(["clusters", "sweeps"]));
  });

  it("is one trace joined to the invocation: a sweep span with a child span per stage", () => {
    const spans = telemetry.spans();
    const sweep = spans.find((s) => s.name === "sweep")!;
    expect(sweep.spanContext().traceId).toBe(TRACE_ID);
    expect(sweep.parentSpanContext?.spanId).toBe(PARENT_ID);
    const stages = spans.filter((s) => s.parentSpanContext?.spanId === sweep.spanContext().spanId);
    expect(stages.map((s) => s.name)).toEqual(["sweep read", "sweep confirm", "sweep record"]);
    expect(sweep.attributes["fleet.components.failing"]).toBe(result.summary.failing);
  });

  it("never carries the ARM token or a message from Azure", () => {
    const text = JSON.stringify([points, telemetry.spans().map((s) => [s.name, s.attributes, s.status, s.events])]);
    expect(text).not.toContain(sim.token);
    const messages = result.snapshot.clusters.flatMap((c) => c.components.filter((x) => x.state !== "healthy").map((x) => x.message));
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(text).not.toContain(message);
  });

  it("a failed sweep's span names the error code, not its message", async () => {
    await telemetry.reset();
    const observed = sweepTelemetry(undefined);
    observed.finish(undefined, new ArmReadError("AuthorizationFailed", "client 1234 has no access to /subscriptions/secret-sub"));
    const [span] = telemetry.spans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "AuthorizationFailed" });
    expect(JSON.stringify(span.attributes)).not.toContain("secret-sub");
  });
});

describe("GET /api/metrics", () => {
  it("parses as Prometheus text, agrees with /api/summary and with the sweep's gauges", async () => {
    const services = await openApiServices({ connectionString: tablesConnection(), tablePrefix: prefix }, { refreshMs: 0 });
    const api = apiClient(services);
    const [metrics, summary] = await Promise.all([api("GET", "/api/metrics"), api("GET", "/api/summary")]);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheus(metrics.text) as Array<{ name: string; type: string; metrics: Array<{ value: string; labels?: Record<string, string> }> }>;
    const family = (name: string) => families.find((f) => f.name === name)!.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
    expect(families.every((f) => f.type === "GAUGE")).toBe(true);

    const components = family("fleet_components");
    const total = (rows: typeof components, where: Record<string, string> = {}) =>
      rows.filter((r) => Object.entries(where).every(([k, v]) => r.labels[k] === v)).reduce((a, r) => a + r.value, 0);
    const s = summary.json;
    expect(total(components)).toBe(s.components.total);
    for (const [state, count] of Object.entries(s.components.byState)) expect(total(components, { state })).toBe(count);
    for (const [id, count] of Object.entries(s.failures.byCatalogId))
      expect(total(components, { catalog_entry: id, state: "failing" }) + total(components, { catalog_entry: id, state: "degraded" })).toBe(count);
    expect(total(components, { catalog_entry: "unclassified" })).toBe(s.failures.unclassified);
    for (const [kind, { total: n }] of Object.entries(s.clusters.byKind) as Array<[string, { total: number }]>)
      expect(total(family("fleet_clusters"), { cluster_kind: kind })).toBe(n);
    const incidents = (await api("GET", "/api/incidents")).json.items.length;
    expect(family("fleet_incidents_open")[0].value).toBe(incidents);
    expect(family("fleet_partial_scopes")[0].value).toBe(s.partialScopes.length);
    expect(family("fleet_sweep_last_timestamp_seconds")[0].value).toBe(Date.parse(s.latestSweep.finishedAt) / 1000);

    // The same series as the sweep exported (no cluster is dark after one sweep).
    const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());
    const exported = new Map(points.filter((p) => p.name === GAUGES.components.name).map((p) => [key(p.attributes), p.value]));
    expect(new Map(components.map((c) => [key(c.labels), c.value]))).toEqual(exported);
    expect(incidents).toBe(sum(points, GAUGES.incidents.name));
  });

  it("is listed in the OpenAPI document as text/plain", async () => {
    const services = await openApiServices({ connectionString: tablesConnection(), tablePrefix: prefix }, { refreshMs: 0 });
    const doc = (await apiClient(services)("GET", "/api/openapi.json")).json;
    expect(Object.keys(doc.paths["/metrics"].get.responses[200].content)).toEqual([expect.stringMatching(/^text\/plain; version=0\.0\.4/)]);
  });

  it("traces and counts API requests by route template, joined to the invocation", async () => {
    await telemetry.reset();
    const services = await openApiServices({ connectionString: tablesConnection(), tablePrefix: prefix }, { refreshMs: 0 });
    const [, options] = apiFunctions(() => Promise.resolve(services)).find(([name]) => name === "getCluster")!;
    const id = result.snapshot.clusters[0].id;
    const [, , subscriptionId, , resourceGroup, , provider, clusterType, clusterName] = id.split("/");
    const req = new HttpRequest({
      method: "GET",
      url: `http://localhost/api/clusters${id}`,
      params: { subscriptionId, resourceGroup, provider, clusterType, clusterName },
    });
    const ctx = new InvocationContext({ functionName: "getCluster", traceContext: { traceParent: TRACEPARENT }, logHandler: () => undefined });
    const res = await (options.handler as (r: HttpRequest, c: InvocationContext) => Promise<{ status?: number }>)(req, ctx);
    const [span] = telemetry.spans();
    expect(span.name).toBe(`GET /api/${CLUSTER_ROUTE}`);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.attributes["http.response.status_code"]).toBe(res.status ?? 200);
    const requests = (await telemetry.points()).filter((p) => p.name === METRICS.apiRequests);
    expect(requests).toEqual([
      { name: METRICS.apiRequests, attributes: { route: `/api/${CLUSTER_ROUTE}`, method: "GET", status: String(res.status ?? 200) }, value: 1 },
    ]);
    expect(res.status ?? 200).toBe(200);
    expect(JSON.stringify([span.name, span.attributes, requests])).not.toContain(id.split("/").at(-1));
  });
});
