import { describe, expect, it } from "vitest";
import type { FleetSnapshot } from "../../shared/core/model";
import { openFleetHistory, type FleetHistory, type FleetHistoryOptions } from "../../shared/store";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { all, cluster, clusterId, snapshot } from "./fixtures";

const options = (prefix: string, extra: Partial<FleetHistoryOptions> = {}): FleetHistoryOptions => ({
  connectionString: tablesConnection(),
  tablePrefix: prefix,
  ...extra,
});

const failing = (reason: string) => ({ state: "failing" as const, reason, catalogId: `cat-${reason.toLowerCase()}` });
const names = ["c1", "c2", "c3", "c4", "c5"];
const base = () => names.map((n) => cluster(n));
/** Touches every cluster: new failures, a recovery of nothing, a deletion and a new cluster. */
const churned = () => [
  cluster("c1", { flux: failing("InstallationFailed") }),
  cluster("c2", { monitor: failing("AgentCrash"), config: failing("NonCompliant") }),
  cluster("c3", { config: null }),
  cluster("c4", { flux: { state: "pending", reason: "Provisioning" } }),
  cluster("c6"),
];

/** Everything a history says about the fleet, without times (a re-run observes later). */
async function picture(history: FleetHistory) {
  const timeline: string[] = [];
  for (const n of [...names, "c6"]) {
    for (const t of await all(history.listClusterTransitions(clusterId(n))))
      if (t.event !== "appeared") timeline.push(`${n}/${t.componentName}:${t.event}:${t.from}>${t.to}`);
  }
  const indexed = (await all(history.listTransitions())).map((t) => `${t.clusterName}/${t.componentName}:${t.event}:${t.from}>${t.to}`);
  const byCatalog = (await all(history.listTransitions({ catalogId: "cat-agentcrash" }))).length;
  const current = (await all(history.listComponents())).map((c) => `${c.clusterName}/${c.name}:${c.state}:${c.reason}`);
  const open = (await all(history.listComponents({ state: "failing" }))).map((c) => `${c.clusterName}/${c.name}`);
  return { timeline: timeline.sort(), indexed: indexed.sort(), byCatalog, current: current.sort(), open: open.sort() };
}

class Crash extends Error {}

