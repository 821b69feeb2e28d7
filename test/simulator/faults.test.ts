import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startArmSimulator, type ArmSimulator } from "../../dev/simulator";
import { ARG_PATH, CLUSTERS_QUERY, CONFIG_QUERY, clusterPath, collect, configClient, failure, graphClient, query, queryAll, rawRequest } from "./clients";

describe("fault injection", () => {
  let sim: ArmSimulator;
  beforeAll(async () => {
    sim = await startArmSimulator({ fleet: { clusters: 30, subscriptions: 3 }, argQuota: false, armReadBucket: false });
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.setFaults({});
    sim.resetStats();
  });

  it("adds latency to every response", async () => {
    sim.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await query(graphClient(sim), { query: CLUSTERS_QUERY });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it("answers an exact count of 503s with ARM error bodies, then recovers", async () => {
    sim.setFaults({ serverErrors: { count: 2, status: 503 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await rawRequest(sim, "POST", ARG_PATH, { body: { query: CLUSTERS_QUERY } })).status);
    expect(statuses).toEqual([503, 503, 200]);
    const error = await failure(
      (async () => {
        sim.setFaults({ serverErrors: { count: 1 } });
        await graphClient(sim).resources({ query: CLUSTERS_QUERY });
      })(),
    );
    expect(error.statusCode).toBe(500);
    expect(error.code).toBe("InternalServerError");
    expect(sim.stats.faultsInjected).toBe(3);
  });

  it("draws rate-based faults from a seeded PRNG, so a run repeats exactly", async () => {
    const run = async () => {
      sim.setFaults({ serverErrors: { rate: 0.4 }, seed: 11 });
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) statuses.push((await rawRequest(sim, "POST", ARG_PATH, { body: { query: CLUSTERS_QUERY } })).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it("targets faults at one API", async () => {
    sim.setFaults({ serverErrors: { rate: 1, target: "arm" } });
    expect((await query(graphClient(sim), { query: CLUSTERS_QUERY })).response.count).toBeGreaterThan(0);
    const cluster = sim.fleet.clusters[0];
    const error = await failure(collect(configClient(sim, cluster.subscriptionId).extensions.list(...clusterPath(cluster))));
    expect(error.statusCode).toBe(500);
  });

  it("holds a response for holdMs, or never answers until the client gives up", async () => {
    sim.setFaults({ timeouts: { count: 1, holdMs: 200 } });
    const started = Date.now();
    await query(graphClient(sim), { query: CLUSTERS_QUERY });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);

    sim.setFaults({ timeouts: { count: 1 } });
    const error = await failure(graphClient(sim).resources({ query: CLUSTERS_QUERY }, { abortSignal: AbortSignal.timeout(300) }));
    expect(error.name).toBe("AbortError");
    // The next request is answered normally.
    expect((await query(graphClient(sim), { query: CLUSTERS_QUERY })).response.count).toBeGreaterThan(0);
  });

  it("refuses a named forbidden subscription with 403 AccessDenied and silently leaves it out of tenant scope", async () => {
    const [denied] = sim.fleet.subscriptions;
    sim.setFaults({ forbiddenSubscriptions: [denied] });
    const client = graphClient(sim);
    const error = await failure(client.resources({ query: CLUSTERS_QUERY, subscriptions: sim.fleet.subscriptions }));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe("AccessDenied");
    const { rows } = await queryAll(client, { query: CLUSTERS_QUERY, options: { top: 1000 } });
    expect(rows.length).toBe(sim.fleet.clusters.filter((c) => c.subscriptionId !== denied).length);
    expect(rows.some((r) => r.subscriptionId === denied)).toBe(false);

    const cluster = sim.fleet.clusters.find((c) => c.subscriptionId === denied)!;
    const arm = await failure(collect(configClient(sim, denied).extensions.list(...clusterPath(cluster))));
    expect(arm.statusCode).toBe(403);
    expect(arm.code).toBe("AuthorizationFailed");
    expect(arm.message).toContain("Microsoft.KubernetesConfiguration/extensions/read");
  });

  it("serves malformed rows the same way through Resource Graph and ARM", async () => {
    const arc = sim.fleet.clusters.find((c) => c.kind === "arc")!;
    const aks = sim.fleet.clusters.find((c) => c.kind === "aks")!;
    const fluxId = `${aks.id}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/cluster-config`;
    const extId = `${arc.id}/providers/Microsoft.KubernetesConfiguration/extensions/osm`;
    const nullsId = `${arc.id}/providers/Microsoft.KubernetesConfiguration/extensions/dapr`;
    sim.setFaults({ malformed: { missingProperties: 1, unknownEnum: [arc.id, aks.id, fluxId], hugeMessage: [extId], nulls: [nullsId] } });

    const client = graphClient(sim);
    const clusters = (await queryAll(client, { query: CLUSTERS_QUERY, options: { top: 1000 } })).rows;
    expect((clusters.find((r) => r.id === arc.id)!.properties as Record<string, unknown>).connectivityStatus).toBe("AgentNotInstalled");
    expect((clusters.find((r) => r.id === aks.id)!.properties as Record<string, unknown>).provisioningState).toBe("Weird");

    const configs = (await queryAll(client, { query: CONFIG_QUERY, options: { top: 1000 } })).rows;
    const firstId = [...sim.fleet.components()].map((r) => r.id).sort()[0];
    expect(configs.find((r) => r.id === firstId)).not.toHaveProperty("properties");
    expect((configs.find((r) => r.id === fluxId)!.properties as Record<string, unknown>).complianceState).toBe("Weird");
    const huge = configs.find((r) => r.id === extId)!.properties as { ProvisioningState: string; Statuses: Array<{ Message: string }> };
    expect(huge.ProvisioningState).toBe("Failed");
    expect(huge.Statuses[0].Message.length).toBeGreaterThan(1_000_000);
    expect(configs.find((r) => r.id === nullsId)!.properties).toMatchObject({ ProvisioningState: null, Statuses: null, ExtensionType: null });

    const armExt = await rawRequest(sim, "GET", `${extId}?api-version=2023-05-01`);
    expect(armExt.body.properties.statuses[0].message.length).toBeGreaterThan(1_000_000);
    const armFlux = await configClient(sim, aks.subscriptionId).fluxConfigurations.get(...clusterPath(aks), "cluster-config");
    expect(armFlux.complianceState).toBe("Weird");
  });
});

describe("Resource Graph lag", () => {
  it("serves the previous state through ARG for argLagMs after a change, while ARM shows the new one", async () => {
    const sim = await startArmSimulator({ fleet: { clusters: 6, failureRate: 0 }, argQuota: false, armReadBucket: false, faults: { argLagMs: 60_000 } });
    try {
      let now = Date.UTC(2026, 10, 22, 1);
      sim.fleet.clock = () => now;
      const arc = sim.fleet.clusters.find((c) => c.kind === "arc")!;
      const extId = `${arc.id}/providers/Microsoft.KubernetesConfiguration/extensions/osm`;
      sim.fleet.fail(extId, { message: "Unable to get a response from the Agent in time", code: "InstallationFailed", wrap: 0 });
      sim.fleet.takeOffline(arc.id);
      const argState = async () => {
        const { rows } = await queryAll(graphClient(sim), { query: CONFIG_QUERY, options: { top: 1000 } });
        const clusters = (await queryAll(graphClient(sim), { query: CLUSTERS_QUERY, options: { top: 1000 } })).rows;
        return [
          (rows.find((r) => r.id === extId)!.properties as { ProvisioningState: string }).ProvisioningState,
          (clusters.find((r) => r.id === arc.id)!.properties as { connectivityStatus: string }).connectivityStatus,
        ];
      };
      expect(await argState()).toEqual(["Succeeded", "Connected"]);
      expect((await configClient(sim, arc.subscriptionId).extensions.get(...clusterPath(arc), "osm")).provisioningState).toBe("Failed");
      now += 61_000;
      expect(await argState()).toEqual(["Failed", "Offline"]);
    } finally {
      await sim.stop();
    }
  });
});
