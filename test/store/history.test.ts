import { describe, expect, it } from "vitest";
import type { TransactionAction } from "@azure/data-tables";
import { countOperations, openFleetHistory, type FleetHistory } from "../../shared/store";
import { packUnits } from "../../shared/store/batches";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { all, cluster, clusterId, firstPage, snapshot } from "./fixtures";

async function openHistory(): Promise<FleetHistory> {
  return openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("hist") });
}

describe("recordSweep", () => {
  it("records the first sweep as appearances and new failures, with current state, timeline and sweep record", async () => {
    const history = await openHistory();
    const first = snapshot([cluster("c1"), cluster("c2", { flux: { state: "failing", reason: "InstallationFailed", catalogId: "ext-install-failed" } })], {
      minute: 0,
    });
    const { sweep, transitions } = await history.recordSweep(first);

    expect(transitions).toHaveLength(8);
    expect(transitions.filter((t) => t.event === "new-failure").map((t) => t.componentName)).toEqual(["flux"]);
    expect(sweep).toMatchObject({ sweepId: first.sweepId, clusters: 2, components: 8, transitions: 8, partial: false, byState: { healthy: 7, failing: 1 } });
    expect(sweep.tableOperations).toBeGreaterThan(0);

    const c2 = await history.getCluster(clusterId("c2"));
    expect(c2).toHaveLength(4);
    const flux = c2!.find((c) => c.name === "flux")!;
    expect(flux).toMatchObject({
      state: "failing",
      reason: "InstallationFailed",
      catalogId: "ext-install-failed",
      firstSeenFailingAt: first.startedAt,
      lastTransitionAt: first.startedAt,
      lastSeenSweepId: first.sweepId,
      lastSeenAt: first.startedAt,
      extensionType: "microsoft.flux",
      clusterName: "c2",
    });
    expect(flux.evidence[0].value).toContain("flux failed");
    // The cluster's own component is keyed by its canonical id whatever the casing Azure returned.
    expect(c2!.find((c) => c.kind === "cluster")!.id).toBe(clusterId("c2"));

    expect(await history.getCluster(clusterId("nope"))).toBeUndefined();
    expect((await all(history.listClusterTransitions(clusterId("c2")))).map((t) => t.event).sort()).toEqual([
      "appeared",
      "appeared",
      "appeared",
      "new-failure",
    ]);
    expect((await all(history.listSweeps())).map((s) => s.sweepId)).toEqual([first.sweepId]);
    expect((await history.lastCompleteSweep())?.sweepId).toBe(first.sweepId);
  });

  it("writes only its bookkeeping when nothing changed, yet moves last-seen", async () => {
    const history = await openHistory();
    const fleet = [cluster("c1"), cluster("c2", { monitor: { state: "degraded", reason: "Degraded" } })];
    await history.recordSweep(snapshot(fleet, { minute: 0 }));
    const again = snapshot(fleet, { minute: 15 });
    const { sweep, transitions } = await history.recordSweep(again);
    expect(transitions).toEqual([]);
    expect(sweep.transitions).toBe(0);
    expect(sweep.tableOperations).toBeLessThanOrEqual(4);
    const c1 = await history.getCluster(clusterId("c1"));
    expect(c1!.every((c) => c.lastSeenSweepId === again.sweepId && c.lastTransitionAt === "2026-11-01T00:00:00.000Z")).toBe(true);
    // First sightings that are not failures stay in the cluster timelines; the fleet-wide index holds the failure.
    expect((await all(history.listTransitions())).map((t) => `${t.clusterName}/${t.componentName}:${t.event}`)).toEqual([
      "c2/azuremonitor-containers:new-failure",
    ]);
  });

  it("records every kind of state change with the duration of the state it ends", async () => {
    const history = await openHistory();
    const fail = (reason: string, catalogId: string | null) => ({ state: "failing" as const, reason, catalogId });
    const steps = [
      cluster("c1"),
      cluster("c1", { flux: fail("InstallationFailed", "ext-install-failed"), monitor: { state: "pending", reason: "Provisioning" } }),
      cluster("c1", { flux: fail("HelmTimeout", "helm-timeout"), monitor: { state: "healthy" } }),
      cluster("c1", { flux: { state: "unknown", reason: "UnknownValue", catalogId: null } }),
      cluster("c1"),
    ];
    for (const [i, c] of steps.entries()) await history.recordSweep(snapshot([c], { minute: i * 10 }));

    const flux = (await all(history.listClusterTransitions(clusterId("c1")))).filter((t) => t.componentName === "flux");
    expect(flux.map((t) => t.event)).toEqual(["appeared", "new-failure", "changed-failure", "state-changed", "recovered"]);
    expect(flux.map((t) => t.previousDurationMs)).toEqual([undefined, 600_000, 600_000, 600_000, 600_000]);
    expect(flux[2]).toMatchObject({ catalogId: "helm-timeout", endedCatalogId: "ext-install-failed" });
    // A failure that passed through unknown still recovers, and the episode is measured from its start.
    expect(flux[4]).toMatchObject({ from: "unknown", to: "healthy", endedCatalogId: null, failureDurationMs: 30 * 60_000 });
    const monitor = (await all(history.listClusterTransitions(clusterId("c1")))).filter((t) => t.componentName === "azuremonitor-containers");
    expect(monitor.map((t) => `${t.event}:${t.to}`)).toEqual(["appeared:healthy", "state-changed:pending", "state-changed:healthy"]);

    const byCatalog = await all(history.listTransitions({ catalogId: "ext-install-failed" }));
    expect(byCatalog.map((t) => t.event)).toEqual(["new-failure", "changed-failure"]);
    const window = await all(history.listTransitions({ from: new Date("2026-11-01T00:10:00Z"), to: new Date("2026-11-01T00:30:00Z") }));
    expect(window.map((t) => t.at)).toEqual(["2026-11-01T00:10:00.000Z", "2026-11-01T00:10:00.000Z", "2026-11-01T00:20:00.000Z", "2026-11-01T00:20:00.000Z"]);
    // The extension index keeps failure-related transitions only: not the monitor's pending phase.
    expect(await all(history.listTransitions({ extensionType: "microsoft.azuremonitor.containers" }))).toEqual([]);
    const byExtension = await all(history.listTransitions({ extensionType: "microsoft.flux" }));
    expect(byExtension.map((t) => t.event)).toEqual(["new-failure", "changed-failure", "state-changed", "recovered"]);
  });

  it("answers open failures, catalog and extension filters from the index, and the rest by scan", async () => {
    const history = await openHistory();
    await history.recordSweep(
      snapshot([
        cluster("c1", { flux: { state: "failing", reason: "InstallationFailed", catalogId: "ext-install-failed" } }),
        cluster("c2", { monitor: { state: "degraded", reason: "Degraded", catalogId: "monitor-degraded" } }),
        cluster("c3"),
      ]),
    );
    expect((await all(history.listComponents({ state: "failing" }))).map((c) => c.clusterName)).toEqual(["c1"]);
    expect((await all(history.listComponents({ catalogId: "monitor-degraded" }))).map((c) => c.name)).toEqual(["azuremonitor-containers"]);
    expect(await all(history.listComponents({ state: "healthy", kind: "cluster" }))).toHaveLength(3);
    expect(await all(history.listComponents({ extensionType: "MICROSOFT.FLUX" }))).toHaveLength(3);
    expect(await all(history.listComponents())).toHaveLength(12);
    const failing = await all(history.listComponents({ state: "failing" }));
    expect(failing[0].lastSeenSweepId).not.toBe("");
  });

  it("rejects a malformed snapshot before writing anything", async () => {
    const history = await openHistory();
    const bad = snapshot([cluster("c1")]);
    (bad.clusters[0].components[1] as { state: string }).state = "broken";
    await expect(history.recordSweep(bad)).rejects.toMatchObject({ code: "InvalidSnapshot", message: expect.stringContaining('"broken"') });
    const empty = snapshot([cluster("c2")]);
    empty.clusters[0].components = [];
    await expect(history.recordSweep(empty)).rejects.toMatchObject({ code: "InvalidSnapshot", message: expect.stringContaining("has no components") });
    await expect(history.recordSweep({ ...snapshot([]), startedAt: "yesterday" })).rejects.toMatchObject({ code: "InvalidSnapshot" });
    expect(await all(history.listSweeps())).toEqual([]);
    expect(await all(history.listComponents())).toEqual([]);
  });

  it("orders by instant whatever ISO form the times come in", async () => {
    const history = await openHistory();
    await history.recordSweep({ ...snapshot([cluster("c1")]), startedAt: "2026-11-01T09:00:00Z", finishedAt: "2026-11-01T09:00:30Z" });
    await history.recordSweep({
      ...snapshot([cluster("c1", { flux: { state: "failing", reason: "X" } })]),
      startedAt: "2026-11-01T10:00:00.5+01:00",
      finishedAt: "2026-11-01T10:01:00+01:00",
    });
    await expect(
      history.recordSweep({ ...snapshot([cluster("c1")]), startedAt: "2026-11-01T09:00:00.250+00:00", finishedAt: "2026-11-01T09:01:00Z" }),
    ).rejects.toMatchObject({ code: "SnapshotSuperseded" });
    const timeline = await all(history.listClusterTransitions(clusterId("c1")));
    expect(timeline.at(-1)).toMatchObject({ event: "new-failure", at: "2026-11-01T09:00:00.500Z", previousDurationMs: 500 });
  });

  it("pages sweeps newest first", async () => {
    const history = await openHistory();
    for (let i = 0; i < 3; i++) await history.recordSweep(snapshot([cluster("c1")], { minute: i, sweepId: `s${i}` }));
    const first = await firstPage(history.listSweeps(), { maxPageSize: 2 });
    expect(first.map((s) => s.sweepId)).toEqual(["s2", "s1"]);
    const second = await firstPage(history.listSweeps(), { maxPageSize: 2, continuationToken: first.continuationToken });
    expect(second.map((s) => s.sweepId)).toEqual(["s0"]);
    expect(second.continuationToken).toBeUndefined();
  });
});