describe("overlap, retries and crashes", () => {
  it("converges after the writer dies before any batch, between batches, or before the commit", async () => {
    const truthPrefix = uniquePrefix("truth");
    const truth = await openFleetHistory(options(truthPrefix));
    await truth.recordSweep(snapshot(base(), { minute: 0 }));
    await truth.recordSweep(snapshot(churned(), { minute: 10 }));
    const expected = await picture(truth);
    expect(expected.indexed).toEqual(expected.timeline);

    // Count the batches of the churn sweep, then crash after each number of them in turn.
    let batches = 0;
    const counting = await openFleetHistory(options(uniquePrefix("count"), { beforeBatch: () => void batches++ }));
    await counting.recordSweep(snapshot(base(), { minute: 0 }));
    batches = 0;
    await counting.recordSweep(snapshot(churned(), { minute: 10 }));
    expect(batches).toBeGreaterThan(8);

    // Each crash point gets its own tables, so they run side by side.
    const crashAndRerun = async (crashAfter: number) => {
      const prefix = uniquePrefix(`crash${crashAfter}`);
      let seen = -Infinity;
      const dying = await openFleetHistory(
        options(prefix, {
          concurrency: 1,
          leaseDurationMs: 60_000,
          beforeBatch: () => {
            if (seen++ === crashAfter) throw new Crash();
          },
        }),
      );
      await dying.recordSweep(snapshot(base(), { minute: 0, sweepId: "s0" }));
      seen = 0;
      // crashAfter === batches: every batch went through and the commit ran (no crash).
      const churn = snapshot(churned(), { minute: 10, sweepId: "s1" });
      if (crashAfter < batches) await expect(dying.recordSweep(churn)).rejects.toBeInstanceOf(Crash);
      else await dying.recordSweep(churn);

      // The timer retries the same sweep in a new process; then a later sweep sees the same fleet.
      const rerun = await openFleetHistory(options(prefix));
      await rerun.recordSweep(churn);
      await rerun.recordSweep(snapshot(churned(), { minute: 20 }));
      return { crashAfter, ...(await picture(rerun)) };
    };
    const points = Array.from({ length: batches + 1 }, (_, i) => i);
    for (const result of await Promise.all(points.map(crashAndRerun))) expect(result).toEqual({ crashAfter: result.crashAfter, ...expected });
  });

  it("converges when a crashed sweep is followed by a different sweep after the lease expired, even if the fleet flapped back", async () => {
    const prefix = uniquePrefix("flap");
    let seen = -Infinity;
    const dying = await openFleetHistory(
      options(prefix, {
        concurrency: 1,
        leaseDurationMs: 30,
        beforeBatch: () => {
          if (seen++ === 3) throw new Crash();
        },
      }),
    );
    await dying.recordSweep(snapshot(base(), { minute: 0 }));
    seen = 0;
    await expect(dying.recordSweep(snapshot(churned(), { minute: 10 }))).rejects.toBeInstanceOf(Crash);
    await new Promise((r) => setTimeout(r, 40));

    // Back to the original fleet: whatever the crashed sweep half wrote must be undone with transitions.
    const next = await openFleetHistory(options(prefix));
    await next.recordSweep(snapshot(base(), { minute: 20 }));
    const now = await picture(next);
    const truth = await openFleetHistory(options(uniquePrefix("flaptruth")));
    await truth.recordSweep(snapshot(base(), { minute: 0 }));
    expect(now.current).toEqual((await picture(truth)).current);
    expect(now.open).toEqual([]);
    expect(now.indexed).toEqual(now.timeline);
    // And nothing more happens on the sweep after.
    expect((await next.recordSweep(snapshot(base(), { minute: 30 }))).transitions).toEqual([]);
  });

  it("lets one sweep write at a time: an overlapping sweep is refused and writes nothing", async () => {
    const prefix = uniquePrefix("lease");
    const first = await openFleetHistory(options(prefix));
    await first.recordSweep(snapshot(base(), { minute: 0 }));

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const slow = await openFleetHistory(
      options(prefix, {
        beforeBatch: async () => {
          entered();
          await gate;
        },
      }),
    );
    const slowSweep = slow.recordSweep(snapshot(churned(), { minute: 10 }));
    await inside;

    const other = await openFleetHistory(options(prefix));
    await expect(other.recordSweep(snapshot(churned(), { minute: 11 }))).rejects.toMatchObject({ code: "SweepInProgress" });
    release();
    const done = await slowSweep;
    expect(done.transitions.length).toBeGreaterThan(0);

    // The refused sweep runs again once the lease is free, and finds nothing new.
    expect((await other.recordSweep(snapshot(churned(), { minute: 11 }))).transitions).toEqual([]);
    const p = await picture(other);
    expect(p.indexed).toEqual(p.timeline);
    expect(new Set(p.timeline).size).toBe(p.timeline.length);
  });

  it("records a timer retry of a committed sweep once, and refuses a snapshot older than the last one", async () => {
    const history = await openFleetHistory(options(uniquePrefix("retry")));
    const s1: FleetSnapshot = snapshot(churned(), { minute: 10, sweepId: "timer-10" });
    const first = await history.recordSweep(s1);
    const retry = await history.recordSweep(s1);
    expect(retry.transitions).toEqual([]);
    expect(retry.sweep).toMatchObject({ sweepId: "timer-10", transitions: first.transitions.length });
    expect(await all(history.listSweeps())).toHaveLength(1);
    await expect(history.recordSweep(snapshot(base(), { minute: 5 }))).rejects.toMatchObject({ code: "SnapshotSuperseded" });
    expect((await all(history.listTransitions())).length).toBe(first.transitions.filter((t) => t.event !== "appeared").length);
  });

  it("lets exactly one of two sweeps racing from the same state write, without duplicate events", async () => {
    const prefix = uniquePrefix("race");
    const a = await openFleetHistory(options(prefix));
    await a.recordSweep(snapshot(base(), { minute: 0 }));
    const b = await openFleetHistory(options(prefix));
    const results = await Promise.allSettled([a.recordSweep(snapshot(churned(), { minute: 10 })), b.recordSweep(snapshot(churned(), { minute: 11 }))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(["SweepInProgress", "ConcurrentWrite", "SnapshotSuperseded"]).toContain(refused.reason.code);
    await new Promise((r) => setTimeout(r, 10));
    const p = await picture(a);
    expect(new Set(p.timeline).size).toBe(p.timeline.length);
    expect(p.indexed).toEqual(p.timeline);
  });
});
