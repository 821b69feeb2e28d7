import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationReader } from "../../shared/azure/kubernetes-configuration";
import { CLUSTERS_QUERY, CONFIGURATION_QUERIES, GraphPage, ResourceGraphReader } from "../../shared/azure/resource-graph";
import { QuotaPacer } from "../../shared/azure/pacing";
import type { GraphScope } from "../../shared/azure/scopes";
import { judgeCluster, DEFAULT_JUDGE_OPTIONS } from "../../shared/health/cluster";
import type { ArmSimulator } from "../../dev/simulator";
import { simulator } from "./simulator";

let running: ArmSimulator | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(options: Parameters<typeof simulator>[0]) {
  const started = await simulator(options);
  running = started.sim;
  return started;
}

async function readAll(reader: ResourceGraphReader, query: string, scope: GraphScope = {}): Promise<GraphPage[]> {
  const pages: GraphPage[] = [];
  for await (const page of reader.pages(query, scope)) pages.push(page);
  return pages;
}
const ids = (pages: GraphPage[]) => pages.flatMap((p) => p.rows.map((r) => (r as { id: string }).id));

describe("Resource Graph reader against the simulator (real SDK over HTTPS)", () => {
  it("pages with $skipToken until the last page, in id order, accepting extra columns", async () => {
    const { sim, connection } = await start({ fleet: { clusters: 23, subscriptions: 2, seed: 3 } });
    const reader = new ResourceGraphReader({ ...connection, pageSize: 5 });
    const pages = await readAll(reader, CLUSTERS_QUERY);
    expect(pages.map((p) => p.rows.length)).toEqual([5, 5, 5, 5, 3]);
    expect(ids(pages)).toEqual(sim.fleet.clusters.map((c) => c.id).sort());
    expect(reader.requests).toBe(5);
    expect(sim.stats.argQueries).toBe(5);
    expect(Object.keys(pages[0].rows[0] as object)).toContain("tenantId"); // not projected, still accepted
    const configs = await Promise.all(CONFIGURATION_QUERIES.map((q) => readAll(new ResourceGraphReader({ ...connection, pageSize: 1000 }), q)));
    expect(ids(configs.flat()).length).toBe(sim.fleet.summary().components);
  });

  it("stays inside the quota: waits for the window instead of drawing a 429", async () => {
    // Whole-second windows, as real ARG reports them (resets-after has second resolution).
    const { sim, connection } = await start({ fleet: { clusters: 14, seed: 4 }, argQuota: { perWindow: 3, windowMs: 1000 } });
    const reader = new ResourceGraphReader({ ...connection, pageSize: 2 });
    const started = Date.now();
    const pages = await readAll(reader, CLUSTERS_QUERY);
    expect(pages.length).toBe(7);
    expect(sim.stats.argThrottled).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 1000 - 50); // 7 queries need 3 windows
    expect(reader.pacer.waitedMs).toBeGreaterThan(0);
  });

  it.each([false, true])("recovers from 429s (Retry-After: %s) when another reader shares the quota", async (retryAfter) => {
    const { sim, connection } = await start({
      fleet: { clusters: 12, seed: 5 },
      argQuota: { perWindow: 4, windowMs: 300 },
      faults: { argRetryAfter: retryAfter },
    });
    // Two readers with their own pacers on one token, each assuming it is alone: the other's use shows up as 429s.
    const [a, b] = await Promise.all([
      readAll(new ResourceGraphReader({ ...connection, pageSize: 2, pacer: new QuotaPacer({ assumedClients: 1 }) }), CLUSTERS_QUERY),
      readAll(new ResourceGraphReader({ ...connection, pageSize: 3, pacer: new QuotaPacer({ assumedClients: 1 }) }), CLUSTERS_QUERY),
    ]);
    expect(sim.stats.argThrottled).toBeGreaterThan(0);
    expect(ids(a)).toEqual(ids(b));
    expect(ids(a).length).toBe(12);
  });

  it("retries 5xx and timeouts, then reports a persistent failure with its code", async () => {
    const { sim, connection } = await start({ fleet: { clusters: 4, seed: 6 }, faults: { serverErrors: { count: 2, target: "arg", status: 503 } } });
    expect(ids(await readAll(new ResourceGraphReader(connection), CLUSTERS_QUERY)).length).toBe(4);
    sim.setFaults({ timeouts: { count: 1, target: "arg", holdMs: 3000 } });
    expect(ids(await readAll(new ResourceGraphReader({ ...connection, timeoutMs: 300 }), CLUSTERS_QUERY)).length).toBe(4);
    sim.setFaults({ serverErrors: { rate: 1, target: "arg", status: 500 } });
    await expect(readAll(new ResourceGraphReader(connection), CLUSTERS_QUERY)).rejects.toMatchObject({ name: "ArmReadError", statusCode: 500 });
    sim.setFaults({ timeouts: { rate: 1, target: "arg" } });
    await expect(
      readAll(new ResourceGraphReader({ ...connection, timeoutMs: 200, retry: { maxAttempts: 2, retryDelayMs: 1 } }), CLUSTERS_QUERY),
    ).rejects.toMatchObject({ code: "Timeout" });
  });

  it("a forbidden subscription fails the query with AccessDenied; the tenant limit header is reported", async () => {
    const { sim, connection } = await start({ fleet: { clusters: 6, subscriptions: 3, seed: 7 }, tenantSubscriptionLimit: 2 });
    const [s1, s2] = sim.fleet.subscriptions;
    sim.setFaults({ forbiddenSubscriptions: [s2] });
    await expect(readAll(new ResourceGraphReader(connection), CLUSTERS_QUERY, { subscriptions: [s1, s2] })).rejects.toMatchObject({
      code: "AccessDenied",
      statusCode: 403,
    });
    sim.setFaults({});
    const tenant = await readAll(new ResourceGraphReader(connection), CLUSTERS_QUERY);
    expect(tenant[0].subscriptionLimitHit).toBe(true);
    const scoped = await readAll(new ResourceGraphReader(connection), CLUSTERS_QUERY, { subscriptions: [s1] });
    expect(scoped[0].subscriptionLimitHit).toBe(false);
    const mg = await readAll(new ResourceGraphReader(connection), CLUSTERS_QUERY, { managementGroups: Object.keys(sim.fleet.managementGroups) });
    expect(ids(mg).length).toBeGreaterThan(0);
  });
});

