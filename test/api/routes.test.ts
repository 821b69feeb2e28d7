import { beforeAll, describe, expect, it } from "vitest";
import { clusterId, SUB_A, SUB_B } from "../store/fixtures";
import { apiClient, openSeeded, type Answer } from "./support";

let api: ReturnType<typeof apiClient>;
const get = (path: string, headers?: Record<string, string>) => api("GET", path, { headers });
const href = (name: string, sub = SUB_A, kind: "arc" | "aks" = "arc") => `/api/clusters${clusterId(name, sub, kind)}`;

beforeAll(async () => {
  const { services } = await openSeeded("apiroutes");
  api = apiClient(services);
});

function expectError(res: Answer, status: number, parameter?: string) {
  expect(res.status).toBe(status);
  expect(res.json.error.code).toEqual(expect.any(String));
  expect(res.json.error.message).toEqual(expect.any(String));
  if (parameter) {
    expect(res.json.error.parameter).toBe(parameter);
    expect(res.json.error.message).toContain(parameter);
  }
}

describe("GET /summary", () => {
  it("counts clusters, components and failures of the latest sweep", async () => {
    const res = await get("/api/summary");
    expect(res.status).toBe(200);
    const s = res.json;
    expect(s.latestSweep.sweepId).toBe("sweep-2");
    expect(s.lastCompleteSweep.sweepId).toBe("sweep-2");
    expect(s.partial).toBe(false);
    expect(s.clusters.total).toBe(4);
    expect(s.clusters.byState).toMatchObject({ failing: 2, healthy: 2 });
    expect(s.clusters.byKind.aks).toMatchObject({ total: 1, byState: { healthy: 1 } });
    expect(s.clusters.bySubscription[SUB_B].total).toBe(1);
    expect(s.components.total).toBe(16);
    expect(s.failures).toMatchObject({ open: 2, byCatalogId: { "flux-extension-install": 2 }, byCategory: { extension: 2 }, unclassified: 0 });
    expect(s.extensions["microsoft.flux"]).toMatchObject({ total: 4, byState: { failing: 2, healthy: 2 } });
  });

  it("answers 304 to its own ETag", async () => {
    const first = await get("/api/summary");
    const again = await get("/api/summary", { "if-none-match": first.headers.get("etag") as string });
    expect(again.status).toBe(304);
  });
});

describe("GET /clusters", () => {
  it("filters by state, kind, subscription, extension type, catalog id and name", async () => {
    const names = async (qs: string) => ((await get(`/api/clusters${qs}`)).json.items as Array<{ name: string }>).map((c) => c.name);
    expect(await names("?state=failing")).toEqual(["alpha", "bravo"]);
    expect(await names("?state=healthy,failing&sort=state")).toEqual(["alpha", "bravo", "charlie", "delta"]);
    expect(await names("?kind=aks")).toEqual(["charlie"]);
    expect(await names(`?subscription=${SUB_B.toUpperCase()}`)).toEqual(["charlie"]);
    expect(await names("?catalogId=flux-extension-install&resourceGroup=RG-FLEET")).toEqual(["alpha", "bravo"]);
    expect(await names("?extensionType=Microsoft.Flux&search=LT")).toEqual(["delta"]);
    expect(await names("?search=zzz")).toEqual([]);
  });

  it("links each cluster to its detail route", async () => {
    const res = await get("/api/clusters?search=alpha");
    expect(res.json.items[0]).toMatchObject({
      id: clusterId("alpha"),
      state: "failing",
      openFailures: 1,
      catalogIds: ["flux-extension-install"],
      href: href("alpha"),
    });
  });

  it("pages with an opaque token bound to the query", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await get(`/api/clusters?limit=1&sort=name${token ? `&continuationToken=${token}` : ""}`);
      expect(res.status).toBe(200);
      seen.push(...res.json.items.map((c: { name: string }) => c.name));
      token = res.json.continuationToken;
    } while (token && seen.length < 10);
    expect(seen).toEqual(["alpha", "bravo", "charlie", "delta"]);
    const first = await get("/api/clusters?limit=1");
    expectError(await get(`/api/clusters?limit=1&state=failing&continuationToken=${first.json.continuationToken}`), 400, "continuationToken");
    expectError(await get("/api/clusters?continuationToken=abc"), 400, "continuationToken");
  });

  it("refuses unknown filters and bad values, naming them", async () => {
    expectError(await get("/api/clusters?status=failing"), 400, "status");
    expectError(await get("/api/clusters?state=broken"), 400, "state");
    expectError(await get("/api/clusters?kind=eks"), 400, "kind");
    expectError(await get("/api/clusters?limit=0"), 400, "limit");
    expectError(await get("/api/clusters?subscription=x'%20or%20'1'%20eq%20'1"), 400, "subscription");
  });
});

