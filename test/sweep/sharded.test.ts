/** Sharded sweeps end to end: the planner against the simulator, workers recording shards into Azurite. */
import { afterEach, describe, expect, it } from "vitest";
import { buildDigest } from "../../shared/digest";
import { collect } from "../../shared/store";
import { parseScopes } from "../../shared/core/config";
import { failShard, sweepShard } from "../../shared/sweep/sharded";
import { plannedFleet, stopSimulators } from "./support";

afterEach(stopSimulators);

const setup = () => plannedFleet({ clusters: 40, subscriptions: 6, extensionsPerCluster: 2, fluxPerCluster: 1, failureRate: 0.2, seed: 7 }, "sharded");

describe("sharded sweeps against the simulator and Azurite", () => {
  it("a small fleet keeps today's path: inline, and no count query once its size is known", async () => {
    const { sim, plan, queued } = await setup();
    // The first sweep ever counts (one query) before sweeping inline; later ones know the size and do not.
    expect((await plan(1000)).mode).toBe("inline");
    const first = sim.stats.argQueries;
    expect((await plan(1000)).mode).toBe("inline");
    expect(sim.stats.argQueries - first).toBe(first - 1);
    expect(queued).toEqual([]);
  });

  it("a larger fleet is planned in shards; the sweep completes when the last shard is recorded, readers keep the last complete one meanwhile", async () => {
    const { sim, history, base, queued, plan } = await setup();
    const first = await plan(1000);
    expect(first.mode).toBe("inline");
    const before = sim.stats.argQueries;
    const planned = await plan(12);
    if (planned.mode !== "sharded") throw new Error("expected a sharded sweep");
    expect(sim.stats.argQueries - before).toBe(1); // one count query for the one subscription batch
    expect(planned.shards.reduce((n, s) => n + s.clusters, 0)).toBe(40);
    expect(queued.map((m) => m.index)).toEqual(planned.shards.map((_, i) => i));

    const [head, ...rest] = queued;
    // Digest windows end on a whole second: start the next one, so the inline sweep is inside both.
    await new Promise((r) => setTimeout(r, 1001 - (Date.now() % 1000)));
    const digestBefore = await buildDigest({ history, since: 3_600_000 });
    const one = await sweepShard(head, base);
    expect(one.progress).toMatchObject({ recorded: 1, shards: queued.length });
    // In flight: the list and the last complete sweep are still the inline one; nothing went missing.
    const inline = first.mode === "inline" ? first.result.summary.sweepId : "";
    expect((await history.lastCompleteSweep())?.sweepId).toBe(inline);
    expect((await collect(history.listSweeps())).map((s) => s.sweepId)).toEqual([inline]);
    const transitions = await collect(history.listTransitions({ from: new Date(planned.startedAt) }));
    expect(transitions.filter((t) => t.event === "deleted" || t.event === "went-dark")).toEqual([]);
    // A digest built now reports the last complete sweep and no new gap: the in-flight sweep is not a partial one.
    const digest = await buildDigest({ history, since: 3_600_000 });
    expect(digest.coverage.latestSweep?.sweepId).toBe(inline);
    expect(digest.coverage.gaps).toEqual(digestBefore.coverage.gaps);

    let last;
    for (const message of rest) last = await sweepShard(message, base);
    expect(last?.progress.sweep).toMatchObject({ sweepId: planned.sweepId, clusters: 40, partial: false });
    expect((await history.lastCompleteSweep())?.sweepId).toBe(planned.sweepId);
  });

  it("the count query follows Resource Graph's pages ($skipToken): every subscription is counted when they span several pages", async () => {
    const { sim, plan } = await setup();
    await plan(1000);
    const before = sim.stats.argQueries;
    // 6 subscriptions, 2 rows a page: three pages of one query (Resource Graph's own limit is 1000 rows a page).
    const planned = await plan(12, { pageSize: 2 });
    if (planned.mode !== "sharded") throw new Error("expected a sharded sweep");
    expect(sim.stats.argQueries - before).toBe(3);
    expect(planned.shards.flatMap((s) => s.subscriptions)).toHaveLength(6);
    expect(planned.shards.reduce((n, s) => n + s.clusters, 0)).toBe(40);
  });

  it("a poisoned shard leaves its subscriptions partial with the error; the other shards complete the sweep", async () => {
    const { history, base, queued, plan } = await setup();
    await plan(1000);
    const planned = await plan(12);
    if (planned.mode !== "sharded") throw new Error("expected a sharded sweep");
    const [poisoned, ...rest] = queued;
    for (const message of rest) await sweepShard(message, base);
    const errors = poisoned.subscriptions.map((s) => ({ scope: `/subscriptions/${s}`, code: "ShardFailed", message: "failed 5 times" }));
    const progress = await failShard(poisoned, errors, history);
    expect(progress.sweep).toMatchObject({ partial: true, partialScopes: errors, clusters: 40 - planned.shards[0].clusters });
    // The poisoned shard's clusters keep their last state: nothing deleted.
    const transitions = await collect(history.listTransitions({ from: new Date(planned.startedAt) }));
    expect(transitions.filter((t) => t.event === "deleted")).toEqual([]);
  });

  it("starts no sweep while a sharded one is in flight, and completes one whose messages were lost as partial", async () => {
    const { history, base, queued, plan } = await setup();
    await plan(1000);
    const planned = await plan(12);
    if (planned.mode !== "sharded") throw new Error("expected a sharded sweep");
    await sweepShard(queued[0], base);
    const sent = queued.length;
    // Sweeps are recorded in order: the timer waits for the sweep in flight rather than pile up shards behind it.
    expect(await plan(12)).toMatchObject({ mode: "busy", progress: { sweepId: planned.sweepId, recorded: 1 } });
    expect(queued).toHaveLength(sent);
    // The other messages were lost: past the abandon time their shards are recorded as failed and a new sweep starts.
    const next = await plan(12, { abandonAfterMs: 0 });
    expect(next.mode).not.toBe("busy");
    const abandoned = (await collect(history.listSweeps())).find((r) => r.sweepId === planned.sweepId)!;
    expect(abandoned).toMatchObject({ sweepId: planned.sweepId, partial: true, clusters: planned.shards[0].clusters });
    expect(abandoned.partialScopes[0]).toMatchObject({ code: "ShardLost" });
  });

  it("a subscription that left the management group has its clusters recorded as deleted, as an inline sweep would", async () => {
    const { sim, history, base, queued, plan } = await setup();
    const scopes = parseScopes("/providers/Microsoft.Management/managementGroups/fleet-mg");
    await plan(1000, { scopes });
    const [gone, ...kept] = sim.fleet.managementGroups["fleet-mg"];
    sim.fleet.managementGroups["fleet-mg"] = kept;
    const before = await collect(history.listComponents());
    const leaving = before.filter((c) => c.subscriptionId === gone.toLowerCase());
    expect(leaving.length).toBeGreaterThan(0);

    const planned = await plan(12, { scopes });
    if (planned.mode !== "sharded") throw new Error("expected a sharded sweep");
    expect(queued.flatMap((m) => m.left ?? [])).toEqual([gone.toLowerCase()]);
    expect(queued.flatMap((m) => m.subscriptions)).not.toContain(gone.toLowerCase());
    let last;
    for (const message of queued) last = await sweepShard(message, { ...base, scopes });
    expect(last?.progress.sweep).toMatchObject({ partial: false, clusters: 40 - new Set(leaving.map((c) => c.clusterId)).size });
    // Neither silently kept (as healthy or otherwise) nor silently dropped: each component has a deleted transition.
    const deleted = (await collect(history.listTransitions({ from: new Date(planned.startedAt) }))).filter((t) => t.event === "deleted");
    expect(deleted.map((t) => t.componentId).sort()).toEqual(leaving.map((c) => c.id).sort());
    const after = await collect(history.listComponents());
    expect(after.filter((c) => c.subscriptionId === gone.toLowerCase())).toEqual([]);
  });
});