describe("KubernetesConfiguration reader against the simulator", () => {
  it("refreshes one cluster from ARM: wire JSON, every page, no SDK defaults", async () => {
    const { sim, connection } = await start({ fleet: { clusters: 2, extensionsPerCluster: 5, fluxPerCluster: 2, seed: 8 }, armPageSize: 2 });
    const reader = new ConfigurationReader(connection);
    const cluster = sim.fleet.clusters[0];
    const read = await reader.readCluster(cluster.id);
    expect(judgeCluster(read.cluster, { ...DEFAULT_JUDGE_OPTIONS, now: new Date() }).id).toBe(cluster.id.toLowerCase());
    expect(read.configurations.length).toBe(cluster.components.length);
    // 1 cluster GET + pages of 2 per list
    const pagesOf = (n: number) => Math.max(1, Math.ceil(n / 2));
    const count = (kind: string) => cluster.components.filter((c) => c.kind === kind).length;
    expect(reader.requests).toBe(1 + pagesOf(count("extension")) + pagesOf(count("flux")) + pagesOf(count("sourceControl")));
    const ext = read.configurations.find((c) => (c as { type: string }).type.endsWith("extensions")) as { properties: Record<string, unknown> };
    expect(ext.properties).toHaveProperty("extensionType");
  });

  it("returns undefined for a deleted resource and honours 429 Retry-After from the read bucket", async () => {
    const { sim, connection } = await start({ fleet: { clusters: 1, extensionsPerCluster: 3, seed: 9 }, armReadBucket: { size: 2, refillPerSecond: 10 } });
    const reader = new ConfigurationReader({ ...connection, readBucket: { size: 25, refillPerSecond: 25 } });
    const cluster = sim.fleet.clusters[0];
    const ext = cluster.components.find((c) => c.kind === "extension")!;
    const id = `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/${ext.name}`;
    const reads = await Promise.all(Array.from({ length: 6 }, () => reader.getConfiguration(id)));
    expect(reads.every((r) => (r as { id: string }).id === id)).toBe(true);
    expect(sim.stats.armThrottled).toBeGreaterThan(0);
    expect(await reader.getConfiguration(`${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/nope`)).toBeUndefined();
    expect(() => new ConfigurationReader({ ...connection, readBucket: { size: 300, refillPerSecond: 25 } })).toThrow(RangeError);
  });

  it("a forbidden subscription fails with AuthorizationFailed", async () => {
    const { sim, connection } = await start({ fleet: { clusters: 1, seed: 10 } });
    sim.setFaults({ forbiddenSubscriptions: [sim.fleet.clusters[0].subscriptionId] });
    await expect(new ConfigurationReader(connection).getCluster(sim.fleet.clusters[0].id)).rejects.toMatchObject({
      code: "AuthorizationFailed",
      statusCode: 403,
    });
  });
});
