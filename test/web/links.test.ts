/** Digest links and the dashboard's router agree on every page a digest points to; links follow FLEET_PORT. */
import { describe, expect, it } from "vitest";
import { apiBaseUrl } from "../../shared/core/config";
import { dashboardUrl } from "../../shared/digest/layout";
import { routeOf } from "../../web/router";
import { dashboardHtml, DASHBOARD_CSP, movedLocation } from "../../functions/dashboard";

const CLUSTER = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-fleet/providers/microsoft.kubernetes/connectedclusters/arc-05";

function pageOf(url: string) {
  const u = new URL(url);
  return routeOf(u.pathname, u.search);
}

describe("links", () => {
  it("point at the local host on FLEET_PORT unless FLEET_API_BASE_URL says otherwise", () => {
    expect(apiBaseUrl({})).toBe("http://localhost:7071/api");
    expect(apiBaseUrl({ FLEET_PORT: "8080" })).toBe("http://localhost:8080/api");
    expect(apiBaseUrl({ FLEET_PORT: "8080", FLEET_API_BASE_URL: "https://fleet.example.com/api/" })).toBe("https://fleet.example.com/api");
    expect(() => apiBaseUrl({ FLEET_PORT: "eighty" })).toThrow(/FLEET_PORT/);
  });

  it("from digests open the dashboard page they name", () => {
    const base = "https://fleet.example.com/api";
    // The dashboard is at the app's base URL, next to the API.
    expect(dashboardUrl(base, "")).toBe("https://fleet.example.com/");
    expect(dashboardUrl(`${base}/`, "failures", { status: "open" })).toBe("https://fleet.example.com/failures?status=open");
    expect(pageOf(dashboardUrl(base, ""))).toEqual({ page: "overview" });
    expect(pageOf(dashboardUrl(base, `clusters${CLUSTER}`))).toEqual({ page: "cluster", id: CLUSTER });
    const failures = pageOf(dashboardUrl(base, "failures", { status: "open", catalogId: "flux-source-auth" }));
    expect(failures.page).toBe("failures");
    expect(failures.page === "failures" && failures.query.get("catalogId")).toBe("flux-source-auth");
    expect(pageOf(dashboardUrl(base, "digests/20261121T070000Z_20261122T070000Z"))).toEqual({ page: "digest", id: "20261121T070000Z_20261122T070000Z" });
  });

  it("that name no page, or no cluster id, get the not-found page", () => {
    expect(routeOf("/nope").page).toBe("notFound");
    expect(routeOf("/clusters/subscriptions/x/resourcegroups/rg/providers/microsoft.web/sites/s").page).toBe("notFound");
    expect(routeOf("/catalog/flux-source-auth")).toEqual({ page: "entry", id: "flux-source-auth" });
    expect(routeOf("/silences")).toEqual({ page: "silences" });
    expect(routeOf("/digests/20261121T070000Z_20261122T070000Z/email")).toEqual({ page: "digest", id: "20261121T070000Z_20261122T070000Z", email: true });
    expect(routeOf("/digests/x/email/more").page).toBe("notFound");
  });
});

describe("the dashboard page", () => {
  it("loads only same-origin files under a strict CSP", () => {
    const page = dashboardHtml();
    expect(page).not.toMatch(/<script>(?!<)/);
    expect([...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1].replace(/\?.*/, ""))).toEqual(["/assets/style.css", "/assets/app.js"]);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain("unsafe-inline");
  });
});

describe("old dashboard links", () => {
  it("move to the same page and query at the root", () => {
    expect(movedLocation("https://fleet.example.com/api/dashboard/digests/x?a=1")).toBe("/digests/x?a=1");
    expect(movedLocation("https://fleet.example.com/api/dashboard")).toBe("/");
    expect(movedLocation("https://fleet.example.com/api/dashboard///evil.example")).toBe("/evil.example");
    expect(pageOf(`https://fleet.example.com${movedLocation(`https://fleet.example.com/api/dashboard/clusters${CLUSTER}`)}`)).toEqual({
      page: "cluster",
      id: CLUSTER,
    });
  });
});
