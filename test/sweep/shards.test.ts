import { describe, expect, it } from "vitest";
import { parseShardMessage, planShards, shardMessages, worthPlanning } from "../../shared/sweep/shards";

const sub = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`;

describe("the shard planner", () => {
  it("packs an uneven fleet into shards near the target, never splitting a subscription", () => {
    // One giant subscription, a few large, many small ones: 20,000 + 3×3,000 + 200×25 = 34,000 clusters.
    const counts = [
      { subscriptionId: sub(0), clusters: 20_000 },
      ...[1, 2, 3].map((n) => ({ subscriptionId: sub(n), clusters: 3_000 })),
      ...Array.from({ length: 200 }, (_, i) => ({ subscriptionId: sub(100 + i), clusters: 25 })),
    ];
    const shards = planShards(counts, { targetClusters: 5_000 });
    expect(shards.reduce((n, s) => n + s.clusters, 0)).toBe(34_000);
    expect(new Set(shards.flatMap((s) => s.subscriptions)).size).toBe(204);
    // The giant subscription fills a shard alone; every other shard stays within the target.
    expect(shards[0]).toEqual({ subscriptions: [sub(0)], clusters: 20_000 });
    expect(shards.slice(1).every((s) => s.clusters <= 5_000)).toBe(true);
    expect(shards.map((s) => s.clusters)).toEqual([20_000, 5_000, 5_000, 4_000]);
  });

  it("caps the subscriptions of a shard so its message fits a queue message, and merges ids case-insensitively", () => {
    const counts = Array.from({ length: 1_500 }, (_, i) => ({ subscriptionId: sub(i), clusters: 1 }));
    expect(planShards(counts, { targetClusters: 5_000 }).map((s) => s.subscriptions.length)).toEqual([600, 600, 300]);
    expect(
      planShards(
        [
          { subscriptionId: sub(1).toUpperCase(), clusters: 2 },
          { subscriptionId: sub(1), clusters: 3 },
        ],
        { targetClusters: 10 },
      ),
    ).toEqual([{ subscriptions: [sub(1)], clusters: 5 }]);
    const message = JSON.stringify(shardMessages("s", new Date(0).toISOString(), planShards(counts, { targetClusters: 5_000 }))[0]);
    expect(Buffer.from(message).toString("base64").length).toBeLessThan(64 * 1024);
  });

  it("keeps small fleets on today's path without a count query", () => {
    expect(worthPlanning(undefined, 5_000)).toBe(true);
    expect(worthPlanning(300, 5_000)).toBe(false);
    expect(worthPlanning(4_500, 5_000)).toBe(true);
  });

  it("parses shard messages as the host hands them over, and refuses bad ones with a clear error", () => {
    const [m] = shardMessages("sw", "2026-11-01T00:00:00.000Z", [{ subscriptions: [sub(1)], clusters: 1 }]);
    expect(parseShardMessage(m)).toEqual(m);
    expect(parseShardMessage(JSON.stringify(m))).toEqual(m);
    expect(() => parseShardMessage("not json")).toThrow(/JSON/);
    expect(() => parseShardMessage({ ...m, index: 1 })).toThrow(/index 1 of 1/);
    expect(() => parseShardMessage({ ...m, subscriptions: ["/subscriptions/x"] })).toThrow(/subscription ids/);
  });
});
