import { describe, expect, it } from "vitest";
import { classify } from "../../shared/catalog";
import { EXTENSION_TYPES, FleetError, SimulatedFleet, componentId } from "../../dev/simulator";
import { argRow, armDocument, pascalize } from "../../dev/simulator/render";

const ctx = (_fleet: SimulatedFleet) => ({ now: Date.UTC(2026, 10, 22), malformed: new Map() });

describe("the synthetic fleet", () => {
  it("is deterministic for a seed, document for document", () => {
    const a = new SimulatedFleet({ clusters: 60, seed: 5 });
    const b = new SimulatedFleet({ clusters: 60, seed: 5 });
    const render = (f: SimulatedFleet) => JSON.stringify([...f.components()].map((r) => armDocument(r, ctx(f))));
    expect(render(a)).toBe(render(b));
    expect(a.summary()).toEqual(b.summary());
    expect(render(new SimulatedFleet({ clusters: 60, seed: 6 }))).not.toBe(render(a));
  });

  it("has the documented defaults: 200 clusters, half Arc, a subscription per 100, one management group", () => {
    const fleet = new SimulatedFleet();
    expect(fleet.clusters).toHaveLength(200);
    const arc = fleet.clusters.filter((c) => c.kind === "arc").length;
    expect(arc).toBeGreaterThan(70);
    expect(arc).toBeLessThan(130);
    expect(fleet.subscriptions).toHaveLength(2);
    for (const s of fleet.subscriptions) expect(s).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fleet.managementGroups).toEqual({ "fleet-mg": fleet.subscriptions });
    for (const c of fleet.clusters) {
      expect(c.components.filter((k) => k.kind === "extension").map((k) => k.extensionType)).toEqual(EXTENSION_TYPES.map((e) => e.type));
      expect(c.components.filter((k) => k.kind === "flux")).toHaveLength(2);
    }
    expect(fleet.clusters.some((c) => c.components.some((k) => k.kind === "sourceControl"))).toBe(true);
    const { components, failedComponents } = fleet.summary();
    expect(failedComponents / components).toBeGreaterThan(0.02);
    expect(failedComponents / components).toBeLessThan(0.09);
  });

  it("includes every cluster-level state the collector must judge", () => {
    const fleet = new SimulatedFleet({ clusters: 2000, failureRate: 0.1 });
    const now = Date.UTC(2026, 10, 22);
    const arcProps = fleet.clusters
      .filter((c) => c.kind === "arc")
      .map((c) => armDocument({ id: c.id, cluster: c }, { now, malformed: new Map() }).properties as Record<string, string>);
    expect(new Set(arcProps.map((p) => p.connectivityStatus))).toEqual(new Set(["Connected", "Connecting", "Offline", "Expired"]));
    expect(arcProps.some((p) => (p.arcAgentProfile as unknown as { agentState: string }).agentState === "Failed")).toBe(true);
    expect(arcProps.some((p) => p.connectivityStatus === "Connected" && now - Date.parse(p.lastConnectivityTime) > 3_600_000)).toBe(true);
    expect(
      arcProps.some(
        (p) => Date.parse(p.managedIdentityCertificateExpirationTime) - now < 7 * 86_400_000 && Date.parse(p.managedIdentityCertificateExpirationTime) > now,
      ),
    ).toBe(true);
    expect(arcProps.some((p) => p.provisioningState === "Failed")).toBe(true);
    const aksProps = fleet.clusters
      .filter((c) => c.kind === "aks")
      .map(
        (c) => armDocument({ id: c.id, cluster: c }, { now, malformed: new Map() }).properties as { powerState: { code: string }; provisioningState: string },
      );
    expect(aksProps.some((p) => p.powerState.code === "Stopped")).toBe(true);
    expect(aksProps.some((p) => p.provisioningState === "Failed")).toBe(true);
    expect(aksProps.some((p) => p.provisioningState === "Updating")).toBe(true);
  });

  it("uses failure messages the catalog classifier recognises as the documented error", () => {
    const fleet = new SimulatedFleet({ clusters: 400, failureRate: 0.3 });
    const checked = new Set<string>();
    for (const { cluster, component } of fleet.components()) {
      const f = component.failure;
      if (!f || checked.has(`${component.extensionType}|${f.catalogId}|${f.code}`)) continue;
      checked.add(`${component.extensionType}|${f.catalogId}|${f.code}`);
      const result = classify(f.message, {
        component: component.kind === "extension" ? "extension" : "flux",
        extensionType: component.extensionType,
        code: f.code,
        clusterKind: cluster.kind,
      });
      expect({ message: f.message, catalogId: result.catalogId }).toEqual({ message: f.message, catalogId: f.catalogId });
    }
    expect(checked.size).toBeGreaterThan(20);
  });

  it("renders a failing extension in one of the three ways Azure wraps agent errors", () => {
    const fleet = new SimulatedFleet({ clusters: 300, failureRate: 0.3 });
    const shapes = new Set<string>();
    for (const ref of fleet.components()) {
      if (ref.component.kind !== "extension" || ref.component.status !== "failed") continue;
      const p = armDocument(ref, ctx(fleet)).properties as {
        provisioningState: string;
        statuses: Array<{ message: string }>;
        errorInfo: { code: string; details: Array<{ message: string }> } | null;
      };
      expect(p.provisioningState).toBe("Failed");
      const text = p.statuses[0]?.message ?? p.errorInfo?.details[0].message;
      expect(text).toContain(ref.component.failure!.message);
      shapes.add(p.errorInfo ? (p.statuses.length ? "statuses+errorInfo" : "errorInfo") : "statuses");
      if (p.errorInfo?.code === "ExtensionOperationFailed") expect(p.statuses[0].message).toMatch(/^The extension operation failed with the following error: /);
      if (p.errorInfo?.code === "ResourceOperationFailure") expect(p.errorInfo.details[0].message).toMatch(/^InnerError \[/);
    }
    expect(shapes).toEqual(new Set(["statuses", "statuses+errorInfo", "errorInfo"]));
  });

  it("PascalCases extension rows for Resource Graph but keeps user maps and scope keys", () => {
    expect(
      pascalize({
        extensionType: "x",
        scope: { cluster: { releaseNamespace: "ns" } },
        configurationSettings: { "a.b": "1" },
        statuses: [{ code: "c", level: "Error" }],
        errorInfo: { details: [{ message: "m" }] },
      }),
    ).toEqual({
      ExtensionType: "x",
      Scope: { cluster: { ReleaseNamespace: "ns" } },
      ConfigurationSettings: { "a.b": "1" },
      Statuses: [{ Code: "c", Level: "Error" }],
      ErrorInfo: { Details: [{ Message: "m" }] },
    });
    const fleet = new SimulatedFleet({ clusters: 2 });
    const flux = [...fleet.components()].find((r) => r.component.kind === "flux")!;
    expect(argRow(flux, ctx(fleet)).properties).toHaveProperty("complianceState");
    expect(argRow(flux, ctx(fleet)).resourceGroup).toBe(flux.cluster.resourceGroup.toLowerCase());
  });
});