describe("GET /clusters/{ARM id}", () => {
  it("returns every component and each open failure with its catalog entry", async () => {
    const res = await get(href("alpha"));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: clusterId("alpha"), name: "alpha", kind: "arc", state: "failing" });
    expect(res.json.components).toHaveLength(4);
    expect(res.json.components.every((c: { evidence: unknown[]; reason: string }) => c.evidence.length > 0 && c.reason)).toBe(true);
    expect(res.json.openFailures).toHaveLength(1);
    const failure = res.json.openFailures[0];
    expect(failure).toMatchObject({ componentName: "flux", catalogId: "flux-extension-install", state: "failing" });
    expect(failure.entry.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    expect(failure.entry.steps.length).toBeGreaterThan(0);
    // Ready to run on this cluster: its own names, the Arc cluster type, no placeholder it could fill.
    const commands = failure.entry.steps.map((s: { command?: string }) => s.command ?? "").join("\n");
    expect(commands).toContain("-c alpha");
    expect(commands).toContain("-t connectedClusters");
    expect(commands).not.toMatch(/<CLUSTER_NAME>|<RESOURCE_GROUP>|<connectedClusters or managedClusters>|managedClusters/);
  });

  it("takes the id in any case, as ARM ids are case-insensitive", async () => {
    const res = await get(
      href("alpha").replace("resourcegroups", "resourceGroups").replace("microsoft.kubernetes/connectedclusters", "Microsoft.Kubernetes/connectedClusters"),
    );
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(clusterId("alpha"));
  });

  it("404 for an unknown cluster, 400 for a path that is no cluster id", async () => {
    expectError(await get(href("nope")), 404, "clusterId");
    expectError(
      await get(`/api/clusters/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/x`),
      400,
      "subscriptionId",
    );
    expectError(await get(`/api/clusters/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/x`), 400, "clusterType");
  });
});

describe("GET /clusters/{ARM id}/history", () => {
  it("returns the timeline with time to recover per episode", async () => {
    const res = await get(`${href("charlie", SUB_B, "aks")}/history`);
    expect(res.status).toBe(200);
    expect(res.json.transitions.map((t: { event: string }) => t.event)).toContain("recovered");
    const episode = res.json.episodes.find((e: { componentName: string }) => e.componentName === "azuremonitor-containers");
    expect(episode).toMatchObject({
      catalogId: "helm-timeout-ready",
      startedAt: "2026-11-01T00:00:00.000Z",
      endedAt: "2026-11-01T00:15:00.000Z",
      timeToRecoverMs: 15 * 60_000,
    });
  });

  it("keeps open episodes open and honours the window", async () => {
    const open = await get(`${href("alpha")}/history?from=2026-11-01T00:10:00Z`);
    expect(open.json.episodes).toEqual([expect.objectContaining({ componentName: "flux", endedAt: null, timeToRecoverMs: null })]);
    const before = await get(`${href("alpha")}/history?to=2026-11-01T00:10:00Z`);
    expect(before.json.episodes).toEqual([]);
  });

  it("400 for bad or reversed dates", async () => {
    expectError(await get(`${href("alpha")}/history?from=yesterday`), 400, "from");
    expectError(await get(`${href("alpha")}/history?from=2026-11-02&to=2026-11-01`), 400, "from");
    expectError(await get(`${href("alpha")}/history?since=7d`), 400, "since");
  });
});

describe("GET /failures and /incidents", () => {
  it("lists open failures with their entries, filtered", async () => {
    const open = await get("/api/failures");
    expect(open.json.items.map((f: { clusterName: string }) => f.clusterName).sort()).toEqual(["alpha", "bravo"]);
    expect(open.json.items[0].entry.id).toBe("flux-extension-install");
    expect((await get("/api/failures?category=helm")).json.items).toEqual([]);
    expect((await get("/api/failures?since=2026-11-01T00:10:00Z")).json.items.map((f: { clusterName: string }) => f.clusterName)).toEqual(["alpha"]);
    expect((await get("/api/failures?extensionType=microsoft.flux&catalogId=flux-extension-install&limit=1")).json.continuationToken).toEqual(
      expect.any(String),
    );
  });

  it("lists resolved failures with time to recover", async () => {
    const res = await get("/api/failures?status=resolved&since=2026-10-01");
    expect(res.json.items).toEqual([
      expect.objectContaining({
        clusterName: "charlie",
        componentName: "azuremonitor-containers",
        catalogId: "helm-timeout-ready",
        timeToRecoverMs: 15 * 60_000,
      }),
    ]);
    expect((await get("/api/failures?status=resolved&since=2026-10-01&category=extension")).json.items).toEqual([]);
  });

  it("groups the same entry failing on several clusters into an incident", async () => {
    const res = await get("/api/incidents");
    expect(res.json.items).toEqual([
      expect.objectContaining({
        key: "catalog:flux-extension-install",
        clusterCount: 2,
        componentCount: 2,
        firstSeenAt: "2026-11-01T00:00:00.000Z",
        extensionTypes: ["microsoft.flux"],
      }),
    ]);
    expect((await get("/api/incidents?minClusters=3")).json.items).toEqual([]);
    expect((await get("/api/incidents?catalog=matched")).json.items).toHaveLength(1);
    expect((await get("/api/incidents?catalog=unmatched&minClusters=1")).json.items).toEqual([]); // every open failure here is documented
    expectError(await get("/api/incidents?catalog=maybe"), 400, "catalog");
    expectError(await get("/api/incidents?status=open"), 400, "status");
    expectError(await get("/api/failures?status=closed"), 400, "status");
  });
});

