/** The local host end to end: the real app entry point, real HTTP, Azurite behind it. */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_PREFIX, API_ROUTES } from "../../shared/api/routes";
import { allowedMethods } from "../../shared/api/http";
import { openApiPath } from "../../shared/api/openapi";
import { appEntry, loadApp, projectRoot, routePrefix, type AppRegistrations } from "../../dev/host/registrations";
import { compileRoutes, startLocalHost, type RunningHost } from "../../dev/host/server";
import { openFleetHistory } from "../../shared/store";
import { seedFleet } from "../api/support";
import { clusterId } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";

const KEY = "local-test-key";
let host: RunningHost;
let registrations: AppRegistrations;
const saved = { connection: process.env.FLEET_TABLES_CONNECTION, prefix: process.env.FLEET_TABLE_PREFIX };

beforeAll(async () => {
  const prefix = uniquePrefix("host");
  await seedFleet(await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix }));
  // The functions read their settings from the environment, as in Azure.
  process.env.FLEET_TABLES_CONNECTION = tablesConnection();
  process.env.FLEET_TABLE_PREFIX = prefix;
  registrations = await loadApp(path.resolve("functions/index.ts"), () => import("../../functions/index"));
  host = await startLocalHost({ registrations, apiKey: KEY, timers: false });
});

afterAll(async () => {
  await host?.stop();
  process.env.FLEET_TABLES_CONNECTION = saved.connection;
  process.env.FLEET_TABLE_PREFIX = saved.prefix;
  if (saved.connection === undefined) delete process.env.FLEET_TABLES_CONNECTION;
  if (saved.prefix === undefined) delete process.env.FLEET_TABLE_PREFIX;
});

const call = (pathAndQuery: string, init: RequestInit & { key?: string | null } = {}) => {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set("x-functions-key", init.key ?? KEY);
  return fetch(`${host.url}${pathAndQuery}`, { ...init, headers });
};

describe("the app the Functions host would load", () => {
  it("is package.json main, with no route prefix in host.json: the API's routes carry /api themselves", () => {
    expect(path.relative(projectRoot(), appEntry())).toBe(path.join("dist", "functions", "index.js"));
    expect(routePrefix()).toBe("");
  });

  it("registers every API route, for every method, with function keys except /health", () => {
    const byName = new Map(registrations.http.map((r) => [r.name, r]));
    for (const def of API_ROUTES) {
      const reg = byName.get(def.name);
      expect(reg, def.name).toBeDefined();
      expect(reg?.route).toBe(`${API_PREFIX}/${def.route}`);
      expect(reg?.authLevel).toBe(def.name === "health" ? "anonymous" : "function");
      for (const method of allowedMethods(def)) expect(reg?.methods).toContain(method);
    }
  });

  it("has an OpenAPI document listing every registered route and nothing else", async () => {
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const routeTable = new Map(API_ROUTES.map((d) => [d.name, d]));
    const registered = new Map<string, Set<string>>();
    for (const reg of registrations.http.filter((r) => r.route.startsWith(`${API_PREFIX}/`) && !r.route.startsWith(`${API_PREFIX}/dashboard/`))) {
      const def = routeTable.get(reg.name);
      expect(def, `${reg.name} is registered but not in the route table`).toBeDefined();
      const route = openApiPath(reg.route.slice(API_PREFIX.length + 1));
      const methods = registered.get(route) ?? new Set<string>();
      for (const m of def?.methods ?? []) if (reg.methods.includes(m)) methods.add(m.toLowerCase());
      registered.set(route, methods);
    }
    const documented = new Map(Object.entries(doc.paths).map(([p, item]) => [p, new Set(Object.keys(item))]));
    expect([...documented.keys()].sort()).toEqual([...registered.keys()].sort());
    for (const [p, methods] of registered) expect([...(documented.get(p) ?? [])].sort(), p).toEqual([...methods].sort());
  });
});