describe("diffSnapshot", () => {
  it("names the components a snapshot would change, with their stored and next state, and writes nothing", async () => {
    const history = await openHistory();
    await history.recordSweep(snapshot([cluster("c1"), cluster("c2")], { minute: 0 }));
    const same = await countOperations(() => history.diffSnapshot(snapshot([cluster("c1"), cluster("c2")], { minute: 5 })));
    expect(same.result).toEqual([]);
    // The meta state only: no cluster is read when no hash changed.
    expect(same.operations).toBe(1);

    const next = snapshot([cluster("c1", { flux: { state: "failing", reason: "InstallationFailed" } }), cluster("c2")], { minute: 10 });
    const changes = await history.diffSnapshot(next);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      clusterId: clusterId("c1"),
      kind: "extension",
      events: ["new-failure"],
      previous: { state: "healthy", name: "flux" },
      next: { state: "failing", reason: "InstallationFailed" },
    });
    expect(changes[0].componentId).toBe(`${clusterId("c1")}/providers/microsoft.kubernetesconfiguration/extensions/flux`);
    expect(await all(history.listClusterTransitions(clusterId("c1")))).toHaveLength(4);

    const recorded = await history.recordSweep(next);
    expect(recorded.transitions.map((t) => t.event)).toEqual(["new-failure"]);
  });
});