describe("GET /sweeps", () => {
  it("lists sweeps newest first and pages", async () => {
    const first = await get("/api/sweeps?limit=1");
    expect(first.json.items.map((s: { sweepId: string }) => s.sweepId)).toEqual(["sweep-2"]);
    const second = await get(`/api/sweeps?limit=1&continuationToken=${first.json.continuationToken}`);
    expect(second.json.items.map((s: { sweepId: string }) => s.sweepId)).toEqual(["sweep-1"]);
    expectError(await get("/api/sweeps?continuationToken=eyJ2IjoxfQ"), 400, "continuationToken");
  });
});

describe("catalog and classify", () => {
  it("lists and shows catalog entries", async () => {
    const list = await get("/api/catalog?category=helm");
    expect(list.json.items.length).toBeGreaterThan(0);
    expect(list.json.items.every((e: { category: string }) => e.category === "helm")).toBe(true);
    const entry = await get("/api/catalog/helm-timeout-ready");
    expect(entry.json).toMatchObject({ id: "helm-timeout-ready", category: "helm" });
    // Sources are documents a reader can open, not the seed files the entry was written from.
    expect(entry.json.sources[0]).toEqual({
      title: expect.stringMatching(/estensioni del cluster/),
      language: "it",
      url: expect.stringMatching(/^https:\/\/learn\.microsoft\.com\//),
      section: expect.any(String),
    });
    expect(JSON.stringify(entry.json.sources)).not.toMatch(/\.txt/);
    expectError(await get("/api/catalog/no-such-entry"), 404, "id");
  });

  it("classifies a pasted message, as JSON or plain text", async () => {
    const message = "Timed out waiting for the resource to come to a ready/completed state.";
    const json = await api("POST", "/api/classify", {
      body: JSON.stringify({ message, context: { component: "extension" } }),
      headers: { "content-type": "application/json" },
    });
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ catalogId: "helm-timeout-ready", entry: { id: "helm-timeout-ready" } });
    const text = await api("POST", "/api/classify", { body: message, headers: { "content-type": "text/plain" } });
    expect(text.json.catalogId).toBe("helm-timeout-ready");
    const none = await api("POST", "/api/classify", { body: JSON.stringify({ message: "all good here" }) });
    expect(none.json).toMatchObject({ catalogId: null, entry: null });
  });

  it("400 naming the field for bad bodies, 405 for GET", async () => {
    expectError(await api("POST", "/api/classify", { body: "{not json" }), 400, "body");
    expectError(await api("POST", "/api/classify", { body: "" }), 400, "message");
    expectError(await api("POST", "/api/classify", { body: JSON.stringify({ message: 42 }) }), 400, "message");
    expectError(await api("POST", "/api/classify", { body: JSON.stringify({ message: "x", extra: 1 }) }), 400, "extra");
    expectError(await api("POST", "/api/classify", { body: JSON.stringify({ message: "x", context: { component: "pod" } }) }), 400, "context.component");
    expectError(await api("POST", "/api/classify", { body: JSON.stringify({ message: "x", context: { colour: "red" } }) }), 400, "context.colour");
    expectError(await api("POST", "/api/classify", { body: JSON.stringify({ message: "x".repeat(40_000) }) }), 400, "message");
    expectError(await api("POST", "/api/classify", { body: "x".repeat(70_000) }), 413, "body");
    const wrong = await get("/api/classify");
    expectError(wrong, 405, "method");
    expect(wrong.headers.get("allow")).toBe("POST");
    expectError(await api("DELETE", "/api/summary"), 405, "method");
  });
});

describe("digests, health and the OpenAPI document", () => {
  it("lists stored digests and refuses bad ids", async () => {
    expect((await get("/api/digests")).json).toEqual({ items: [] });
    expectError(await get("/api/digests/not-an-id"), 400, "id");
    expectError(await get("/api/digests/20261121T070000Z_20261122T070000Z"), 404, "id");
  });

  it("answers liveness and serves OpenAPI 3.1", async () => {
    expect((await get("/api/health")).json.status).toBe("ok");
    const doc = await get("/api/openapi.json");
    expect(doc.json.openapi).toBe("3.1.0");
    expect(doc.json.paths["/health"].get.security).toEqual([]);
  });
});
