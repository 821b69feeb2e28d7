import { describe, expect, it } from "vitest";
import { failureEpisodes } from "../../shared/api/episodes";
import { FleetViewCache } from "../../shared/api/fleet-view";
import { openFleetHistory } from "../../shared/store";
import { pagedList } from "../../shared/store/paging";
import type { TransitionRecord } from "../../shared/store/types";
import { cluster, snapshot } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { FLUX_FAIL } from "./support";

describe("FleetViewCache", () => {
  it("serves the current view while it checks for a newer sweep, then the new one", async () => {
    const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("view") });
    await history.recordSweep(snapshot([cluster("a"), cluster("b")], { minute: 0, sweepId: "s1" }));
    let now = new Date("2026-11-22T00:00:00Z");
    const cache = new FleetViewCache(history, { refreshMs: 1000, now: () => now });
    const first = await cache.get();
    expect(first.summary.clusters.byState.failing).toBe(0);
    await history.recordSweep(snapshot([cluster("a", { flux: FLUX_FAIL }), cluster("b")], { minute: 15, sweepId: "s2" }));
    expect(await cache.get()).toBe(first); // within refreshMs: no store call at all
    now = new Date(now.getTime() + 1500);
    expect(await cache.get()).toBe(first); // due: the check runs in the background
    let latest = first;
    for (let i = 0; i < 50 && latest === first; i++) {
      await new Promise((r) => setTimeout(r, 20));
      latest = await cache.get();
    }
    expect(latest.sweepId).toBe("s2");
    expect(latest.summary.clusters.byState.failing).toBe(1);
  });

  it("serves the last view to the request whose check fails, reports it, then throws the store's error until it answers", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const view = { sweepId: "s1" };
    const flaky = {
      listSweeps: () =>
        pagedList(async function* () {
          calls++;
          if (calls > 1 && down) throw new Error("store down");
          yield [{ sweepId: "s1" }];
        }),
      lastCompleteSweep: async () => undefined,
      listComponents: async function* () {},
      saveReadModel: async () => undefined,
    };
    let now = 0;
    let down = true;
    const cache = new FleetViewCache(flaky as never, { refreshMs: 10, now: () => new Date(now), onError: (e) => errors.push(e) });
    const first = await cache.get();
    expect(first.sweepId).toBe(view.sweepId);
    now = 100;
    expect(await cache.get()).toBe(first);
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toHaveLength(1);
    // Failing: no silent old view (the API marks its old answers stale instead), and every request checks again.
    await expect(cache.get()).rejects.toThrow("store down");
    expect(calls).toBe(3);
    down = false;
    expect(await cache.get()).toBe(first);
    now = 105;
    expect(await cache.get()).toBe(first);
    expect(calls).toBe(4); // answering again: back to one check per refreshMs
  });
});

describe("failure episodes", () => {
  const t = (at: string, from: TransitionRecord["from"], to: TransitionRecord["to"], extra: Partial<TransitionRecord> = {}): TransitionRecord =>
    ({
      id: at,
      at,
      sweepId: "s",
      event: "state-changed",
      componentId: "c1",
      componentKind: "extension",
      componentName: "flux",
      clusterId: "k",
      clusterName: "k",
      subscriptionId: "s",
      from,
      to,
      reason: "r",
      message: "m",
      catalogId: null,
      ...extra,
    }) as TransitionRecord;

  it("opens on failing or degraded, continues through unknown and changes, closes on healthy", () => {
    const episodes = failureEpisodes([
      t("2026-11-01T00:00:00.000Z", null, "healthy"),
      t("2026-11-01T01:00:00.000Z", "healthy", "degraded", { catalogId: "a" }),
      t("2026-11-01T01:15:00.000Z", "degraded", "unknown"),
      t("2026-11-01T01:30:00.000Z", "unknown", "failing", { catalogId: "b" }),
      t("2026-11-01T02:00:00.000Z", "failing", "healthy", { endedCatalogId: "b" }),
      t("2026-11-01T03:00:00.000Z", "healthy", "failing", { catalogId: "c" }),
    ]);
    expect(episodes).toEqual([
      {
        componentId: "c1",
        componentName: "flux",
        catalogId: "b",
        startedAt: "2026-11-01T01:00:00.000Z",
        startedBeforeWindow: false,
        endedAt: "2026-11-01T02:00:00.000Z",
        timeToRecoverMs: 3_600_000,
      },
      {
        componentId: "c1",
        componentName: "flux",
        catalogId: "c",
        startedAt: "2026-11-01T03:00:00.000Z",
        startedBeforeWindow: false,
        endedAt: null,
        timeToRecoverMs: null,
      },
    ]);
  });

  it("dates an episode that began before the window from the store's duration", () => {
    const [episode] = failureEpisodes([t("2026-11-01T02:00:00.000Z", "failing", "healthy", { previousDurationMs: 1_800_000, endedCatalogId: "x" })]);
    expect(episode).toMatchObject({ catalogId: "x", startedAt: "2026-11-01T01:30:00.000Z", startedBeforeWindow: true, timeToRecoverMs: 1_800_000 });
  });

  it("ends an episode when the component is deleted", () => {
    const [episode] = failureEpisodes([t("2026-11-01T00:00:00.000Z", null, "failing"), t("2026-11-01T00:30:00.000Z", "failing", "deleted")]);
    expect(episode.timeToRecoverMs).toBe(1_800_000);
  });
});
