/**
 * `/clusters/{id}/timeline` against Azurite: a cluster seen once 40 days before a run of sweeps in
 * which its extensions flip, so the default window (30 days up to the latest change) leaves history
 * out; the raw `/history` is the oracle for what the summary says. And the summary stored per sweep.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { failingSeries } from "../../shared/api/timeline";
import { openApiServices } from "../../shared/api/services";
import { SUMMARY_READ_MODEL } from "../../shared/api/fleet-view";
import { openFleetHistory } from "../../shared/store";
import type { FleetHistory, TransitionRecord } from "../../shared/store/types";
import { cluster, clusterId, FLUX_FAIL, HELM_FAIL, snapshot } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { apiClient, type Answer } from "./support";

const DAY_MINUTES = 1440;
const FLIPS = 12;
let api: ReturnType<typeof apiClient>;
let history: FleetHistory;
let options: { connectionString: string; tablePrefix: string };
const href = `/api/clusters${clusterId("flappy")}`;
const get = (path: string) => api("GET", path);

/** Sweep s: flux fails on odd sweeps, monitoring on every third. */
const flappy = (s: number) => cluster("flappy", { flux: s % 2 ? FLUX_FAIL : undefined, monitor: s % 3 === 0 ? HELM_FAIL : undefined });

beforeAll(async () => {
  options = { connectionString: tablesConnection(), tablePrefix: uniquePrefix("timeline") };
  history = await openFleetHistory(options);
  await history.recordSweep(snapshot([flappy(1)], { minute: 0, sweepId: "early" }));
  for (let s = 0; s < FLIPS; s++) await history.recordSweep(snapshot([flappy(s)], { minute: 40 * DAY_MINUTES + s * 15, sweepId: `late-${s}` }));
  api = apiClient(await openApiServices(options, { refreshMs: 0 }));
}, 60_000);

function expectError(res: Answer, status: number, parameter: string) {
  expect(res.status).toBe(status);
  expect(res.json.error.parameter).toBe(parameter);
  expect(res.json.error.message).toContain(parameter);
}

