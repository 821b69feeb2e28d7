/**
 * The summary stored at sweep time (shared/sweep/summary.ts): after an inline sweep and after the merge
 * of a sharded one, a cold API process answers `/summary` from the stored row, equal to a read model
 * built afresh; a summary that cannot be stored does not fail the sweep.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { buildFleetView, FleetViewCache, SUMMARY_READ_MODEL, type FleetSummary } from "../../shared/api/fleet-view";
import { openApiServices } from "../../shared/api/services";
import { parseScopes } from "../../shared/core/config";
import { collect, firstItem } from "../../shared/store";
import type { FleetHistory } from "../../shared/store/types";
import { sweepShard } from "../../shared/sweep/sharded";
import { METRICS } from "../../shared/telemetry";
import { apiClient } from "../api/support";
import { inMemoryTelemetry, sum } from "../telemetry/support";
import { plannedFleet, stopSimulators } from "./support";

const telemetry = inMemoryTelemetry();
afterAll(() => telemetry.stop());

afterEach(stopSimulators);

const setup = () => plannedFleet({ clusters: 30, subscriptions: 4, extensionsPerCluster: 2, fluxPerCluster: 1, failureRate: 0.3, seed: 11 }, "sweepsum");

/** The summary an API process builds from the store now, for the latest sweep. */
async function builtNow(history: FleetHistory): Promise<FleetSummary> {
  const [latest, lastComplete, records] = await Promise.all([firstItem(history.listSweeps()), history.lastCompleteSweep(), collect(history.listComponents())]);
  return buildFleetView(records, latest, lastComplete).summary;
}

/** The history with its component list failing: a reader that answers through it did not build the view. */
function withoutComponents(history: FleetHistory): FleetHistory {
  const blind: FleetHistory = Object.create(history);
  blind.listComponents = () => {
    throw new Error("the components were read");
  };
  return blind;
}

/** A cold process's answer, asserted to come from the stored row (its background build fails and is reported). */
async function answeredFromRow(history: FleetHistory): Promise<FleetSummary> {
  const errors: unknown[] = [];
  const summary = await new FleetViewCache(withoutComponents(history), { refreshMs: 0, onError: (err) => errors.push(err) }).summary();
  await expect.poll(() => errors.length).toBe(1);
  return summary;
}

describe("the summary stored at sweep time", () => {
  it("an inline sweep stores it: a cold API answers from the row, equal to a fresh build, partial scopes and earlier records included", async () => {
    const { sim, options, history, plan, progress } = await setup();
    const first = await plan(1000, { enqueue: undefined });
    if (first.mode !== "inline") throw new Error("expected an inline sweep");
    // The second sweep cannot read one subscription: its clusters keep their records, which the summary counts.
    const [, denied] = sim.fleet.subscriptions;
    sim.setFaults({ forbiddenSubscriptions: [denied] });
    const scopes = parseScopes(sim.fleet.subscriptions.map((s) => `/subscriptions/${s}`).join(","));
    const second = await plan(1000, { enqueue: undefined, scopes });
    if (second.mode !== "inline") throw new Error("expected an inline sweep");
    const sweepId = second.result.summary.sweepId;
    expect(second.result.summary.partial).toBe(true);
    expect(progress.map((p) => p.message)).toContainEqual(expect.stringMatching(new RegExp(`summary of sweep ${sweepId} stored in \\d+ ms`)));

    const stored = await history.loadReadModel<FleetSummary>(SUMMARY_READ_MODEL, sweepId);
    const fresh = await builtNow(history);
    expect(stored).toEqual(fresh);
    expect(fresh.clusters.total).toBe(sim.fleet.clusters.length); // the unread subscription's clusters are counted
    expect(fresh.partialScopes).toEqual([expect.objectContaining({ code: "AccessDenied" })]);
    expect(await answeredFromRow(history)).toEqual(fresh);
    const cold = apiClient(await openApiServices(options, { refreshMs: 0 }));
    expect((await cold("GET", "/api/summary")).json).toEqual(fresh);
  });

  it("the worker that merges a sharded sweep stores it; the shards before it do not", async () => {
    const { history, base, queued, plan } = await setup();
    await plan(1000);
    const planned = await plan(10);
    if (planned.mode !== "sharded") throw new Error("expected a sharded sweep");
    const [head, ...rest] = queued;
    await sweepShard(head, base);
    expect(await history.loadReadModel(SUMMARY_READ_MODEL, planned.sweepId)).toBeUndefined();
    for (const message of rest) await sweepShard(message, base);
    expect((await firstItem(history.listSweeps()))?.sweepId).toBe(planned.sweepId);
    const fresh = await builtNow(history);
    expect(fresh.latestSweep?.sweepId).toBe(planned.sweepId);
    expect(await history.loadReadModel(SUMMARY_READ_MODEL, planned.sweepId)).toEqual(fresh);
    expect(await answeredFromRow(history)).toEqual(fresh);
  });

  it("a summary that cannot be stored does not fail the sweep: logged, counted, and the API builds it", async () => {
    const { options, history, plan, progress } = await setup();
    const failing: FleetHistory = Object.create(history);
    failing.saveReadModel = async () => {
      throw new Error("table unavailable");
    };
    const before = sum(await telemetry.points(), METRICS.readModels, { outcome: "failed" });
    const planned = await plan(1000, { enqueue: undefined, history: failing });
    if (planned.mode !== "inline") throw new Error("expected an inline sweep");
    const { sweepId } = planned.result.summary;
    expect((await firstItem(history.listSweeps()))?.sweepId).toBe(sweepId);
    expect(progress.map((p) => p.message)).toContainEqual(expect.stringContaining(`summary of sweep ${sweepId} not stored (table unavailable)`));
    expect(sum(await telemetry.points(), METRICS.readModels, { outcome: "failed" }) - before).toBe(1);
    expect(await history.loadReadModel(SUMMARY_READ_MODEL, sweepId)).toBeUndefined();
    const cold = apiClient(await openApiServices(options, { refreshMs: 0 }));
    expect((await cold("GET", "/api/summary")).json).toEqual(await builtNow(history));
  });
});

describe("the cluster detail on a cold process", () => {
  it("answers without the read model: subscription name from the sweeps, silences matched on the cluster's own tags", async () => {
    const { options, plan } = await setup();
    await plan(1000, { enqueue: undefined });
    const auth = { easyAuth: false, operatorKey: "key" };
    const warm = apiClient(await openApiServices(options, { refreshMs: 0, auth }));
    const rows = (await warm("GET", "/api/clusters?state=failing&limit=100")).json.items as Array<{
      href: string;
      catalogIds: string[];
      tags: Record<string, string>;
    }>;
    const row = rows.find((r) => r.catalogIds.length)!;
    const href = new URL(row.href, "http://localhost").pathname;
    const silence = {
      catalogId: row.catalogIds[0],
      scope: { tag: `environment = ${row.tags.environment}` },
      reason: "r",
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const headers = { "x-fleet-operator-key": "key", "x-fleet-operator": "ann", "content-type": "application/json" };
    const created = await warm("POST", "/api/silences", { headers, body: JSON.stringify(silence) });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const expected = (await warm("GET", href)).json;
    expect(expected.subscriptionName).toEqual(expect.any(String));
    expect(expected.openFailures.find((f: { catalogId: string }) => f.catalogId === row.catalogIds[0]).silenced).toMatchObject({ reason: "r" });

    const services = await openApiServices(options, { refreshMs: 0, auth });
    const cold = apiClient({ ...services, view: () => Promise.reject(new Error("the read model was built")) });
    const answer = await cold("GET", href);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(expected);
  });
});