describe("keys", () => {
  it("lets /health through without a key", async () => {
    const res = await call("/api/health", { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("requires the key as x-functions-key or ?code= on every other route", async () => {
    const none = await call("/api/summary", { key: null });
    expect(none.status).toBe(401);
    expect(await none.text()).toBe("");
    expect((await call("/api/summary", { key: "wrong" })).status).toBe(401);
    expect((await call("/api/openapi.json", { key: null })).status).toBe(401);
    expect((await call("/api/summary")).status).toBe(200);
    expect((await call(`/api/summary?code=${KEY}`, { key: null })).status).toBe(200);
  });
});

describe("routing over HTTP", () => {
  it("serves a cluster at its ARM id path, literals case-insensitive", async () => {
    const id = clusterId("bravo");
    const res = await call(`/API/Clusters${id.replace("resourcegroups", "resourceGroups")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await res.json()) as { id: string }).id).toBe(id);
    const history = await call(`/api/clusters${id}/history?from=2026-10-01`);
    expect(history.status).toBe(200);
  });

  it("passes status codes and headers through: 304, 405 with Allow, 413, 400", async () => {
    const first = await call("/api/clusters?state=failing");
    const etag = first.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    const cached = await call("/api/clusters?state=failing", { headers: { "if-none-match": etag } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("etag")).toBe(etag);
    const wrong = await call("/api/summary", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD");
    const big = await call("/api/classify", { method: "POST", body: "x".repeat(70_000), headers: { "content-type": "text/plain" } });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe("PayloadTooLarge");
    const bad = await call("/api/failures?since=tomorrow");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { parameter: string } }).error.parameter).toBe("since");
  });

  it("answers HEAD like GET without a body, and 404 outside the routes", async () => {
    const head = await call("/api/summary", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBeTruthy();
    expect(await head.text()).toBe("");
    const unknown = await call("/api/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("NotFound");
  });

  it("classifies a message posted as JSON", async () => {
    const res = await call("/api/classify", {
      method: "POST",
      body: JSON.stringify({ message: "Unable to get a response from the Agent in time" }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { catalogId: string }).catalogId).toBe("ext-agent-no-response");
  });
});

describe("the dashboard at the app's root", () => {
  // Imported after loadApp: a module imported earlier would register its functions outside the capture.
  let CATCH_ALL_FUNCTION: string;
  let DASHBOARD_CSP: string;
  beforeAll(async () => ({ CATCH_ALL_FUNCTION, DASHBOARD_CSP } = await import("../../functions/dashboard")));
  const page = (p: string, init: RequestInit = {}) => fetch(`${host.url}${p}`, { redirect: "manual", ...init });

  it("answers / and every page path with the dashboard's HTML, without a key, under the strict CSP", async () => {
    for (const p of ["/", "/failures?status=open&kind=connectedClusters", "/clusters/subscriptions/x", "/no-such-page"]) {
      const res = await page(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get("content-type"), p).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy"), p).toBe(DASHBOARD_CSP);
      const html = await res.text();
      expect(html).toContain('<meta name="fleet-base" content=""><meta name="fleet-api" content="/api">');
      expect(html).toMatch(/<script src="\/assets\/app\.js\?v=[\w-]{8}" defer>/);
    }
    expect((await page("/", { method: "POST" })).status).toBe(405);
  });

  it("serves the bundle below /assets with its content type, and 404 for a file it does not have", async () => {
    const js = await page("/assets/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await page("/assets/style.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await page("/assets/nope.js")).status).toBe(404);
  });

  it("keeps the API's answers: JSON under /api, and a JSON 404 (not a page) for an unknown API path", async () => {
    const summary = await call("/api/summary");
    expect(summary.headers.get("content-type")).toMatch(/^application\/json/);
    for (const p of ["/api", "/API/nothing/here"]) {
      const res = await call(p, { method: "POST" });
      expect(res.status, p).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain("/api/openapi.json");
    }
  });

  it("leaves the host's own paths alone (admin API, extension webhooks)", async () => {
    for (const p of ["/admin/host/status", "/runtime/webhooks/eventgrid"]) {
      const res = await page(p);
      expect(res.status, p).toBe(404);
      expect(await res.text()).toBe("");
    }
  });

  it("redirects the old /api/dashboard URLs to the same page and query at the root, never off-site", async () => {
    const cases: Array<[string, string]> = [
      ["/api/dashboard/", "/"],
      ["/api/dashboard", "/"],
      ["/api/dashboard/failures?status=open&catalogId=flux-source-auth", "/failures?status=open&catalogId=flux-source-auth"],
      [`/api/dashboard/clusters${clusterId("bravo")}`, `/clusters${clusterId("bravo")}`],
      ["/API/Dashboard//evil.example/x", "/evil.example/x"],
    ];
    for (const [from, to] of cases) {
      const res = await page(from);
      expect(res.status, from).toBe(301);
      expect(res.headers.get("location"), from).toBe(to);
    }
    expect((await page("/api/dashboard/failures", { method: "DELETE" })).status).toBe(405);
  });

  it("registers the catch-all last under either order a Functions host uses: route precedence or function name", () => {
    const names = registrations.http.map((r) => r.name).filter((n) => n !== CATCH_ALL_FUNCTION);
    expect(registrations.http.find((r) => r.name === CATCH_ALL_FUNCTION)?.route).toBe("{*path}");
    for (const name of names) {
      expect(name < CATCH_ALL_FUNCTION, name).toBe(true);
      expect(name.toLowerCase() < CATCH_ALL_FUNCTION.toLowerCase(), name).toBe(true);
    }
    const ordered = compileRoutes(registrations.http).map((r) => r.reg.name);
    expect(ordered.at(-1)).toBe(CATCH_ALL_FUNCTION);
  });
});
