import { describe, expect, it } from "vitest";
import { collect, FleetHistoryError, openFleetHistory, type FleetHistory, type FleetHistoryOptions } from "../../shared/store";
import { tableClient } from "../../shared/store/tables";
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

  it("shards of one sweep write at once, each under its own lease; the last to finish merges them", async () => {
    const prefix = uniquePrefix("shardparallel");
    // Each shard's first write waits until the other shard has begun writing too: serialized shards would never meet.
    const began = [0, 1].map(() => {
      let resolve!: () => void;
      return { promise: new Promise<void>((r) => (resolve = r)), resolve };
    });
    const meet = (i: number) => async () => {
      began[i].resolve();
      await Promise.all(began.map((b) => b.promise));
    };
    const [one, two] = await Promise.all([open(prefix, { beforeBatch: meet(0) }), open(prefix, { beforeBatch: meet(1) })]);
    const s = await plan(one, "s1", 0);
    const a = one.recordSweep(s.a(), { shard: s.shard(0) });
    const b = two.recordSweep(s.b(), { shard: s.shard(1) });
    // A shard that fails before writing must not leave the other waiting.
    a.catch(() => began[0].resolve());
    b.catch(() => began[1].resolve());
    await expect(Promise.all([a, b])).resolves.toHaveLength(2);
    // Both finish at once: one merges, the other sees it merged; both report the same complete sweep.
    const [x, y] = await Promise.all([one.finishShardedSweep("s1"), two.finishShardedSweep("s1")]);
    expect(x.sweep).toEqual(y.sweep);
    expect(x.sweep).toMatchObject({ clusters: 3, partial: false });
    expect((await collect(one.listSweeps())).map((r) => r.sweepId)).toEqual(["s1"]);
    // The merged manifest knows every cluster: the next (inline) sweep with nothing changed writes no transition.
    const next = await one.recordSweep(
      snapshot([cluster("a1", { flux: failing }), cluster("a2"), cluster("b1", {}, { sub: SUB_B })], { minute: 15, sweepId: "next" }),
    );
    expect(next.transitions).toEqual([]);
    expect((await events(one, "a1")).sort()).toEqual(["a1:appeared", "azuremonitor-containers:appeared", "cluster-config:appeared", "flux:new-failure"]);
  });

  it("an inline sweep waits for a sharded sweep in flight, and merges it first when all its shards are recorded", async () => {
    const history = await open(uniquePrefix("shardinline"));
    const s = await plan(history, "s1", 0);
    await history.recordSweep(s.a(), { shard: s.shard(0) });
    const inline = () => history.recordSweep(snapshot([cluster("a1"), cluster("a2")], { minute: 15, sweepId: "inline", scopes: [SCOPE_A] }));
    await expect(inline()).rejects.toMatchObject({ code: "SweepInProgress" });
    // The last shard's worker dies before finishing: the inline sweep completes the sharded one itself.
    await history.recordSweep(s.b(), { shard: s.shard(1) });
    await inline();
    expect((await collect(history.listSweeps())).map((r) => r.sweepId)).toEqual(["inline", "s1"]);
    expect((await events(history, "a1")).filter((e) => e.startsWith("flux:"))).toEqual(["flux:new-failure", "flux:recovered"]);
  });

  it("of two overlapping sweeps, the newer waits for the older, whose late shards are superseded: nothing is undone", async () => {
    const history = await open(uniquePrefix("shardoverlap"));
    const older = await plan(history, "older", 0);
    await history.recordSweep(older.a(), { shard: older.shard(0) });
    const newer = await plan(history, "newer", 15);
    await expect(history.recordSweep(newer.a([cluster("a1"), cluster("a2")]), { shard: newer.shard(0) })).rejects.toMatchObject({
      code: "SweepInProgress",
    });
    const late = history.recordSweep(older.b(), { shard: older.shard(1) });
    await expect(late).rejects.toMatchObject({ code: "SnapshotSuperseded" });
    await expect(late).rejects.toBeInstanceOf(FleetHistoryError);
    // The worker records the superseded shard as failed (shared/sweep/sharded.ts): the older sweep ends partial.
    await history.recordFailedShard(older.shard(1), [{ scope: SCOPE_B, code: "SnapshotSuperseded", message: "newer sweep planned" }]);
    expect((await history.finishShardedSweep("older")).sweep?.partial).toBe(true);
    await history.recordSweep(newer.a([cluster("a1"), cluster("a2")]), { shard: newer.shard(0) });
    await history.recordSweep(newer.b(), { shard: newer.shard(1) });
    expect((await history.finishShardedSweep("newer")).sweep?.partial).toBe(false);
    expect((await events(history, "a1")).filter((e) => e.startsWith("flux:"))).toEqual(["flux:new-failure", "flux:recovered"]);
    // b1 was never seen by the older sweep (its shard failed): it appears once, with the newer one.
    expect((await events(history, "b1", SUB_B)).filter((e) => e.startsWith("b1:"))).toEqual(["b1:appeared"]);
  });

  it("retention removes the plan and shard rows of sweeps past it, never those of a sweep in flight", async () => {
    const prefix = uniquePrefix("shardretention");
    const history = await open(prefix);
    const done = await plan(history, "done", 0);
    await history.recordSweep(done.a(), { shard: done.shard(0) });
    await history.recordSweep(done.b(), { shard: done.shard(1) });
    await history.finishShardedSweep("done");
    const flying = await plan(history, "flying", 15);
    await history.recordSweep(flying.a(), { shard: flying.shard(0) });
    const sweeps = tableClient({ connectionString: tablesConnection(), tablePrefix: prefix }, "sweeps");
    const rows = async () => {
      const keys: string[] = [];
      for await (const e of sweeps.listEntities()) if (/^(plan|shard)~/.test(e.rowKey!)) keys.push(e.rowKey!);
      return keys;
    };
    expect(await rows()).toEqual(["plan~done", "plan~flying", "shard~done~00000", "shard~done~00001", "shard~flying~00000"]);
    await history.applyRetention({ days: 1, now: new Date("2026-11-04T00:00:00Z") });
    expect(await rows()).toEqual(["plan~flying", "shard~flying~00000"]);
    // The sweep in flight still completes.
    await history.recordSweep(flying.b(), { shard: flying.shard(1) });
    expect((await history.finishShardedSweep("flying")).sweep?.partial).toBe(false);
  });

  it("refuses to finish a sweep that was never planned", async () => {
    const history = await open(uniquePrefix("shardnone"));
    await expect(history.finishShardedSweep("nope")).rejects.toMatchObject({ code: "NotFound" });
  });
});