describe("GET /clusters/{ARM id}/timeline", () => {
  it("windows to the 30 days up to the latest change by default, and says there is more", async () => {
    const res = await get(`${href}/timeline`);
    expect(res.status).toBe(200);
    const { window } = res.json;
    expect(window).toMatchObject({ defaulted: true, to: null, earliestAt: "2026-11-01T00:00:00.000Z" });
    const latest = Date.parse("2026-11-01T00:00:00.000Z") + (40 * DAY_MINUTES + (FLIPS - 1) * 15) * 60_000;
    expect(window.latestAt).toBe(new Date(latest).toISOString());
    expect(window.from).toBe(new Date(latest - 30 * 86_400_000).toISOString());
    expect(window.earliestAt < window.from).toBe(true);
    const raw = await get(`${href}/history?from=${window.from}`);
    expect(res.json.changes).toBe(raw.json.transitions.length);
    expect(res.json.episodes.total).toBe(raw.json.episodes.length);
  });

  it("widens to the whole history, with the same counts as /history", async () => {
    const all = await get(`${href}/history`);
    const res = await get(`${href}/timeline?from=2026-11-01`);
    expect(res.json.window).toMatchObject({ defaulted: false, from: "2026-11-01T00:00:00.000Z" });
    expect(res.json.changes).toBe(all.json.transitions.length);
    expect(res.json.episodes.total).toBe(all.json.episodes.length);
    expect(res.json.episodes.open).toBe(all.json.episodes.filter((e: { endedAt: string | null }) => !e.endedAt).length);
    // The series ends on the cluster's failing count now.
    const detail = await get(href);
    expect(res.json.series.intervals.at(-1).failing).toBe(detail.json.openFailures.length);
    const flux = res.json.components.find((c: { componentName: string }) => c.componentName === "flux");
    expect(flux.changes).toBe(all.json.transitions.filter((t: TransitionRecord) => t.componentName === "flux").length);
  });

  it("summarises to at most `points` intervals", async () => {
    const res = await get(`${href}/timeline?from=2026-11-01&points=10`);
    const { intervals, intervalMs } = res.json.series;
    expect(intervals.length).toBeLessThanOrEqual(10);
    expect(intervals.reduce((sum: number, i: { changes: number }) => sum + i.changes, 0)).toBe(res.json.changes);
    expect(intervalMs).toBeGreaterThanOrEqual(Math.ceil((40 * DAY_MINUTES + (FLIPS - 1) * 15) * 60_000) / 10);
  });

  it("pages episodes newest first; every page of the same window adds up to all of them", async () => {
    const first = await get(`${href}/timeline?from=2026-11-01&limit=3`);
    const seen = [...first.json.episodes.items];
    let token = first.json.episodes.continuationToken;
    expect(token).toEqual(expect.any(String));
    while (token) {
      const next = await get(`${href}/timeline?from=2026-11-01&limit=3&continuationToken=${token}`);
      expect(next.status).toBe(200);
      seen.push(...next.json.episodes.items);
      token = next.json.episodes.continuationToken;
    }
    expect(seen).toHaveLength(first.json.episodes.total);
    const starts = seen.map((e) => e.startedAt ?? "");
    expect(starts).toEqual([...starts].sort().reverse());
    const raw = (await get(`${href}/history`)).json.episodes;
    const key = (e: { componentId: string; startedAt: string | null }) => `${e.componentId}@${e.startedAt}`;
    expect(seen.map(key).sort()).toEqual(raw.map(key).sort());
  });

  it("400 for bad parameters, a token of another window; 404 for an unknown cluster", async () => {
    expectError(await get(`${href}/timeline?from=yesterday`), 400, "from");
    expectError(await get(`${href}/timeline?from=2026-12-02&to=2026-12-01`), 400, "from");
    expectError(await get(`${href}/timeline?points=5`), 400, "points");
    expectError(await get(`${href}/timeline?limit=0`), 400, "limit");
    expectError(await get(`${href}/timeline?window=all`), 400, "window");
    expectError(await get(`${href}/timeline?continuationToken=nonsense!`), 400, "continuationToken");
    const token = (await get(`${href}/timeline?from=2026-11-01&limit=1`)).json.episodes.continuationToken;
    expectError(await get(`${href}/timeline?limit=1&continuationToken=${token}`), 400, "continuationToken");
    const unknown = await get(`/api/clusters${clusterId("nobody")}/timeline`);
    expect(unknown.status).toBe(404);
  });
});

describe("failingSeries", () => {
  const t = (at: string, componentId: string, from: TransitionRecord["from"], to: TransitionRecord["to"]) =>
    ({ at, componentId, from, to }) as TransitionRecord;

  it("starts from the components failing when the window opens and keeps each interval's range", () => {
    const series = failingSeries(
      [
        t("2026-11-01T00:00:00.000Z", "a", "failing", "healthy"), // failing before the window
        t("2026-11-01T00:00:30.000Z", "b", "healthy", "failing"),
        t("2026-11-01T00:10:00.000Z", "c", "healthy", "degraded"),
      ],
      Date.parse("2026-11-01T00:00:00.000Z"),
      Date.parse("2026-11-01T00:10:00.001Z"),
      5,
    );
    expect(series.intervalMs).toBe(120_001);
    expect(series.intervals).toEqual([
      { at: "2026-11-01T00:00:00.000Z", failing: 1, min: 0, max: 1, changes: 2 },
      { at: "2026-11-01T00:08:00.004Z", failing: 2, min: 1, max: 2, changes: 1 },
    ]);
  });
});

describe("the summary stored per sweep", () => {
  it("is written when the view is built and answers a cold start without a build", async () => {
    const built = (await get("/api/summary")).json;
    expect(await history.loadReadModel(SUMMARY_READ_MODEL, "late-11")).toEqual(built);
    // A marker only the stored row holds: a fresh process must answer from the row, not rebuild.
    await history.saveReadModel(SUMMARY_READ_MODEL, "late-11", { ...built, components: { ...built.components, total: 9999 } });
    const cold = apiClient(await openApiServices(options, { refreshMs: 0 }));
    expect((await cold("GET", "/api/summary")).json.components.total).toBe(9999);
    // A row built for another sweep is not used.
    expect(await history.loadReadModel(SUMMARY_READ_MODEL, "late-10")).toBeUndefined();
  });
});
