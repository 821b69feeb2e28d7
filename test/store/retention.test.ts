import { describe, expect, it } from "vitest";
import { openFleetHistory } from "../../shared/store";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { all, cluster, clusterId, snapshot } from "./fixtures";

const DAY = 24 * 60;

describe("applyRetention", () => {
  it("deletes history older than the retention but never an open failure", async () => {
    const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("ret"), retentionDays: 400 });
    const c2 = { flux: { state: "failing" as const, reason: "InstallationFailed", catalogId: "ext-install-failed" } };
    await history.recordSweep(snapshot([cluster("c1"), cluster("c2", c2)], { minute: 0, sweepId: "d0" }));
    await history.recordSweep(
      snapshot([cluster("c1", { monitor: { state: "failing", reason: "Crash", catalogId: "monitor-crash" } }), cluster("c2", c2)], {
        minute: 5 * DAY,
        sweepId: "d5",
      }),
    );
    await history.recordSweep(snapshot([cluster("c1"), cluster("c2", c2)], { minute: 8 * DAY, sweepId: "d8" }));
    const now = new Date("2026-11-11T00:00:00Z");

    // The configured 400 days keep everything.
    expect(await history.applyRetention({ now })).toBe(0);

    const before = await all(history.listTransitions());
    const deleted = await history.applyRetention({ days: 3, now });
    const kept = await all(history.listTransitions());
    expect(kept.map((t) => `${t.clusterName}/${t.componentName}:${t.event}`).sort()).toEqual(["c1/azuremonitor-containers:recovered", "c2/flux:new-failure"]);
    // 8 old transitions in the clusters' partitions (7 first sightings and the closed failure); the failure's
    // copies under its day, catalog entry and extension type; 2 sweeps.
    expect(before.length - kept.length).toBe(1);
    expect(deleted).toBe(8 + 3 + 2);
    expect((await all(history.listClusterTransitions(clusterId("c2")))).map((t) => t.event)).toEqual(["new-failure"]);
    expect((await all(history.listTransitions({ catalogId: "ext-install-failed" }))).map((t) => t.event)).toEqual(["new-failure"]);
    expect(await all(history.listTransitions({ catalogId: "monitor-crash" }))).toHaveLength(1);
    expect((await all(history.listSweeps())).map((s) => s.sweepId)).toEqual(["d8"]);
    // Current state is never retention's business.
    expect(await all(history.listComponents())).toHaveLength(8);
    expect((await all(history.listComponents({ state: "failing" }))).map((c) => c.firstSeenFailingAt)).toEqual(["2026-11-01T00:00:00.000Z"]);
    await expect(history.applyRetention({ days: 0 })).rejects.toMatchObject({ code: "InvalidConfiguration" });
  });
});
