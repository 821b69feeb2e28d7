import { afterEach, describe, expect, it } from "vitest";
import type { ArmSimulator, SimulatorOptions } from "../../dev/simulator";
import { firstItem, openFleetHistory } from "../../shared/store";
import { parseScopes } from "../../shared/core/config";
import { runSweep, SweepOptions, SweepProgress } from "../../shared/sweep";
import type { ComponentHealth } from "../../shared/core/model";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { simulator, sweepOptions } from "../azure/simulator";

let running: ArmSimulator | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function setup(options: SimulatorOptions = {}) {
  const { sim, connection } = await simulator({
    fleet: { clusters: 12, subscriptions: 3, extensionsPerCluster: 3, fluxPerCluster: 2, sourceControlRatio: 0.3, failureRate: 0.25, seed: 21 },
    ...options,
  });
  running = sim;
  const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("sweep") });
  const progress: SweepProgress[] = [];
  const sweep = (extra: Partial<SweepOptions> = {}) =>
    runSweep({
      ...sweepOptions(connection, history),
      timeoutMs: 1000,
      onProgress: (p) => progress.push(p),
      ...extra,
    });
  return { sim, history, sweep, progress };
}

const all = (clusters: { components: ComponentHealth[] }[]) => clusters.flatMap((c) => c.components);
const scopesOf = (subs: string[]) => parseScopes(subs.map((s) => `/subscriptions/${s}`).join(","));

