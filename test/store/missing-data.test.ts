import { describe, expect, it } from "vitest";
import { openFleetHistory, type FleetHistory } from "../../shared/store";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { all, cluster, clusterId, snapshot, SUB_A, SUB_B } from "./fixtures";

async function openHistory(): Promise<FleetHistory> {
  return openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("miss") });
}

const failedScope = (sub: string) => [{ scope: `/subscriptions/${sub}`, code: "AuthorizationFailed", message: "no read access" }];
const stateOf = async (history: FleetHistory, name: string, component: string, sub = SUB_A) =>
  (await history.getCluster(clusterId(name, sub)))?.find((c) => c.name === component);

describe("missing data is not recovery", () => {
  it("keeps the state of clusters in a scope that failed, and of components the collector could not read", async () => {
    const history = await openHistory();
    const failing = { state: "failing" as const, reason: "InstallationFailed" };
    await history.recordSweep(snapshot([cluster("a1", { flux: failing }), cluster("b1", { flux: failing }, { sub: SUB_B })], { minute: 0 }));

    // Subscription B failed: b1 is missing altogether; a1 reports flux as not read.
    const partial = snapshot([cluster("a1", { flux: { state: "unknown", reason: "NotRead" } })], { minute: 10, partialScopes: failedScope(SUB_B) });
    const { transitions, sweep } = await history.recordSweep(partial);
    expect(transitions).toEqual([]);
    expect(sweep).toMatchObject({ partial: true, partialScopes: failedScope(SUB_B) });
    expect(await stateOf(history, "a1", "flux")).toMatchObject({ state: "failing", reason: "InstallationFailed" });
    expect(await stateOf(history, "b1", "flux", SUB_B)).toMatchObject({ state: "failing", lastSeenSweepId: expect.not.stringMatching(partial.sweepId) });
    expect((await history.lastCompleteSweep())?.sweepId).not.toBe(partial.sweepId);

    // A management-group scope that failed may hold any subscription: nothing missing is deleted.
    const mgFailed = snapshot([], {
      minute: 20,
      partialScopes: [{ scope: "/providers/Microsoft.Management/managementGroups/fleet", code: "Throttled", message: "429" }],
    });
    expect((await history.recordSweep(mgFailed)).transitions).toEqual([]);
    expect(await history.getCluster(clusterId("a1"))).toHaveLength(4);
  });

  it("deletes (never recovers) what disappears from a complete sweep", async () => {
    const history = await openHistory();
    await history.recordSweep(snapshot([cluster("a1", { flux: { state: "failing", reason: "InstallationFailed" } }), cluster("a2")], { minute: 0 }));
    // a1 loses its Flux configuration; a2 is gone.
    const { transitions } = await history.recordSweep(
      snapshot([cluster("a1", { flux: { state: "failing", reason: "InstallationFailed" }, config: null })], { minute: 5 }),
    );
    expect(transitions.map((t) => `${t.clusterName}/${t.componentName}:${t.event}:${t.from}>${t.to}`).sort()).toEqual([
      "a1/cluster-config:deleted:healthy>deleted",
      "a2/a2:deleted:healthy>deleted",
      "a2/azuremonitor-containers:deleted:healthy>deleted",
      "a2/cluster-config:deleted:healthy>deleted",
      "a2/flux:deleted:healthy>deleted",
    ]);
    expect(transitions.every((t) => t.previousDurationMs === 300_000)).toBe(true);
    expect(await history.getCluster(clusterId("a2"))).toBeUndefined();
    expect(await history.getCluster(clusterId("a1"))).toHaveLength(3);
    expect((await all(history.listClusterTransitions(clusterId("a2")))).map((t) => t.event).sort()).toEqual([
      "appeared",
      "appeared",
      "appeared",
      "appeared",
      "deleted",
      "deleted",
      "deleted",
      "deleted",
    ]);
    // A failing component that is deleted leaves the open failures.
    await history.recordSweep(snapshot([], { minute: 10 }));
    expect(await all(history.listComponents({ state: "failing" }))).toEqual([]);
  });

  it("leaves clusters of subscriptions the sweep did not ask about untouched", async () => {
    const history = await openHistory();
    await history.recordSweep(snapshot([cluster("a1"), cluster("b1", {}, { sub: SUB_B })], { minute: 0 }));
    const { transitions } = await history.recordSweep(snapshot([cluster("a1")], { minute: 5, scopes: [`/subscriptions/${SUB_A}`] }));
    expect(transitions).toEqual([]);
    expect(await history.getCluster(clusterId("b1", SUB_B))).toHaveLength(4);
  });

  it("marks the components of an Arc cluster that went dark, keeps their last known state, and records its return", async () => {
    const history = await openHistory();
    await history.recordSweep(snapshot([cluster("a1", { flux: { state: "failing", reason: "InstallationFailed" } })], { minute: 0 }));
    // Offline: what Azure still shows for the extensions is stale (here it claims flux is fine and no longer lists the configuration).
    const offline = cluster("a1", { cluster: { state: "failing", reason: "Offline", catalogId: "arc-offline" }, config: null });
    const dark = await history.recordSweep(snapshot([offline], { minute: 30 }));
    expect(dark.transitions.map((t) => `${t.componentName}:${t.event}:${t.from}>${t.to}`).sort()).toEqual([
      "a1:new-failure:healthy>failing",
      "a1:went-dark:healthy>failing",
      "azuremonitor-containers:went-dark:healthy>healthy",
      "cluster-config:went-dark:healthy>healthy",
      "flux:went-dark:failing>failing",
    ]);
    const flux = await stateOf(history, "a1", "flux");
    expect(flux).toMatchObject({
      state: "failing",
      reason: "InstallationFailed",
      dark: true,
      darkSince: "2026-11-01T00:30:00.000Z",
      lastTransitionAt: "2026-11-01T00:00:00.000Z",
    });
    // Still dark: nothing new.
    expect((await history.recordSweep(snapshot([offline], { minute: 45 }))).transitions).toEqual([]);

    const back = await history.recordSweep(snapshot([cluster("a1")], { minute: 90 }));
    expect(back.transitions.map((t) => `${t.componentName}:${t.event}:${t.from}>${t.to}:${t.previousDurationMs}`).sort()).toEqual([
      "a1:came-back:failing>healthy:3600000",
      "a1:recovered:failing>healthy:3600000",
      "azuremonitor-containers:came-back:healthy>healthy:3600000",
      "cluster-config:came-back:healthy>healthy:3600000",
      "flux:came-back:failing>healthy:3600000",
      "flux:recovered:failing>healthy:5400000",
    ]);
    expect(back.transitions.find((t) => t.componentName === "flux" && t.event === "recovered")).toMatchObject({ failureDurationMs: 5_400_000 });
    const now = await history.getCluster(clusterId("a1"));
    expect(now!.every((c) => c.dark === undefined && c.state === "healthy")).toBe(true);
  });
  it("records the components of an Arc cluster first seen while dark as Azure last reported them, marked dark", async () => {
    const history = await openHistory();
    const offline = cluster("a1", {
      cluster: { state: "failing", reason: "Offline", catalogId: "arc-offline" },
      flux: { state: "failing", reason: "InstallationFailed" },
    });
    const first = await history.recordSweep(snapshot([offline], { minute: 0 }));
    expect(
      first.transitions
        .filter((t) => t.componentName === "flux")
        .map((t) => t.event)
        .sort(),
    ).toEqual(["new-failure", "went-dark"]);
    const stored = await history.getCluster(clusterId("a1"));
    expect(stored).toHaveLength(4);
    expect(stored!.filter((c) => c.kind !== "cluster").every((c) => c.dark === true)).toBe(true);
    expect(await stateOf(history, "a1", "flux")).toMatchObject({ state: "failing", dark: true });
    // Still dark: nothing new.
    expect((await history.recordSweep(snapshot([offline], { minute: 15 }))).transitions).toEqual([]);
  });
});