describe("transactions", () => {
  it("packs a partition's writes into transactions of at most 100, never splitting a component's unit", () => {
    const unit = (n: number, size = 10): TransactionAction[] =>
      Array.from({ length: n }, (_, i) => ["upsert", { partitionKey: "p", rowKey: `${n}-${i}`, v: "x".repeat(size) }]);
    const batches = packUnits([unit(3), ...Array.from({ length: 48 }, () => unit(2)), unit(3), unit(3)]);
    expect(batches.map((b) => b.length)).toEqual([99, 6]);
    // Size splits too: four rows of ~1.2 MB do not fit one 4 MB request.
    expect(packUnits([unit(1, 1_200_000), unit(1, 1_200_000), unit(1, 1_200_000), unit(1, 1_200_000)]).map((b) => b.length)).toEqual([2, 2]);
  });

  it("writes a cluster with more than 100 changed rows in several transactions, and all of it", async () => {
    const batches: Array<{ partitionKey: string; operations: number }> = [];
    const history = await openFleetHistory({
      connectionString: tablesConnection(),
      tablePrefix: uniquePrefix("big"),
      beforeBatch: (b) => void batches.push(b),
    });
    const big = cluster("big");
    for (let i = 0; i < 70; i++)
      big.components.push({ ...big.components[3], id: `${big.components[3].id}/objects/kustomization/ns/app${i}`, kind: "fluxObject", name: `app${i}` });
    const { transitions } = await history.recordSweep(snapshot([big]));
    expect(transitions).toHaveLength(74);
    const own = batches.filter((b) => !b.partitionKey.includes("~"));
    expect(own.map((b) => b.operations)).toEqual([100, 48]);
    expect(await history.getCluster(clusterId("big"))).toHaveLength(74);
    expect(await all(history.listClusterTransitions(clusterId("big")))).toHaveLength(74);
  });
});
