import { describe, expect, it } from "vitest";
import { normalizeId, worstState } from "../../shared/core/model";

describe("worstState", () => {
  it("is healthy only when every state is", () => {
    expect(worstState([])).toBe("healthy");
    expect(worstState(["healthy", "healthy"])).toBe("healthy");
  });

  it("never lets missing data look healthy, and puts failing first", () => {
    expect(worstState(["healthy", "unknown", "degraded"])).toBe("unknown");
    expect(worstState(["unknown", "failing", "pending"])).toBe("failing");
    expect(worstState(["pending", "degraded"])).toBe("degraded");
  });
});

describe("normalizeId", () => {
  it("compares ARM ids case-insensitively and ignores a trailing slash", () => {
    expect(normalizeId(" /subscriptions/ABC/resourceGroups/RG/providers/Microsoft.Kubernetes/connectedClusters/C1/ ")).toBe(
      "/subscriptions/abc/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/c1",
    );
  });
});