describe("fleet mutations", () => {
  const extensionOf = (fleet: SimulatedFleet, name: string) => componentId(fleet.clusters[0], { kind: "extension", name });

  it("fails a component with a given message and recovers it", () => {
    const fleet = new SimulatedFleet({ clusters: 3, failureRate: 0 });
    const id = extensionOf(fleet, "osm");
    const before = fleet.version;
    fleet.fail(id, { message: "something new broke" });
    expect(fleet.get(id)?.component).toMatchObject({ status: "failed", failure: { message: "something new broke", catalogId: null } });
    expect(fleet.version).toBeGreaterThan(before);
    fleet.recover(id);
    expect(fleet.get(id)?.component).toMatchObject({ status: "ok", failure: undefined });
    fleet.fail(id);
    expect(fleet.get(id)?.component?.failure?.catalogId).toBeTruthy();
  });

  it("deletes components and clusters, and adds clusters", () => {
    const fleet = new SimulatedFleet({ clusters: 3 });
    const id = extensionOf(fleet, "dapr");
    fleet.remove(id);
    expect(fleet.get(id)).toBeUndefined();
    const cluster = fleet.clusters[1];
    fleet.remove(cluster.id);
    expect(fleet.get(cluster.id)).toBeUndefined();
    expect(fleet.get(componentId(cluster, { kind: "flux", name: "cluster-config" }))).toBeUndefined();
    const added = fleet.addClusters(2, { kind: "arc" });
    expect(added.map((c) => c.kind)).toEqual(["arc", "arc"]);
    expect(fleet.clusters).toHaveLength(4);
    expect(new Set(fleet.clusters.map((c) => c.name)).size).toBe(4);
    expect(fleet.get(added[0].id.toUpperCase())?.cluster).toBe(added[0]);
    const outside = "00000000-0000-4000-a000-000000000001";
    fleet.addClusters(1, { subscriptionId: outside });
    expect(fleet.subscriptions).toContain(outside);
    expect(Object.values(fleet.managementGroups).flat()).not.toContain(outside);
  });

  it("takes an Arc cluster offline and refuses to for AKS", () => {
    const fleet = new SimulatedFleet({ clusters: 10, failureRate: 0 });
    const arc = fleet.clusters.find((c) => c.kind === "arc")!;
    fleet.takeOffline(arc.id, 3 * 3_600_000);
    const now = Date.UTC(2026, 10, 22);
    const p = armDocument({ id: arc.id, cluster: arc }, { now, malformed: new Map() }).properties as Record<string, string>;
    expect(p.connectivityStatus).toBe("Offline");
    expect(p.lastConnectivityTime).toBe(new Date(now - 3 * 3_600_000).toISOString());
    const aks = fleet.clusters.find((c) => c.kind === "aks")!;
    expect(() => fleet.takeOffline(aks.id)).toThrow(FleetError);
    fleet.recover(arc.id);
    expect(arc.connectivityStatus).toBe("Connected");
  });

  it("sets Arc agent errors", () => {
    const fleet = new SimulatedFleet({ clusters: 10, failureRate: 0 });
    const arc = fleet.clusters.find((c) => c.kind === "arc")!;
    fleet.setAgentErrors(arc.id, [{ code: "Strato", message: "Upgrade failed for agent extension Strato, version not found", catalogId: null }]);
    const profile = (
      armDocument({ id: arc.id, cluster: arc }, ctx(fleet)).properties as { arcAgentProfile: { agentState: string; agentErrors: Array<{ message: string }> } }
    ).arcAgentProfile;
    expect(profile.agentState).toBe("Failed");
    expect(profile.agentErrors[0].message).toBe("Upgrade failed for agent extension Strato, version not found");
  });

  it("churns the given fraction of components, deterministically", () => {
    const a = new SimulatedFleet({ clusters: 500 });
    const b = new SimulatedFleet({ clusters: 500 });
    const total = a.summary().components;
    const changed = a.churn(0.1, 3);
    expect(b.churn(0.1, 3)).toBe(changed);
    expect(changed / total).toBeGreaterThan(0.08);
    expect(changed / total).toBeLessThan(0.12);
    expect(a.summary()).toEqual(b.summary());
  });

  it("throws a FleetError for ids it does not hold", () => {
    const fleet = new SimulatedFleet({ clusters: 1 });
    expect(() => fleet.fail("/subscriptions/x/nope")).toThrow(FleetError);
    expect(() => fleet.recover("/subscriptions/x/nope")).toThrow(/no resource/);
    expect(() => fleet.remove("/subscriptions/x/nope")).toThrow(FleetError);
  });
});
