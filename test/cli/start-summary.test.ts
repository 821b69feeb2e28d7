/** `npm start`'s fleet summary: each count names what it counts, and cluster counts add up. */
import { describe, expect, it } from "vitest";
import { formatSweep } from "../../cli/commands/start-summary";
import type { SweepResult } from "../../shared/sweep";

describe("the start summary", () => {
  it("counts components by state and clusters failing vs pending or unknown, separately", () => {
    const states = ["failing", "degraded", "pending", "unknown", "healthy", "healthy"] as const;
    const result = {
      summary: {
        clusters: 6,
        components: 20,
        sweepId: "s1",
        byState: { healthy: 12, pending: 2, degraded: 1, unknown: 1, failing: 4 },
        transitions: 20,
        armRequests: 5,
        durationMs: 1200,
        partial: false,
        partialScopes: [],
        byCatalogId: { "flux-source-auth": 3 },
      },
      snapshot: { clusters: states.map((state, i) => ({ state, kind: i % 2 ? "aks" : "arc" })) },
    } as unknown as SweepResult;
    const text = formatSweep(result).join("\n");
    expect(text).toContain("Fleet: 6 clusters (3 Arc, 3 AKS), 20 components");
    expect(text).toContain("Components by state: healthy 12 · pending 2 · degraded 1 · unknown 1 · failing 4");
    expect(text).toContain("Clusters with a failing or degraded component: 2; pending or unknown: 2");
    expect(text).toContain("Failing or degraded components by catalog entry:\n      3  flux-source-auth");
    expect(text).not.toContain("need attention");
  });
});
