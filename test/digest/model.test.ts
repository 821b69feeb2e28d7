import { describe, expect, it } from "vitest";
import { composeDigest, DEFAULT_LIMITS } from "../../shared/digest/model";
import { clusterRecord, failing, input, lookup, NOW, recovered, sweep, WINDOW } from "./fixtures";

describe("composeDigest", () => {
  it("splits new failures from still-failing ones and gives each its age", () => {
    const d = composeDigest(
      input({
        openFailures: [
          failing("arc-01", { firstSeenFailingAt: "2026-11-22T01:00:00.000Z" }),
          failing("arc-02", { catalogId: "ext-agent-no-response", firstSeenFailingAt: "2026-11-19T07:00:00.000Z" }),
        ],
      }),
      lookup,
    );
    expect(d.id).toBe("20261121T070000Z_20261122T070000Z");
    expect(d.newFailures.map((f) => f.clusterName)).toEqual(["arc-01"]);
    expect(d.newFailures[0]).toMatchObject({ catalogId: "helm-timeout-ready", title: "Helm release not ready before the timeout", ageMs: 6 * 3_600_000 });
    expect(d.stillFailing.map((f) => [f.clusterName, f.ageMs])).toEqual([["arc-02", 3 * 86_400_000]]);
    expect(d.totals).toMatchObject({ newFailures: 1, stillFailing: 1, failingClusters: 2, incidents: 0 });
    expect(d.quiet).toBe(false);
  });

  it("reports recoveries with their time to recover and the entry that ended", () => {
    const d = composeDigest(input({ transitions: [recovered("arc-03", "2026-11-22T02:00:00.000Z", 5_400_000)] }), lookup);
    expect(d.recovered).toEqual([
      expect.objectContaining({
        clusterName: "arc-03",
        catalogId: "ext-agent-no-response",
        title: "Extension agent does not respond",
        timeToRecoverMs: 5_400_000,
      }),
    ]);
    expect(d.totals.recovered).toBe(1);
  });

  it("shows a problem on many clusters once, as an incident with its cluster count, and not per cluster", () => {
    const many = ["arc-01", "arc-02", "arc-03", "arc-04"].map((c, i) =>
      failing(c, { catalogId: "flux-extension-install", firstSeenFailingAt: i < 2 ? "2026-11-22T03:00:00.000Z" : "2026-11-20T03:00:00.000Z" }),
    );
    const d = composeDigest(input({ openFailures: [...many, failing("arc-05")] }), lookup);
    expect(d.incidents).toHaveLength(1);
    expect(d.incidents[0]).toMatchObject({
      catalogId: "flux-extension-install",
      clusters: 4,
      components: 4,
      newComponents: 2,
      firstSeenAt: "2026-11-20T03:00:00.000Z",
      sampleClusters: ["arc-01", "arc-02", "arc-03", "arc-04"],
    });
    expect([...d.newFailures, ...d.stillFailing].map((f) => f.clusterName)).toEqual(["arc-05"]);
    // The totals still count every failing component.
    expect(d.totals).toMatchObject({ newFailures: 2, stillFailing: 3, failingClusters: 5, incidents: 1 });
  });

  it("lists the top catalog entries with their fix steps and documentation, widest first", () => {
    const d = composeDigest(input({ openFailures: [failing("arc-01"), failing("arc-02"), failing("arc-03", { catalogId: "ext-agent-no-response" })] }), lookup);
    expect(d.topEntries.map((e) => [e.catalogId, e.clusters])).toEqual([
      ["helm-timeout-ready", 2],
      ["ext-agent-no-response", 1],
    ]);
    expect(d.topEntries[0].steps[0]).toEqual({ text: "Check the pods of the release.", command: "kubectl get pods -n <namespace>" });
    expect(d.topEntries[0].docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it("groups unclassified failures by fingerprint", () => {
    const fp = "reconcile failed: unexpected status <n>";
    const d = composeDigest(
      input({
        openFailures: [
          failing("arc-01", { catalogId: null, fingerprint: fp }),
          failing("arc-02", { catalogId: null, fingerprint: fp }),
          failing("arc-03", { catalogId: null, fingerprint: "other <id>" }),
        ],
      }),
      lookup,
    );
    expect(d.unclassified.map((g) => [g.fingerprint, g.clusters])).toEqual([
      [fp, 2],
      ["other <id>", 1],
    ]);
    expect(d.unclassified[0].title).toBe(fp);
    expect(d.totals.unclassified).toBe(3);
    expect(d.newFailures.concat(d.stillFailing).every((f) => f.title === "InstallationFailed")).toBe(true);
  });

  it("is quiet only when nothing changed and every scope was read", () => {
    expect(composeDigest(input(), lookup).quiet).toBe(true);
    expect(composeDigest(input(), lookup).coverage.gaps).toEqual([]);
    const partial = sweep("2026-11-22T06:45:00.000Z", {
      partial: true,
      partialScopes: [{ scope: `/subscriptions/${"0".repeat(8)}-0000-0000-0000-000000000002`, code: "AuthorizationFailed", message: "no access" }],
    });
    const d = composeDigest(input({ latestSweep: partial, sweeps: [partial], lastCompleteSweep: sweep("2026-11-19T00:00:00.000Z") }), lookup);
    expect(d.quiet).toBe(false);
    expect(d.coverage.partialScopes[0].code).toBe("AuthorizationFailed");
    expect(d.coverage.gaps.join("\n")).toMatch(/could not read 1 scope.*AuthorizationFailed/);
    expect(d.coverage.gaps.join("\n")).toMatch(/last complete sweep finished at 2026-11-19T00:00:00.000Z, before this window/);
  });

  it("never calls a window without data quiet: no sweep in the window, none ever, dark clusters, unknown components", () => {
    const stale = composeDigest(
      input({ sweeps: [], latestSweep: sweep("2026-11-20T00:00:00.000Z"), lastCompleteSweep: sweep("2026-11-20T00:00:00.000Z") }),
      lookup,
    );
    expect(stale.quiet).toBe(false);
    expect(stale.coverage.gaps[0]).toBe("No sweep finished in this window; the latest finished at 2026-11-20T00:00:00.000Z.");
    const never = composeDigest(input({ sweeps: [], latestSweep: undefined, lastCompleteSweep: undefined, clusters: [] }), lookup);
    expect(never.quiet).toBe(false);
    expect(never.coverage.gaps).toEqual(["No sweep has ever been recorded: there is no data about the fleet."]);
    const dark = composeDigest(
      input({ clusters: [clusterRecord("arc-01", { dark: true })], unknownComponents: [failing("arc-02", { state: "unknown" })] }),
      lookup,
    );
    expect(dark.coverage).toMatchObject({ darkClusters: 1, unknownComponents: 1 });
    expect(dark.quiet).toBe(false);
  });

  it("keeps lists bounded and says how many were left out", () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      failing(`arc-${i}`, { catalogId: null, fingerprint: `fp ${i}`, firstSeenFailingAt: "2026-11-22T00:00:00.000Z" }),
    );
    const d = composeDigest(input({ openFailures: many }), lookup, { ...DEFAULT_LIMITS, maxItems: 10 });
    expect(d.newFailures).toHaveLength(10);
    expect(d.omitted).toMatchObject({ newFailures: 20, unclassified: 20, incidents: 0 });
    expect(d.totals.newFailures).toBe(30);
  });

  it("ignores healthy components and keeps degraded ones as failures", () => {
    const d = composeDigest(input({ openFailures: [failing("arc-01", { state: "healthy" }), failing("arc-02", { state: "degraded" })] }), lookup);
    expect(d.stillFailing.map((f) => [f.clusterName, f.state])).toEqual([["arc-02", "degraded"]]);
    expect(NOW.toISOString()).toBe(WINDOW.to);
  });
});
