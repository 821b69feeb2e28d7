/**
 * Every route called with real data (see ./swept.ts), every answer validated with ajv against the
 * OpenAPI document the API itself serves. Object schemas are closed for the check (additional
 * properties refused), so a field the handlers send but the document does not declare fails here,
 * while the published document stays open to additions.
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "../../dev/simulator";
import { openApiPath } from "../../shared/api/openapi";
import type { ArmConnection } from "../../shared/azure/connection";
import { ResourceGraphReader } from "../../shared/azure/resource-graph";
import { API_ROUTES } from "../../shared/api/routes";
import { apiClient, type Answer } from "./support";
import { OPERATOR_KEY, openSwept } from "./swept";

let api: ReturnType<typeof apiClient>;
let close: () => Promise<void>;
let sim: ArmSimulator;
let connection: ArmConnection;
let validate: (route: string, method: string, res: Answer) => void;
const called = new Set<string>();

/** Closes every object schema that lists its properties and says nothing about others. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== "object") return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)]));
  const props = out.properties as Record<string, unknown> | undefined;
  if (out.type === "object" && props && Object.keys(props).length && out.additionalProperties === undefined && out.patternProperties === undefined)
    out.additionalProperties = false;
  return out;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

beforeAll(async () => {
  const swept = await openSwept("apicontract");
  ({ close, sim, connection } = swept);
  api = apiClient(swept.services);
  const served = await api("GET", "/api/openapi.json");
  expect(served.status).toBe(200);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(closed(served.json) as object, "openapi.json");
  validate = (route, method, res) => {
    const operation = served.json.paths[openApiPath(route)]?.[method.toLowerCase()];
    expect(operation, `${method} ${route} is in the document`).toBeDefined();
    expect(Object.keys(operation.responses), `${method} ${route} documents status ${res.status}`).toContain(String(res.status));
    if (res.json === undefined) return;
    const check = ajv.compile({
      $ref: `openapi.json#/${pointer("paths", openApiPath(route), method.toLowerCase(), "responses", String(res.status), "content", "application/json", "schema")}`,
    });
    if (!check(res.json))
      throw new Error(
        `${method} ${route} ${res.status} does not match the document: ${check.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join("\n")}`,
      );
  };
}, 120_000);

afterAll(() => close?.());

/** Calls a path, checks the answer against the document's schema for the route it hit, returns it. */
async function call(routeName: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const def = API_ROUTES.find((r) => r.name === routeName)!;
  const res = await api(method, path, {
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  validate(def.route, method, res);
  called.add(routeName);
  return res;
}

async function allPages(routeName: string, path: string): Promise<Array<Answer["json"]>> {
  const items: Array<Answer["json"]> = [];
  let token: string | undefined;
  do {
    const res = await call(routeName, "GET", `${path}${path.includes("?") ? "&" : "?"}limit=5${token ? `&continuationToken=${token}` : ""}`);
    expect(res.status).toBe(200);
    items.push(...res.json.items);
    token = res.json.continuationToken;
  } while (token);
  return items;
}

describe("every route's real answers match the served OpenAPI document", () => {
  it("fleet, clusters and their history", async () => {
    await call("health", "GET", "/api/health");
    const summary = await call("getSummary", "GET", "/api/summary");
    const metrics = await call("getMetrics", "GET", "/api/metrics");
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toContain("# TYPE ");
    const clusters = await allPages("listClusters", "/api/clusters?sort=state");
    expect(clusters.length).toBe(summary.json.clusters.total);
    expect(clusters.some((c) => c.dark)).toBe(true);
    for (const row of clusters) {
      const detail = await call("getCluster", "GET", row.href);
      expect(detail.status).toBe(200);
      expect((await call("getClusterHistory", "GET", `${row.href}/history`)).status).toBe(200);
      const timeline = await call("getClusterTimeline", "GET", `${row.href}/timeline?limit=1`);
      expect(timeline.status).toBe(200);
      if (timeline.json.episodes.continuationToken)
        expect(
          (
            await call(
              "getClusterTimeline",
              "GET",
              `${row.href}/timeline?limit=1&from=${timeline.json.window.from}&continuationToken=${timeline.json.episodes.continuationToken}`,
            )
          ).status,
        ).toBe(200);
    }
    expect((await call("getClusterTimeline", "GET", `${clusters[0].href}/timeline?points=1`)).status).toBe(400);
    expect(
      (
        await call(
          "getCluster",
          "GET",
          "/api/clusters/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/none",
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await call(
          "getClusterHistory",
          "GET",
          "/api/clusters/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/x/history",
        )
      ).status,
    ).toBe(400);
    expect((await call("listClusters", "GET", "/api/clusters?state=bogus")).status).toBe(400);
  });

  it("failures, incidents, sweeps and digests", async () => {
    expect((await allPages("listFailures", "/api/failures")).length).toBeGreaterThan(0);
    expect((await allPages("listFailures", "/api/failures?status=resolved&since=3650d")).length).toBeGreaterThan(0);
    expect((await call("listIncidents", "GET", "/api/incidents?minClusters=1")).json.items.length).toBeGreaterThan(0);
    expect((await allPages("listSweeps", "/api/sweeps")).length).toBe(4);
    const digests = await allPages("listDigests", "/api/digests");
    expect(digests[0].deliveries[0]).toMatchObject({ target: "webhook", status: "delivered" });
    expect((await call("getDigest", "GET", `/api/digests/${digests[0].id}`)).status).toBe(200);
    expect((await call("getDigest", "GET", "/api/digests/nope")).status).toBe(400);
    const email = (await call("getDigestEmail", "GET", `/api/digests/${digests[0].id}/email`)).json;
    expect(email).toMatchObject({ id: digests[0].id, subject: expect.stringContaining("Fleet health") });
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).not.toMatch(/<script/i);
    expect((await call("getDigestEmail", "GET", "/api/digests/20200101T000000Z_20200102T000000Z/email")).status).toBe(404);
    expect((await call("getDigestEmail", "GET", "/api/digests/nope/email")).status).toBe(400);
  });

  it("catalog and classify", async () => {
    const entries = (await call("listCatalog", "GET", "/api/catalog")).json.items;
    for (const entry of entries) expect((await call("getCatalogEntry", "GET", `/api/catalog/${entry.id}`)).status).toBe(200);
    expect((await call("getCatalogEntry", "GET", "/api/catalog/none")).status).toBe(404);
    const classified = await call("classifyMessage", "POST", "/api/classify", {
      message: "Timed out waiting for the resource to come to a ready/completed state.",
      context: { component: "extension" },
    });
    expect(classified.json.entry).not.toBeNull();
    expect((await call("classifyMessage", "POST", "/api/classify", { message: "all good" })).json.catalogId).toBeNull();
    expect((await call("classifyMessage", "POST", "/api/classify", { message: "x", context: { component: "pod" } })).status).toBe(400);
  });

  it("silences, acknowledgements, notes and the audit trail, and the markers they put on failures", async () => {
    const operator = { "x-fleet-operator-key": OPERATOR_KEY, "x-fleet-operator": "contract" };
    const failure = (await call("listFailures", "GET", "/api/failures?limit=1")).json.items[0];
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const silence = await call(
      "silences",
      "POST",
      "/api/silences",
      { ...(failure.catalogId ? { catalogId: failure.catalogId } : { fingerprint: failure.fingerprint }), reason: "contract test", expiresAt },
      operator,
    );
    expect(silence.status).toBe(201);
    expect((await call("silences", "GET", "/api/silences")).json.items.length).toBe(1);
    const changed = await call(
      "silence",
      "PATCH",
      `/api/silences/${silence.json.id}`,
      { reason: "still testing" },
      { ...operator, "if-match": silence.json.etag },
    );
    expect(changed.status).toBe(200);
    const ack = await call(
      "acknowledgements",
      "POST",
      "/api/acknowledgements",
      { clusterId: failure.clusterId, componentId: failure.componentId, note: "on it", ticketUrl: "https://example.com/T-1" },
      operator,
    );
    expect(ack.status).toBe(201);
    expect((await call("acknowledgement", "GET", `/api/acknowledgements/${ack.json.id}`)).status).toBe(200);
    expect((await call("acknowledgements", "GET", "/api/acknowledgements")).json.items.length).toBe(1);
    const marked = (await call("listFailures", "GET", "/api/failures?limit=1000")).json.items.find(
      (f: { componentId: string }) => f.componentId === failure.componentId,
    );
    expect(marked).toMatchObject({ silenced: { reason: "still testing" }, acknowledged: { note: "on it" } });
    expect(
      (await call("getCluster", "GET", `/api/clusters${failure.clusterArmId}`)).json.openFailures.some((f: { acknowledged?: unknown }) => f.acknowledged),
    ).toBe(true);
    await call("listIncidents", "GET", "/api/incidents?minClusters=1");
    const note = await call("notes", "POST", "/api/notes", { clusterId: failure.clusterId, text: "looked at it" }, operator);
    expect(note.status).toBe(201);
    expect((await call("notes", "GET", `/api/notes?clusterId=${encodeURIComponent(failure.clusterId)}`)).json.items.length).toBe(1);
    expect((await call("note", "GET", `/api/notes/${note.json.id}`)).status).toBe(200);
    expect((await call("note", "DELETE", `/api/notes/${note.json.id}`, undefined, { ...operator, "if-match": note.json.etag })).status).toBe(200);
    expect((await call("silence", "DELETE", `/api/silences/${silence.json.id}`, undefined, { ...operator, "if-match": changed.json.etag })).status).toBe(200);
    expect(
      (await call("acknowledgement", "DELETE", `/api/acknowledgements/${ack.json.id}`, undefined, { ...operator, "if-match": ack.json.etag })).status,
    ).toBe(200);
    expect((await call("silences", "POST", "/api/silences", { reason: "no key" })).status).toBe(403);
    expect((await call("listAudit", "GET", "/api/audit?limit=5")).json.items.length).toBe(5);
    expect((await call("silence", "GET", `/api/silences/${silence.json.id}`)).status).toBe(404);
  });

  it("the document itself, and every route was called", async () => {
    await call("openapi", "GET", "/api/openapi.json");
    expect([...called].sort()).toEqual(API_ROUTES.map((r) => r.name).sort());
  });
});

describe("the Azure data the dashboard needs", () => {
  const get = (path: string) => api("GET", path);

  it("names subscriptions, keeps ids in ARM's casing next to the canonical ones, and shows location and tags", async () => {
    const rows = (await get("/api/clusters?limit=1000")).json.items;
    const summary = (await get("/api/summary")).json;
    for (const row of rows) {
      const simulated = sim.fleet.cluster(row.armId);
      expect(row.armId).toBe(simulated.id);
      expect(row.armId).not.toBe(row.id);
      expect(row.armId.toLowerCase()).toBe(row.id);
      const index = sim.fleet.subscriptions.findIndex((s) => s.toLowerCase() === row.subscriptionId);
      expect(row.subscriptionName).toBe(`Fleet ${String(index + 1).padStart(2, "0")} (simulated)`);
      expect(summary.clusters.bySubscription[row.subscriptionId].name).toBe(row.subscriptionName);
      expect(row.location).toBe(simulated.location);
      expect(row.tags).toMatchObject({ "fleet-health": "simulated", environment: expect.stringMatching(/^(production|staging)$/) });
    }
  });

  it("filters clusters by tag and location", async () => {
    const all = (await get("/api/clusters?limit=1000")).json.items as Array<{ id: string; location: string; tags: Record<string, string> }>;
    const ids = async (qs: string) => ((await get(`/api/clusters?limit=1000&${qs}`)).json.items as Array<{ id: string }>).map((r) => r.id);
    const production = all.filter((r) => r.tags.environment === "production").map((r) => r.id);
    expect(production.length).toBeGreaterThan(0);
    expect(production.length).toBeLessThan(all.length);
    expect(await ids("tag=environment=production")).toEqual(production);
    expect(await ids("tag=ENVIRONMENT")).toEqual(all.map((r) => r.id));
    expect(await ids("tag=environment=Production")).toEqual([]);
    const location = all[0].location;
    expect(await ids(`location=${location.toUpperCase()}`)).toEqual(all.filter((r) => r.location === location).map((r) => r.id));
    const bad = await get("/api/clusters?tag==x");
    expect(bad.status).toBe(400);
    expect(bad.json.error.parameter).toBe("tag");
  });

  it("shows each Flux configuration's source URL, applied revision and suspension, as the fluxConfigurations spec names them", async () => {
    const row = (await get("/api/clusters?limit=1000")).json.items.find((r: { dark: boolean }) => !r.dark);
    const detail = (await api("GET", `/api/clusters${row.armId}`)).json;
    expect(detail.id).toBe(row.id);
    const flux = detail.components.filter((c: { kind: string }) => c.kind === "flux");
    expect(flux.length).toBeGreaterThan(0);
    for (const c of flux) {
      expect(c.flux).toMatchObject({ sourceKind: "GitRepository", sourceUrl: `https://github.com/contoso/${row.name}-config`, suspended: false });
      if (c.facts.sourceSyncedCommitId) expect(c.flux.revisionApplied).toBe(c.facts.sourceSyncedCommitId);
      expect(c.armId.toLowerCase()).toBe(c.id);
      expect(c.armId).toContain("/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/");
    }
  });

  it("links each resource to the portal and to a Resource Graph query that returns the same resource", async () => {
    const rows = (await get("/api/clusters?limit=1000")).json.items;
    const detail = (await api("GET", rows[0].href)).json;
    const graph = new ResourceGraphReader(connection);
    for (const item of [rows[0], ...detail.components.filter((c: { kind: string }) => c.kind !== "fluxObject")]) {
      expect(item.links.portalUrl).toBe(`https://portal.azure.com/#@/resource${item.armId}`);
      const query = decodeURIComponent(item.links.resourceGraphUrl.split("/query/")[1]);
      const found: Array<{ id: string }> = [];
      for await (const page of graph.pages(query, { subscriptions: [rows[0].subscriptionId] })) found.push(...(page.rows as Array<{ id: string }>));
      expect(found.map((r) => r.id)).toEqual([item.armId]);
    }
    const failures = (await get("/api/failures?limit=1000")).json.items;
    for (const f of failures) {
      expect(f.clusterArmId.toLowerCase()).toBe(f.clusterId);
      expect(f.componentArmId.startsWith(f.clusterArmId)).toBe(true);
    }
  });
});
