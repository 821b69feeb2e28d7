import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_COUNT_QUERY } from "../../shared/azure/resource-graph";
import { startArmSimulator, type ArmSimulator } from "../../dev/simulator";
import { ARG_PATH, CLUSTERS_QUERY, CONFIG_QUERY, failure, graphClient, query, queryAll, rawRequest } from "./clients";

describe("Resource Graph paging", () => {
  let sim: ArmSimulator;
  beforeAll(async () => {
    sim = await startArmSimulator({ fleet: { clusters: 120, subscriptions: 3 }, argQuota: false });
  });
  afterAll(() => sim.stop());

  it("pages with $skipToken to the end, in id order, with consistent totals", async () => {
    const client = graphClient(sim);
    const { rows, pages } = await queryAll(client, { query: CONFIG_QUERY, options: { top: 100, resultFormat: "objectArray" } });
    const expected = [...sim.fleet.components()].length;
    expect(rows).toHaveLength(expected);
    expect(pages.length).toBe(Math.ceil(expected / 100));
    for (const page of pages) {
      expect(page.totalRecords).toBe(expected);
      expect(page.resultTruncated).toBe("false");
      expect(page.count).toBe((page.data as unknown[]).length);
      expect(page.facets).toEqual([]);
    }
    expect(pages.slice(0, -1).every((p) => p.count === 100 && p.skipToken)).toBe(true);
    expect(pages[pages.length - 1].skipToken).toBeUndefined();
    const ids = rows.map((r) => r.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("returns 100 rows by default, up to 1000 with $top, and rejects $top outside 1..1000", async () => {
    const client = graphClient(sim);
    const first = await query(client, { query: CONFIG_QUERY });
    expect(first.response.count).toBe(100);
    const big = await query(client, { query: CONFIG_QUERY, options: { top: 1000 } });
    expect(big.response.count).toBe(Math.min(1000, big.response.totalRecords));
    for (const top of [1001, 0]) {
      const error = await failure(client.resources({ query: CONFIG_QUERY, options: { top } }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("BadRequest");
    }
  });

  it("applies $skip as an offset", async () => {
    const client = graphClient(sim);
    const all = await query(client, { query: CLUSTERS_QUERY, options: { top: 20 } });
    const skipped = await query(client, { query: CLUSTERS_QUERY, options: { top: 3, skip: 5 } });
    expect((skipped.response.data as Array<{ id: string }>).map((r) => r.id)).toEqual(
      (all.response.data as Array<{ id: string }>).slice(5, 8).map((r) => r.id),
    );
  });

  it("binds $skipToken to its query and scopes", async () => {
    const client = graphClient(sim);
    const first = await query(client, { query: CLUSTERS_QUERY, options: { top: 10 } });
    const token = first.response.skipToken;
    expect(token).toBeTruthy();
    const otherQuery = await failure(client.resources({ query: CONFIG_QUERY, options: { top: 10, skipToken: token } }));
    expect(otherQuery.statusCode).toBe(400);
    expect(otherQuery.details?.error?.details?.[0].code).toBe("InvalidSkipToken");
    const otherScope = await failure(
      client.resources({ query: CLUSTERS_QUERY, subscriptions: [sim.fleet.subscriptions[0]], options: { top: 10, skipToken: token } }),
    );
    expect(otherScope.statusCode).toBe(400);
    const garbage = await failure(client.resources({ query: CLUSTERS_QUERY, options: { skipToken: "not-a-token" } }));
    expect(garbage.statusCode).toBe(400);
    const next = await query(client, { query: CLUSTERS_QUERY, options: { top: 10, skipToken: token } });
    expect((next.response.data as Array<{ id: string }>)[0].id > (first.response.data as Array<{ id: string }>)[9].id).toBe(true);
  });

  it("returns extension properties PascalCase and flux, sourceControl and cluster properties camelCase", async () => {
    const client = graphClient(sim);
    const { rows } = await queryAll(client, { query: CONFIG_QUERY, options: { top: 1000 } });
    const extension = rows.find((r) => r.type === "microsoft.kubernetesconfiguration/extensions" && r.name === "flux")!;
    const props = extension.properties as Record<string, unknown>;
    expect(props.ExtensionType).toBe("microsoft.flux");
    expect(props.ProvisioningState).toBeDefined();
    expect(props).not.toHaveProperty("provisioningState");
    expect(props.Scope).toEqual({ cluster: { ReleaseNamespace: "flux-system" } });
    expect(props.ConfigurationSettings).toEqual({ "multiTenancy.enforce": "false" });

    const failed = rows.find(
      (r) => r.type === "microsoft.kubernetesconfiguration/extensions" && (r.properties as Record<string, unknown>).ProvisioningState === "Failed",
    );
    expect(failed).toBeDefined();
    const f = failed!.properties as { Statuses: Array<Record<string, unknown>>; ErrorInfo: Record<string, unknown> | null };
    const message = f.Statuses[0]?.Message ?? (f.ErrorInfo?.Details as Array<{ Message: string }>)[0].Message;
    expect(typeof message).toBe("string");

    const flux = rows.find((r) => r.type === "microsoft.kubernetesconfiguration/fluxconfigurations")!.properties as Record<string, unknown>;
    expect(flux.complianceState).toBeDefined();
    expect(flux).toHaveProperty("statuses");
    expect(flux).not.toHaveProperty("ComplianceState");

    const clusters = (await query(client, { query: CLUSTERS_QUERY, options: { top: 1000 } })).response.data as Array<Record<string, unknown>>;
    const arc = clusters.find((c) => c.type === "microsoft.kubernetes/connectedclusters")!;
    expect(arc.properties).toHaveProperty("connectivityStatus");
    expect(arc.properties).toHaveProperty("lastConnectivityTime");
    const aks = clusters.find((c) => c.type === "microsoft.containerservice/managedclusters")!;
    expect((aks.properties as { powerState: { code: string } }).powerState.code).toMatch(/Running|Stopped/);
  });

  it("hands back an extra tenantId column beyond the projection", async () => {
    const { response } = await query(graphClient(sim), {
      query: "resources | where type =~ 'microsoft.kubernetes/connectedclusters' | project id, name | order by id asc",
      options: { top: 1 },
    });
    expect(Object.keys((response.data as object[])[0])).toEqual(["id", "name", "tenantId"]);
  });

  it("answers in table format when asked", async () => {
    const { response } = await query(graphClient(sim), {
      query: "resources | where type =~ 'microsoft.kubernetes/connectedclusters' | project id, name, properties",
      options: { top: 2, resultFormat: "table" },
    });
    const table = response.data as { columns: Array<{ name: string; type: string }>; rows: unknown[][] };
    expect(table.columns).toEqual([
      { name: "id", type: "string" },
      { name: "name", type: "string" },
      { name: "properties", type: "object" },
      { name: "tenantId", type: "string" },
    ]);
    expect(table.rows).toHaveLength(2);
  });

  it("treats == as case-sensitive and =~ as case-insensitive, as KQL does", async () => {
    const client = graphClient(sim);
    const exact = await query(client, { query: "resources | where type == 'Microsoft.Kubernetes/connectedClusters' | project id" });
    expect(exact.response.totalRecords).toBe(0);
    const loose = await query(client, { query: "resources | where type =~ 'Microsoft.Kubernetes/connectedClusters' | project id" });
    expect(loose.response.totalRecords).toBe(sim.fleet.clusters.filter((c) => c.kind === "arc").length);
  });

  it("answers the planner's count of clusters per subscription", async () => {
    const { response } = await query(graphClient(sim), { query: CLUSTER_COUNT_QUERY });
    const rows = response.data as Array<{ subscriptionId: string; count_: number }>;
    expect(rows.reduce((n, r) => n + r.count_, 0)).toBe(sim.fleet.clusters.length);
    expect(new Set(rows.map((r) => r.subscriptionId)).size).toBe(rows.length);
    expect(response.skipToken).toBeUndefined();
  });

  it("rejects what it cannot parse with a 400 InvalidQuery body", async () => {
    const client = graphClient(sim);
    for (const bad of [
      "resources | summarize count() by type",
      "securityresources | project id",
      "resources | project id, nosuchcolumn",
      "resources | where type =~",
    ]) {
      const error = await failure(client.resources({ query: bad }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("BadRequest");
      expect(error.details?.error?.details?.[0].code).toBe("InvalidQuery");
      expect(error.message).toMatch(/^Please provide below info when asking for support: timestamp = /);
    }
  });

  it("marks the result truncated and gives no $skipToken when id is not projected", async () => {
    const { response } = await query(graphClient(sim), { query: "kubernetesconfigurationresources | project name, type", options: { top: 10 } });
    expect(response.resultTruncated).toBe("true");
    expect(response.skipToken).toBeUndefined();
  });

  it("refuses a wrong bearer token and a missing one with ARM 401 bodies", async () => {
    const error = await failure(graphClient(sim, "someone-else").resources({ query: CLUSTERS_QUERY }));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("InvalidAuthenticationToken");
    const missing = await rawRequest(sim, "POST", ARG_PATH, { body: { query: CLUSTERS_QUERY }, token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
  });

  it("requires the api-version and a JSON body", async () => {
    const noVersion = await rawRequest(sim, "POST", "/providers/Microsoft.ResourceGraph/resources", { body: { query: CLUSTERS_QUERY } });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error.code).toBe("MissingApiVersionParameter");
    const notJson = await rawRequest(sim, "POST", ARG_PATH, { body: "resources" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.details[0].code).toBe("InvalidRequestContent");
  });
});

describe("Resource Graph scoping", () => {
  let sim: ArmSimulator;
  beforeAll(async () => {
    sim = await startArmSimulator({ fleet: { clusters: 40, subscriptions: 4 }, argQuota: false, tenantSubscriptionLimit: 2 });
  });
  afterAll(() => sim.stop());

  const subscriptionsOf = (rows: Array<Record<string, unknown>>) => new Set(rows.map((r) => r.subscriptionId as string));

  it("returns only the rows of the named subscriptions, without the tenant limit header", async () => {
    const [a, b] = sim.fleet.subscriptions;
    const page = await query(graphClient(sim), { query: CLUSTERS_QUERY, subscriptions: [a, b], options: { top: 1000 } });
    expect(subscriptionsOf(page.response.data as Array<Record<string, unknown>>)).toEqual(new Set([a, b]));
    expect(page.response.totalRecords).toBe(sim.fleet.clusters.filter((c) => c.subscriptionId === a || c.subscriptionId === b).length);
    expect(page.headers["x-ms-tenant-subscription-limit-hit"]).toBeUndefined();
  });

  it("expands management groups to their subscriptions and cuts tenant scope at the subscription limit", async () => {
    const client = graphClient(sim);
    const mg = await query(client, { query: CLUSTERS_QUERY, managementGroups: ["fleet-mg"], options: { top: 1000 } });
    expect(mg.headers["x-ms-tenant-subscription-limit-hit"]).toBe("true");
    expect(subscriptionsOf(mg.response.data as Array<Record<string, unknown>>)).toEqual(new Set(sim.fleet.subscriptions.slice(0, 2)));
    const tenant = await query(client, { query: CLUSTERS_QUERY, options: { top: 1000 } });
    expect(tenant.headers["x-ms-tenant-subscription-limit-hit"]).toBe("true");
    expect(tenant.response.totalRecords).toBe(mg.response.totalRecords);
  });

  it("refuses an unknown management group with 403 AccessDenied", async () => {
    const error = await failure(graphClient(sim).resources({ query: CLUSTERS_QUERY, managementGroups: ["no-such-mg"] }));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe("AccessDenied");
  });
});

describe("Resource Graph scoping with custom management groups", () => {
  it("uses the management groups of the fleet spec", async () => {
    const probe = await startArmSimulator({ fleet: { clusters: 30, subscriptions: 3 }, argQuota: false });
    const [a, b, c] = probe.fleet.subscriptions;
    await probe.stop();
    const sim = await startArmSimulator({ fleet: { clusters: 30, subscriptions: 3, managementGroups: { prod: [a], rest: [b, c] } }, argQuota: false });
    try {
      const page = await query(graphClient(sim), { query: CLUSTERS_QUERY, managementGroups: ["prod"], options: { top: 1000 } });
      const subs = new Set((page.response.data as Array<{ subscriptionId: string }>).map((r) => r.subscriptionId));
      expect(subs).toEqual(new Set([a]));
      expect(page.headers["x-ms-tenant-subscription-limit-hit"]).toBeUndefined();
    } finally {
      await sim.stop();
    }
  });
});

describe("Resource Graph quota", () => {
  it("counts down x-ms-user-quota-remaining per window and answers 429 RateLimiting without Retry-After", async () => {
    // A window long enough that a loaded machine cannot cross it mid-test; the reset is unit-tested in limits.test.ts.
    const sim = await startArmSimulator({ fleet: { clusters: 5 }, argQuota: { perWindow: 3, windowMs: 60_000 } });
    try {
      const client = graphClient(sim);
      const remaining: Array<string | undefined> = [];
      for (let i = 0; i < 3; i++) {
        const page = await query(client, { query: CLUSTERS_QUERY });
        remaining.push(page.headers["x-ms-user-quota-remaining"]);
        expect(page.headers["x-ms-user-quota-resets-after"]).toMatch(/^00:0[01]:\d\d$/);
      }
      expect(remaining).toEqual(["2", "1", "0"]);
      const throttled = await failure(client.resources({ query: CLUSTERS_QUERY }));
      expect(throttled.statusCode).toBe(429);
      expect(throttled.code).toBe("RateLimiting");
      const { body } = await rawRequest(sim, "POST", ARG_PATH, { body: { query: CLUSTERS_QUERY } });
      expect(Object.keys(body.error)).toEqual(["code", "message", "details"]);
      expect(body.error.code).toBe("RateLimiting");
      expect(body.error.details).toEqual([
        {
          code: "RateLimiting",
          message:
            "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.",
        },
      ]);
      expect(throttled.response?.headers.get("retry-after")).toBeUndefined();
      expect(throttled.response?.headers.get("x-ms-user-quota-remaining")).toBe("0");
      expect(sim.stats.argThrottled).toBe(2);
    } finally {
      await sim.stop();
    }
  });

  it("opens a new window once the old one has passed", async () => {
    const sim = await startArmSimulator({ fleet: { clusters: 5 }, argQuota: { perWindow: 1, windowMs: 300 } });
    try {
      const client = graphClient(sim);
      await query(client, { query: CLUSTERS_QUERY });
      await new Promise((r) => setTimeout(r, 350));
      expect((await query(client, { query: CLUSTERS_QUERY })).headers["x-ms-user-quota-remaining"]).toBe("0");
    } finally {
      await sim.stop();
    }
  });

  it("adds Retry-After to the 429 when faults.argRetryAfter is set", async () => {
    const sim = await startArmSimulator({ fleet: { clusters: 5 }, argQuota: { perWindow: 1, windowMs: 60_000 }, faults: { argRetryAfter: true } });
    try {
      const client = graphClient(sim);
      await query(client, { query: CLUSTERS_QUERY });
      const throttled = await failure(client.resources({ query: CLUSTERS_QUERY }));
      expect(throttled.statusCode).toBe(429);
      expect(Number(throttled.response?.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
      expect(throttled.response?.headers.get("x-ms-user-quota-resets-after")).toMatch(/^00:0[01]:\d\d$/);
    } finally {
      await sim.stop();
    }
  });
});
