/** A sharded sweep's telemetry: each shard counted by outcome with its duration; the sweep counted once, by the worker that merged it. */
import { afterAll, describe, expect, it } from "vitest";
import type { SweepRecord } from "../../shared/store/types";
import type { SweepResult } from "../../shared/sweep";
import { shardTelemetry } from "../../shared/sweep/telemetry";
import { METRICS } from "../../shared/telemetry";
import { inMemoryTelemetry, sum } from "./support";

const telemetry = inMemoryTelemetry();
afterAll(() => telemetry.stop());

const message = (index: number) => ({ v: 1 as const, sweepId: "s1", startedAt: "2026-12-01T00:00:00.000Z", index, count: 3, subscriptions: [] });
const result = { summary: { clusters: 10, armRequests: 4, transitions: 2 } } as unknown as SweepResult;
const sweep = { sweepId: "s1", partial: true, durationMs: 5000 } as SweepRecord;

describe("shard telemetry", () => {
  it("counts shards by outcome and reports the sweep once, from the merge", async () => {
    shardTelemetry(message(0))({ result, progress: { sweepId: "s1", recorded: 1, shards: 3 } });
    shardTelemetry(message(1), undefined, true)({ progress: { sweepId: "s1", recorded: 2, shards: 3 } });
    shardTelemetry(message(2))({ result, progress: { sweepId: "s1", recorded: 3, shards: 3, sweep, merged: true } });
    // A redundant finisher sees the sweep complete but did not merge it: not counted again.
    shardTelemetry(message(2))({ result, progress: { sweepId: "s1", recorded: 3, shards: 3, sweep } });
    shardTelemetry(message(0))(undefined, new Error("worker failed"));
    const points = await telemetry.points();
    expect(sum(points, METRICS.shards, { outcome: "recorded" })).toBe(3);
    expect(sum(points, METRICS.shards, { outcome: "poisoned" })).toBe(1);
    expect(sum(points, METRICS.shards, { outcome: "error" })).toBe(1);
    expect(sum(points, METRICS.shardDuration)).toBe(5);
    expect(sum(points, METRICS.sweeps, { outcome: "recorded", partial: "true" })).toBe(1);
    const spans = telemetry.spans();
    expect(spans.map((s) => s.name)).toContain("sweep shard poisoned");
    expect(spans.find((s) => s.attributes["fleet.sweep.complete"] === true)?.attributes).toMatchObject({ "fleet.shard.index": 2, "fleet.clusters": 10 });
  });
});
