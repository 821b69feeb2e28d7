import { describe, expect, it } from "vitest";
import { collect, FleetHistoryError, openFleetHistory, type FleetHistory, type FleetHistoryOptions } from "../../shared/store";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { cluster, clusterId, snapshot, SUB_A, SUB_B } from "./fixtures";

const SCOPE_A = `/subscriptions/${SUB_A}`;
const SCOPE_B = `/subscriptions/${SUB_B}`;
const failing = { state: "failing" as const, reason: "InstallationFailed" };

function open(prefix: string, options: Partial<FleetHistoryOptions> = {}): Promise<FleetHistory> {
  return openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix, ...options });
}

/** A two-shard sweep (one subscription each) planned at `minute`. */
async function plan(history: FleetHistory, sweepId: string, minute: number) {
  const startedAt = snapshot([], { minute }).startedAt;
  await history.planShardedSweep({ sweepId, startedAt, scopes: [], shards: 2 });
  return {
    a: (clusters = [cluster("a1", { flux: failing }), cluster("a2")]) => snapshot(clusters, { minute, sweepId, scopes: [SCOPE_A] }),
    b: (clusters = [cluster("b1", {}, { sub: SUB_B })]) => snapshot(clusters, { minute, sweepId, scopes: [SCOPE_B] }),
    shard: (index: number) => ({ sweepId, index, count: 2 }),
  };
}

const events = async (history: FleetHistory, name: string, sub = SUB_A) =>
  (await collect(history.listClusterTransitions(clusterId(name, sub)))).map((t) => `${t.componentName}:${t.event}`);

describe("sharded sweeps", () => {
  it("appear in the sweep list only once every shard is recorded; a late shard never makes the others' clusters missing", async () => {
    const history = await open(uniquePrefix("shard"));
    await history.recordSweep(snapshot([cluster("a1"), cluster("a2"), cluster("b1", {}, { sub: SUB_B })], { minute: 0, sweepId: "whole" }));
    const s = await plan(history, "sharded", 15);

    await history.recordSweep(s.a(), { shard: s.shard(0) });
    expect((await history.finishShardedSweep("sharded")).sweep).toBeUndefined();
    expect((await collect(history.listSweeps())).map((r) => r.sweepId)).toEqual(["whole"]);
    expect((await history.lastCompleteSweep())?.sweepId).toBe("whole");
    // b1 belongs to the late shard: still there, not deleted, not dark.
    expect(await events(history, "b1", SUB_B)).not.toContain("b1:deleted");
    expect((await history.getCluster(clusterId("b1", SUB_B)))?.every((c) => c.state === "healthy" && !c.dark)).toBe(true);

    await history.recordSweep(s.b([]), { shard: s.shard(1) });
    const done = await history.finishShardedSweep("sharded");
    expect(done).toMatchObject({ recorded: 2, shards: 2, sweep: { sweepId: "sharded", partial: false, clusters: 2 } });
    expect((await collect(history.listSweeps())).map((r) => r.sweepId)).toEqual(["sharded", "whole"]);
    // Now b1 is gone from its own shard's complete read: deleted.
    expect(await events(history, "b1", SUB_B)).toContain("b1:deleted");
    expect(await events(history, "a1")).toContain("flux:new-failure");
  });

  it("a shard redelivered after its worker died mid-write neither loses nor doubles a transition", async () => {
    const prefix = uniquePrefix("shardcrash");
    let batches = 0;
    const crashing = await open(prefix, {
      beforeBatch: () => {
        if (++batches === 2) throw new Error("worker killed");
      },
    });
    const s = await plan(crashing, "s1", 0);
    const many = Array.from({ length: 6 }, (_, i) => cluster(`a${i}`, { flux: failing }));
    await expect(crashing.recordSweep(s.a(many), { shard: s.shard(0) })).rejects.toThrow("worker killed");

    const history = await open(prefix);
    const first = await history.recordSweep(s.a(many), { shard: s.shard(0) });
    // A redelivery after the commit (the worker died before deleting the message) writes nothing.
    const again = await history.recordSweep(s.a(many), { shard: s.shard(0) });
    expect(again.transitions).toEqual([]);
    expect(again.sweep).toEqual(first.sweep);
    for (let i = 0; i < 6; i++) {
      const timeline = await events(history, `a${i}`);
      expect(
        timeline.filter((e) => e === "flux:new-failure"),
        `a${i}`,
      ).toHaveLength(1);
      expect(new Set(timeline).size, `a${i}`).toBe(timeline.length);
    }
    const open_ = await collect(history.listComponents({ state: "failing" }));
    expect(open_.filter((c) => c.name === "flux")).toHaveLength(6);
  });

  it("a poisoned shard makes the sweep partial with its error; the other shard's results stand", async () => {
    const history = await open(uniquePrefix("shardpoison"));
    const s = await plan(history, "s1", 0);
    await history.recordSweep(s.a(), { shard: s.shard(0) });
    const error = { scope: SCOPE_B, code: "ShardFailed", message: "shard 1 failed 5 times: timeout" };
    await history.recordFailedShard(s.shard(1), [error]);
    // A late commit of the same shard after its failure was recorded keeps the failure (create, not upsert) and vice versa.
    await history.recordFailedShard(s.shard(1), [{ ...error, message: "again" }]);
    const { sweep } = await history.finishShardedSweep("s1");
    expect(sweep).toMatchObject({ partial: true, partialScopes: [error], clusters: 2 });
    expect(await history.lastCompleteSweep()).toBeUndefined();
    expect(await events(history, "a1")).toContain("flux:new-failure");
  });

  it("of two overlapping sweeps, a shard of the older one cannot undo what the newer recorded", async () => {
    const history = await open(uniquePrefix("shardoverlap"));
    const older = await plan(history, "older", 0);
    const newer = await plan(history, "newer", 15);
    await history.recordSweep(older.a(), { shard: older.shard(0) });
    await history.recordSweep(newer.a([cluster("a1"), cluster("a2")]), { shard: newer.shard(0) });
    await history.recordSweep(newer.b(), { shard: newer.shard(1) });
    const late = history.recordSweep(older.b(), { shard: older.shard(1) });
    await expect(late).rejects.toMatchObject({ code: "SnapshotSuperseded" });
    await expect(late).rejects.toBeInstanceOf(FleetHistoryError);
    expect((await history.finishShardedSweep("newer")).sweep?.partial).toBe(false);
    expect((await events(history, "a1")).filter((e) => e.startsWith("flux:"))).toEqual(["flux:new-failure", "flux:recovered"]);
  });

  it("refuses to finish a sweep that was never planned", async () => {
    const history = await open(uniquePrefix("shardnone"));
    await expect(history.finishShardedSweep("nope")).rejects.toMatchObject({ code: "NotFound" });
  });
});
