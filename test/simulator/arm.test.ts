import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArmSimulator, type ArmSimulator, type SimCluster } from "../../dev/simulator";
import { clusterPath, collect, configClient, failure, rawRequest } from "./clients";

const API = "api-version=2023-05-01";

function configPath(cluster: SimCluster, segment: string): string {
  return `${cluster.id}/providers/Microsoft.KubernetesConfiguration/${segment}`;
}

describe("KubernetesConfiguration reads", () => {
  let sim: ArmSimulator;
  let arc: SimCluster;
  let aks: SimCluster;
  beforeAll(async () => {
    sim = await startArmSimulator({ fleet: { clusters: 40, sourceControlRatio: 0.5 }, armReadBucket: false });
    arc = sim.fleet.clusters.find((c) => c.kind === "arc")!;
    aks = sim.fleet.clusters.find((c) => c.kind === "aks")!;
  });
  afterAll(() => sim.stop());

  it("lists extensions across pages by following absolute nextLinks", async () => {
    const client = configClient(sim, arc.subscriptionId);
    const pages = await collect(client.extensions.list(...clusterPath(arc)).byPage());
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const names = pages.flat().map((e) => e.name);
    expect(names).toEqual(["flux", "azuremonitor-containers", "osm", "dapr", "sc-extension"]);
    const bodies: Array<{ value: unknown[]; nextLink: string | null }> = [];
    for (let link: string | null = `${configPath(arc, "extensions")}?${API}`; link; link = bodies[bodies.length - 1].nextLink)
      bodies.push((await rawRequest(sim, "GET", link)).body);
    expect(bodies.map((b) => b.value.length)).toEqual([2, 2, 1]);
    for (const b of bodies.slice(0, -1)) expect(b.nextLink).toMatch(new RegExp(`^${sim.endpoint}/subscriptions/.*api-version=2023-05-01`));
    expect(bodies[2]).toHaveProperty("nextLink", null);
  });

  it("serves extensions in ARM camelCase with the real extension types", async () => {
    const client = configClient(sim, aks.subscriptionId);
    const extensions = await collect(client.extensions.list(...clusterPath(aks)));
    expect(extensions.map((e) => e.extensionType)).toEqual([
      "microsoft.flux",
      "microsoft.azuremonitor.containers",
      "microsoft.openservicemesh",
      "microsoft.dapr",
      "microsoft.servicelinker.connection",
    ]);
    const raw = await rawRequest(sim, "GET", `${configPath(aks, "extensions")}/flux?${API}`);
    expect(raw.body.type).toBe("Microsoft.KubernetesConfiguration/extensions");
    expect(raw.body.properties).toMatchObject({ extensionType: "microsoft.flux", scope: { cluster: { releaseNamespace: "flux-system" } } });
    expect(raw.body.properties.aksAssignedIdentity.type).toBe("SystemAssigned");
    const one = await client.extensions.get(...clusterPath(aks), "osm");
    expect(one.id).toBe(`${aks.id}/providers/Microsoft.KubernetesConfiguration/extensions/osm`);
  });

  it("shows a failed extension with the agent's message", async () => {
    const id = `${arc.id}/providers/Microsoft.KubernetesConfiguration/extensions/dapr`;
    sim.fleet.fail(id, {
      message: "0/2 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}.",
      code: "InstallationFailed",
      wrap: 0,
    });
    const ext = await configClient(sim, arc.subscriptionId).extensions.get(...clusterPath(arc), "dapr");
    expect(ext.provisioningState).toBe("Failed");
    expect(ext.statuses?.[0]).toMatchObject({
      code: "InstallationFailed",
      message: "0/2 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}.",
    });
    sim.fleet.recover(id);
    expect((await configClient(sim, arc.subscriptionId).extensions.get(...clusterPath(arc), "dapr")).provisioningState).toBe("Succeeded");
  });

  it("lists and gets flux configurations with per-object statuses", async () => {
    const client = configClient(sim, arc.subscriptionId);
    const configs = await collect(client.fluxConfigurations.list(...clusterPath(arc)));
    expect(configs.map((c) => c.name)).toEqual(["cluster-config", "apps-1"]);
    const config = await client.fluxConfigurations.get(...clusterPath(arc), "cluster-config");
    expect(["Compliant", "Non-Compliant", "Pending"]).toContain(config.complianceState);
    if (config.complianceState === "Compliant") expect(config.statuses?.map((s) => s?.kind)).toEqual(["GitRepository", "Kustomization", "Kustomization"]);
  });

  it("lists legacy sourceControlConfigurations", async () => {
    const cluster = sim.fleet.clusters.find((c) => c.components.some((k) => k.kind === "sourceControl"))!;
    const configs = await collect(configClient(sim, cluster.subscriptionId).sourceControlConfigurations.list(...clusterPath(cluster)));
    expect(configs).toHaveLength(1);
    expect(configs[0].operatorType).toBe("Flux");
    expect(["Installed", "Failed", "Pending"]).toContain(configs[0].complianceStatus?.complianceState);
  });

  it("serves the cluster resources themselves", async () => {
    const arcDoc = await rawRequest(sim, "GET", `${arc.id}?api-version=2024-01-01`);
    expect(arcDoc.body).toMatchObject({ id: arc.id, type: "Microsoft.Kubernetes/connectedClusters", properties: { provisioningState: "Succeeded" } });
    expect(arcDoc.body.properties).toHaveProperty("managedIdentityCertificateExpirationTime");
    const aksDoc = await rawRequest(sim, "GET", `${aks.id}?api-version=2024-05-01`);
    expect(aksDoc.body.type).toBe("Microsoft.ContainerService/managedClusters");
    expect(aksDoc.body.properties.powerState.code).toMatch(/Running|Stopped/);
  });

  it("answers 404 ParentResourceNotFound, ResourceNotFound and ResourceGroupNotFound with ARM bodies", async () => {
    const client = configClient(sim, arc.subscriptionId);
    const noCluster = await failure(collect(client.extensions.list(arc.resourceGroup, "Microsoft.Kubernetes", "connectedClusters", "no-such-cluster")));
    expect(noCluster.statusCode).toBe(404);
    expect(noCluster.code).toBe("ParentResourceNotFound");
    // An AKS cluster asked for under the Arc resource provider does not exist either.
    const wrongRp = await failure(
      collect(configClient(sim, aks.subscriptionId).extensions.list(aks.resourceGroup, "Microsoft.Kubernetes", "connectedClusters", aks.name)),
    );
    expect(wrongRp.code).toBe("ParentResourceNotFound");
    const noExtension = await failure(client.extensions.get(...clusterPath(arc), "nope"));
    expect(noExtension.statusCode).toBe(404);
    expect(noExtension.code).toBe("ResourceNotFound");
    const noGroup = await failure(client.extensions.get("rg-nowhere", "Microsoft.Kubernetes", "connectedClusters", arc.name, "flux"));
    expect(noGroup.code).toBe("ResourceGroupNotFound");
  });

  it("requires a supported api-version", async () => {
    const missing = await rawRequest(sim, "GET", configPath(arc, "extensions"));
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("MissingApiVersionParameter");
    const old = await rawRequest(sim, "GET", `${configPath(arc, "extensions")}?api-version=2019-01-01`);
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe("NoRegisteredProviderFound");
  });

  it("answers 401 without a bearer token", async () => {
    const res = await rawRequest(sim, "GET", `${configPath(arc, "extensions")}?${API}`, { token: null });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("AuthenticationFailed");
  });
});