describe("runSweep against the simulator and Azurite", () => {
  it("reads, joins and judges the whole fleet in a few queries and records it", async () => {
    const { sim, history, sweep, progress } = await setup();
    const { summary, snapshot } = await sweep();
    const fleet = sim.fleet.summary();
    expect(summary).toMatchObject({ clusters: fleet.clusters, partial: false, nothingRead: false });
    expect(sim.stats.argQueries).toBe(5); // one page of clusters, one per configuration type, one of subscription names
    const components = all(snapshot.clusters);
    const configs = components.filter((c) => c.kind !== "cluster" && c.kind !== "fluxObject");
    expect(configs.length).toBe(fleet.components);
    // Every configuration row joined to its own cluster (ids compared case-insensitively).
    for (const cluster of snapshot.clusters) for (const c of cluster.components) expect(c.clusterId).toBe(cluster.id);
    expect(snapshot.clusters.every((c) => c.components[0].reason !== "ClusterNotRead")).toBe(true);
    // PascalCase extension rows were read: every extension has its type.
    expect(components.filter((c) => c.kind === "extension").every((c) => c.extensionType)).toBe(true);
    // Failures are judged failing, with evidence, and classified against the catalog.
    const failing = components.filter((c) => c.state === "failing" && c.kind !== "cluster" && c.kind !== "fluxObject");
    expect(failing.length).toBe(fleet.failedComponents);
    expect(failing.every((c) => c.evidence.length > 0 && c.classification)).toBe(true);
    expect(Object.values(summary.byCatalogId).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(summary.armRequests).toBe(sim.stats.argQueries + sim.stats.armReads);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(["clusters", "configurations", "persist", "done"]));
    // Progress counts every request once: it never goes back, and ends at the summary's total.
    const counts = progress.map((p) => p.armRequests);
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
    expect(counts.at(-1)).toBe(summary.armRequests);
    expect(await firstItem(history.listSweeps())).toMatchObject({ sweepId: summary.sweepId, clusters: fleet.clusters, partial: false });
  });

  it("confirms a changed component with a targeted ARM read before it is reported", async () => {
    const { sim, sweep } = await setup();
    await sweep();
    const cluster = sim.fleet.clusters.find((c) => c.components.some((x) => x.kind === "extension" && x.status === "ok"))!;
    const ext = cluster.components.find((x) => x.kind === "extension" && x.status === "ok")!;
    const id = `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/${ext.name}`;
    sim.fleet.fail(id, { message: "unable to pull image: manifest unknown" });
    const before = sim.stats.armReads;
    const { summary, snapshot } = await sweep();
    expect(summary.confirmation).toMatchObject({ read: 1, corrected: 0, failed: 0 });
    expect(sim.stats.armReads - before).toBe(1);
    const judged = all(snapshot.clusters).find((c) => c.id.toLowerCase() === id.toLowerCase())!;
    expect(judged.state).toBe("failing");
    // A third sweep with nothing changed reads nothing from ARM.
    const third = await sweep();
    expect(third.summary.confirmation.read).toBe(0);
  });

  it("confirms a cluster that went offline with a GET of the cluster resource", async () => {
    const { sim, sweep } = await setup();
    await sweep();
    const arc = sim.fleet.clusters.find((c) => c.kind === "arc" && (c.connectivityStatus ?? "Connected") === "Connected")!;
    sim.fleet.takeOffline(arc.id);
    const { summary, snapshot } = await sweep();
    expect(summary.confirmation.read).toBeGreaterThanOrEqual(1);
    expect(snapshot.clusters.find((c) => c.id === arc.id.toLowerCase())!.components[0]).toMatchObject({ kind: "cluster", state: "failing", reason: "Offline" });
  });

  it("reads a failing Flux configuration from ARM when its Resource Graph row has no object statuses", async () => {
    const { sim, sweep } = await setup({ fleet: { clusters: 4, subscriptions: 1, extensionsPerCluster: 1, fluxPerCluster: 1, failureRate: 0, seed: 23 } });
    const cluster = sim.fleet.clusters[0];
    const flux = cluster.components.find((c) => c.kind === "flux")!;
    const id = `${cluster.id}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${flux.name}`;
    sim.fleet.fail(id);
    // The row comes without statuses (nulls); ARM answers in full once the statuses are asked for.
    sim.setFaults({ malformed: { nulls: [id] } });
    const before = sim.stats.armReads;
    const { snapshot } = await sweep({ onProgress: (p) => p.phase === "statuses" && sim.setFaults({}) });
    expect(sim.stats.armReads - before).toBe(1);
    const components = all(snapshot.clusters);
    const config = components.find((c) => c.id.toLowerCase() === id.toLowerCase())!;
    expect(config).toMatchObject({ kind: "flux", state: "failing", reason: "NonCompliant" });
    const objects = components.filter((c) => c.parentId === config.id);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.some((o) => o.state === "failing")).toBe(true);
  });

  it("a forbidden subscription inside a batch is isolated: partial names it, the rest is read", async () => {
    const { sim, sweep } = await setup();
    const [s1, s2, s3] = sim.fleet.subscriptions;
    sim.setFaults({ forbiddenSubscriptions: [s2] });
    const { summary, snapshot } = await sweep({ scopes: scopesOf([s1, s2, s3]) });
    expect(summary.partial).toBe(true);
    expect(snapshot.partialScopes).toEqual([expect.objectContaining({ scope: `/subscriptions/${s2}`, code: "AccessDenied" })]);
    expect(snapshot.partialScopes[0].message).toContain(`Subscriptions: ${s2}`); // the detail, not only the support stamp
    const expected = sim.fleet.clusters.filter((c) => c.subscriptionId !== s2).length;
    expect(summary.clusters).toBe(expected);
    expect(snapshot.clusters.some((c) => c.subscriptionId === s2.toLowerCase())).toBe(false);
  });

  it("configurations that cannot be read leave their clusters unknown (5xx persisting past the retries)", async () => {
    const { sim, sweep } = await setup();
    let armed = false;
    const { summary, snapshot } = await sweep({
      scopes: scopesOf(sim.fleet.subscriptions),
      maxIsolationQueries: 0,
      pageSize: 2, // 6 pages of clusters, ~18 of extensions
      onProgress: (p) => {
        // Once every cluster is in, every later Resource Graph query fails: the configurations are cut off.
        if (p.phase === "clusters" && p.message.startsWith(`clusters: ${sim.fleet.clusters.length} clusters`) && !armed) {
          armed = true;
          sim.setFaults({ serverErrors: { rate: 1, target: "arg", status: 500 } });
        }
      },
    });
    expect(summary.partial).toBe(true);
    expect(summary.clusters).toBe(sim.fleet.clusters.length);
    expect(snapshot.clusters.every((c) => c.state === "unknown" && c.unread?.code)).toBe(true);
    expect(snapshot.partialScopes.length).toBe(3);
  });

  it("timeouts are retried; a scope that keeps timing out is partial and the sweep still completes", async () => {
    const { sim, sweep } = await setup({ faults: { timeouts: { count: 1, target: "arg" } } });
    const first = await sweep();
    expect(first.summary.partial).toBe(false);
    sim.setFaults({ timeouts: { rate: 1, target: "arg" } });
    const second = await sweep({ retry: { maxAttempts: 2, retryDelayMs: 1 }, timeoutMs: 300 });
    expect(second.summary).toMatchObject({ partial: true, nothingRead: true });
    expect(second.snapshot.partialScopes[0]).toMatchObject({ scope: "/", code: "Timeout" });
  });

  it("the tenant subscription limit makes the sweep partial", async () => {
    const { sweep } = await setup({ tenantSubscriptionLimit: 2 });
    const { summary, snapshot } = await sweep();
    expect(summary.partial).toBe(true);
    expect(snapshot.partialScopes).toEqual([expect.objectContaining({ scope: "/", code: "TenantSubscriptionLimitHit" })]);
  });

  it("malformed rows are never healthy; a 1 MB message is kept and classified", async () => {
    const { sim, sweep } = await setup({ fleet: { clusters: 6, subscriptions: 1, extensionsPerCluster: 3, fluxPerCluster: 1, failureRate: 0, seed: 22 } });
    const ids = sim.fleet.clusters.flatMap((c) =>
      c.components.filter((x) => x.kind === "extension").map((x) => `${c.id}/providers/Microsoft.KubernetesConfiguration/extensions/${x.name}`),
    );
    const flux = sim.fleet.clusters.flatMap((c) =>
      c.components.filter((x) => x.kind === "flux").map((x) => `${c.id}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${x.name}`),
    );
    sim.setFaults({
      malformed: { missingProperties: [ids[0]], nulls: [ids[1], flux[0]], unknownEnum: [ids[2], sim.fleet.clusters[0].id], hugeMessage: [ids[3], flux[1]] },
    });
    const { snapshot } = await sweep();
    const byId = new Map(all(snapshot.clusters).map((c) => [c.id.toLowerCase(), c]));
    const get = (id: string) => byId.get(id.toLowerCase())!;
    expect(get(ids[0])).toMatchObject({ state: "unknown", reason: "MissingProperty" });
    expect(get(ids[1])).toMatchObject({ state: "unknown", reason: "MissingProperty" });
    expect(get(flux[0]).state).toBe("unknown");
    expect(get(ids[2])).toMatchObject({ state: "unknown", reason: "UnknownValue" });
    expect(get(sim.fleet.clusters[0].id).state).not.toBe("healthy");
    const huge = get(ids[3]);
    expect(huge.state).toBe("failing");
    expect(Math.max(...huge.evidence.map((e) => e.value.length))).toBeGreaterThan(1_000_000);
    expect(huge.message.length).toBeLessThanOrEqual(2000);
    expect(huge.classification).toBeDefined();
    expect(get(flux[1])).toMatchObject({ state: "failing" });
  });
});
