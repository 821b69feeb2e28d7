import { describe, expect, it } from "vitest";
import { changedSilence, inScope, isActive, newSilence, recentUnderSilence, silenceFor, type FailureSubject } from "../../shared/operate";
import { fieldOf } from "./support";
import type { Silence } from "../../shared/store/operations";

const SUB = "00000000-0000-0000-0000-00000000000a";
const OTHER_SUB = "00000000-0000-0000-0000-00000000000b";
const NOW = new Date("2026-12-01T12:00:00.000Z");
const clusterId = (name: string, sub = SUB, rg = "rg-fleet") =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.kubernetes/connectedclusters/${name}`;

function failure(over: Partial<FailureSubject> = {}): FailureSubject {
  const cluster = over.clusterId ?? clusterId("alpha");
  return {
    componentId: `${cluster}/providers/microsoft.kubernetesconfiguration/extensions/flux`,
    clusterId: cluster,
    subscriptionId: SUB,
    resourceGroup: "RG-Fleet",
    extensionType: "microsoft.flux",
    catalogId: "flux-extension-install",
    since: "2026-12-01T10:00:00.000Z",
    ...over,
  };
}

const create = (body: Record<string, unknown>, now = NOW) => newSilence(body, { id: "s1", by: "ops@contoso.com", now });
const inOneDay = new Date(NOW.getTime() + 86_400_000).toISOString();

describe("newSilence", () => {
  it("takes a catalog entry, a scope, a reason and an expiry; who and when come from the caller", () => {
    const s = create({
      catalogId: "flux-extension-install",
      scope: { extensionType: "Microsoft.Flux", subscriptionId: SUB.toUpperCase(), resourceGroup: "rg-fleet", tag: "env = prod" },
      reason: " maintenance ",
      expiresAt: "2026-12-02T12:00:00+00:00",
    });
    expect(s).toEqual({
      id: "s1",
      catalogId: "flux-extension-install",
      scope: { extensionType: "microsoft.flux", subscriptionId: SUB, resourceGroup: "rg-fleet", tag: { key: "env", value: "prod" } },
      reason: "maintenance",
      createdBy: "ops@contoso.com",
      createdAt: NOW.toISOString(),
      expiresAt: inOneDay,
    });
  });

  it("refuses what it cannot keep, naming the field", () => {
    const base = { catalogId: "flux-extension-install", reason: "r", expiresAt: inOneDay };
    expect(fieldOf(() => create({ ...base, expiresAt: undefined }))).toBe("expiresAt");
    expect(fieldOf(() => create({ ...base, expiresAt: NOW.toISOString() }))).toBe("expiresAt");
    expect(fieldOf(() => create({ ...base, expiresAt: "2026-12-02" }))).toBe("expiresAt");
    expect(fieldOf(() => create({ ...base, expiresAt: new Date(NOW.getTime() + 90 * 86_400_000 + 1).toISOString() }))).toBe("expiresAt");
    expect(fieldOf(() => create({ ...base, expiresAt: new Date(NOW.getTime() + 90 * 86_400_000).toISOString() }))).toBeUndefined();
    expect(fieldOf(() => create({ ...base, catalogId: "no-such-entry" }))).toBe("catalogId");
    expect(fieldOf(() => create({ ...base, fingerprint: "x" }))).toBe("fingerprint");
    expect(fieldOf(() => create({ reason: "r", expiresAt: inOneDay }))).toBe("catalogId");
    expect(fieldOf(() => create({ ...base, reason: "  " }))).toBe("reason");
    expect(fieldOf(() => create({ ...base, expiresAt: inOneDay, expiry: inOneDay }))).toBe("expiry");
    expect(fieldOf(() => create({ ...base, scope: { clusterId: "/subscriptions/x" } }))).toBe("scope.clusterId");
    expect(fieldOf(() => create({ ...base, scope: { tag: "novalue" } }))).toBe("scope.tag");
    expect(fieldOf(() => create({ ...base, scope: { subscriptionId: OTHER_SUB, clusterId: clusterId("alpha") } }))).toBe("scope.clusterId");
    expect(fieldOf(() => create({ ...base, scope: { region: "westeurope" } }))).toBe("scope.region");
    expect(fieldOf(() => newSilence([base], { id: "s", by: "x", now: NOW }))).toBe("body");
  });

  it("an update keeps what it does not name, and a new expiry is again at most 90 days from then", () => {
    const s = create({ fingerprint: "helm <n> timed out", reason: "known", expiresAt: inOneDay });
    const later = new Date(NOW.getTime() + 80 * 86_400_000);
    const extended = changedSilence(s, { expiresAt: new Date(later.getTime() + 89 * 86_400_000).toISOString() }, { by: "b", now: later });
    expect(extended).toMatchObject({
      fingerprint: "helm <n> timed out",
      reason: "known",
      createdBy: "ops@contoso.com",
      updatedBy: "b",
      updatedAt: later.toISOString(),
    });
    expect(extended.catalogId).toBeUndefined();
    expect(fieldOf(() => changedSilence(s, { expiresAt: new Date(later.getTime() + 91 * 86_400_000).toISOString() }, { by: "b", now: later }))).toBe(
      "expiresAt",
    );
    expect(changedSilence(s, { catalogId: "helm-timeout-ready" }, { by: "b", now: NOW })).toMatchObject({ catalogId: "helm-timeout-ready" });
  });
});

describe("matching", () => {
  const silence = (over: Partial<Silence> = {}): Silence => ({
    id: "s",
    catalogId: "flux-extension-install",
    scope: {},
    reason: "r",
    createdBy: "a",
    createdAt: "2026-12-01T00:00:00.000Z",
    expiresAt: "2026-12-02T00:00:00.000Z",
    ...over,
  });

  it("is in force from its creation to its expiry, the expiry itself excluded", () => {
    const s = silence();
    expect(isActive(s, new Date("2026-11-30T23:59:59.999Z"))).toBe(false);
    expect(isActive(s, new Date("2026-12-01T00:00:00.000Z"))).toBe(true);
    expect(isActive(s, new Date("2026-12-01T23:59:59.999Z"))).toBe(true);
    expect(isActive(s, new Date("2026-12-02T00:00:00.000Z"))).toBe(false);
    expect(silenceFor([s], failure(), new Date("2026-12-02T00:00:00.000Z"))).toBeUndefined();
    expect(silenceFor([s], failure(), new Date("2026-12-01T23:59:59.999Z"))).toBe(s);
  });

  it("matches the catalog entry or the fingerprint, and every scope it names", () => {
    expect(inScope(silence(), failure({ catalogId: "helm-timeout-ready" }))).toBe(false);
    const byPrint = silence({ catalogId: undefined, fingerprint: "fp" });
    expect(inScope(byPrint, failure({ catalogId: null, fingerprint: "fp" }))).toBe(true);
    expect(inScope(byPrint, failure({ catalogId: null }))).toBe(false);
    expect(inScope(silence({ scope: { extensionType: "microsoft.flux" } }), failure())).toBe(true);
    expect(inScope(silence({ scope: { extensionType: "microsoft.flux" } }), failure({ extensionType: undefined }))).toBe(false);
    expect(inScope(silence({ scope: { subscriptionId: SUB } }), failure())).toBe(true);
    expect(inScope(silence({ scope: { subscriptionId: OTHER_SUB } }), failure())).toBe(false);
    expect(inScope(silence({ scope: { resourceGroup: "rg-fleet" } }), failure())).toBe(true);
    expect(inScope(silence({ scope: { resourceGroup: "rg-other" } }), failure())).toBe(false);
    expect(inScope(silence({ scope: { clusterId: clusterId("alpha") } }), failure())).toBe(true);
    expect(inScope(silence({ scope: { clusterId: clusterId("bravo") } }), failure())).toBe(false);
    expect(
      inScope(
        silence({ scope: { subscriptionId: SUB, clusterId: clusterId("alpha"), extensionType: "microsoft.flux" } }),
        failure({ extensionType: "microsoft.azuremonitor.containers" }),
      ),
    ).toBe(false);
  });

  it("a tag scope compares the key case-insensitively and the value exactly, and never matches unknown tags", () => {
    const tagged = silence({ scope: { tag: { key: "Env", value: "prod" } } });
    expect(inScope(tagged, failure({ tags: { env: "prod" } }))).toBe(true);
    expect(inScope(tagged, failure({ tags: { env: "Prod" } }))).toBe(false);
    expect(inScope(tagged, failure({ tags: {} }))).toBe(false);
    expect(inScope(tagged, failure())).toBe(false);
  });

  it("of several silences in force, the one lasting longest is reported", () => {
    const short = silence({ id: "a", expiresAt: "2026-12-01T18:00:00.000Z" });
    const long = silence({ id: "b", expiresAt: "2026-12-03T00:00:00.000Z" });
    expect(silenceFor([short, long], failure(), NOW)?.id).toBe("b");
  });
});

describe("recentUnderSilence", () => {
  const s: Silence = {
    id: "s",
    catalogId: "flux-extension-install",
    scope: {},
    reason: "r",
    createdBy: "a",
    createdAt: "2026-11-20T00:00:00.000Z",
    expiresAt: "2026-12-05T00:00:00.000Z",
  };

  it("lists failures in scope that began in the silence's last day in force", () => {
    const old = failure({ componentId: "old", since: "2026-11-30T11:59:59.999Z" });
    const edge = failure({ componentId: "edge", since: "2026-11-30T12:00:00.000Z" });
    const fresh = failure({ componentId: "fresh", since: "2026-12-01T11:00:00.000Z" });
    const other = failure({ componentId: "other", catalogId: "helm-timeout-ready", since: "2026-12-01T11:00:00.000Z" });
    expect(recentUnderSilence([s], [old, edge, fresh, other], NOW).map((m) => m.failure.componentId)).toEqual(["fresh", "edge"]);
  });

  it("for an expired silence, its final day; never before it was created", () => {
    const expired = { ...s, expiresAt: "2026-12-01T06:00:00.000Z" };
    const inLastDay = failure({ componentId: "a", since: "2026-11-30T07:00:00.000Z" });
    const afterExpiry = failure({ componentId: "b", since: "2026-12-01T07:00:00.000Z" });
    expect(recentUnderSilence([expired], [inLastDay, afterExpiry], NOW).map((m) => m.failure.componentId)).toEqual(["a"]);
    const young = { ...s, createdAt: "2026-12-01T11:30:00.000Z" };
    expect(recentUnderSilence([young], [failure({ since: "2026-12-01T11:00:00.000Z" })], NOW)).toEqual([]);
  });
});