describe("ARM read throttling", () => {
  it("drains a per-subscription token bucket, then answers 429 with Retry-After", async () => {
    const sim = await startArmSimulator({ fleet: { clusters: 10, subscriptions: 2 }, armReadBucket: { size: 3, refillPerSecond: 0.01 } });
    try {
      const [a, b] = [
        sim.fleet.clusters.find((c) => c.subscriptionId === sim.fleet.subscriptions[0])!,
        sim.fleet.clusters.find((c) => c.subscriptionId === sim.fleet.subscriptions[1])!,
      ];
      const remaining: unknown[] = [];
      for (let i = 0; i < 3; i++) remaining.push((await rawRequest(sim, "GET", `${a.id}?${API}`)).headers["x-ms-ratelimit-remaining-subscription-reads"]);
      expect(remaining).toEqual(["2", "1", "0"]);
      const error = await failure(configClient(sim, a.subscriptionId).extensions.get(...clusterPath(a), "flux"));
      expect(error.statusCode).toBe(429);
      expect(error.code).toBe("SubscriptionRequestsThrottled");
      expect(error.response?.headers.get("retry-after")).toBe("100");
      expect(error.response?.headers.get("x-ms-ratelimit-remaining-subscription-reads")).toBe("0");
      expect(sim.stats.armThrottled).toBe(1);
      // Another subscription has its own bucket.
      expect((await rawRequest(sim, "GET", `${b.id}?${API}`)).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });
});
