/** The silence form's own checks (web/silence-form.ts): what it sends, and what it refuses before sending. */
import { describe, expect, it } from "vitest";
import { fromUtcInput, silenceValues, utcInput, type Suggested } from "../../web/silence-form";

const NOW = Date.parse("2026-12-03T12:00:00Z");
const DAY = 86_400_000;
const CLUSTER = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-edge/providers/microsoft.kubernetes/connectedclusters/arc-05";

function form(fields: Record<string, string | string[]>): FormData {
  const d = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) d.append(k, one);
  return d;
}

const problemOf = (fields: Record<string, string | string[]>) => {
  try {
    silenceValues(form(fields), { now: NOW });
    return undefined;
  } catch (err) {
    return { field: (err as { field: string }).field, message: (err as Error).message };
  }
};

describe("the silence form", () => {
  const valid = { catalogId: "flux-extension-install", fingerprint: "", reason: " Flux upgrade window ", expiresAt: "2026-12-10T18:00" };

  it("reads the expiry as UTC and sends every scope given, the tag as key=value", () => {
    const v = silenceValues(form({ ...valid, "scope.tag": "env=staging", "scope.resourceGroup": "rg-edge", "scope.clusterId": "" }), { now: NOW });
    expect(v).toEqual({
      catalogId: "flux-extension-install",
      scope: { tag: "env=staging", resourceGroup: "rg-edge" },
      reason: "Flux upgrade window",
      expiresAt: "2026-12-10T18:00:00.000Z",
    });
    expect(fromUtcInput(utcInput(NOW))?.getTime()).toBe(NOW);
    expect(fromUtcInput("2026-12-10")).toBeUndefined();
  });

  it("takes a failure's own places from the ticked boxes", () => {
    const suggested: Suggested = {
      clusterId: CLUSTER,
      clusterName: "arc-05",
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      resourceGroup: "rg-edge",
    };
    const v = silenceValues(form({ only: ["clusterId", "resourceGroup"], "scope.tag": "", reason: "r", expiresAt: "2026-12-04T12:00" }), {
      now: NOW,
      suggested,
    });
    expect(v.scope).toEqual({ clusterId: CLUSTER, resourceGroup: "rg-edge" });
  });

  it("allows exactly 90 days ahead and refuses a minute more, naming the latest time", () => {
    expect(problemOf({ ...valid, expiresAt: utcInput(NOW + 90 * DAY) })).toBeUndefined();
    expect(problemOf({ ...valid, expiresAt: utcInput(NOW + 90 * DAY + 60_000) })).toEqual({
      field: "expiresAt",
      message: "Expires at: at most 90 days ahead, so the latest is 2027-03-03 12:00 UTC. Extend it later if still needed.",
    });
    expect(problemOf({ ...valid, expiresAt: utcInput(NOW) })?.message).toBe("Expires at: must be in the future.");
    expect(problemOf({ ...valid, expiresAt: "" })?.field).toBe("expiresAt");
  });

  it("refuses a missing reason, a tag without =, and none or both of catalog entry and fingerprint", () => {
    expect(problemOf({ ...valid, reason: "   " })?.field).toBe("reason");
    expect(problemOf({ ...valid, "scope.tag": "envstaging" })?.field).toBe("scope.tag");
    expect(problemOf({ ...valid, "scope.tag": "=staging" })?.field).toBe("scope.tag");
    expect(problemOf({ ...valid, catalogId: "" })?.field).toBe("catalogId");
    expect(problemOf({ ...valid, fingerprint: "abc" })?.field).toBe("catalogId");
  });

  it("keeps an expiry left as opened, even a past one, so an expired silence's reason can be corrected", () => {
    const past = "2026-11-01T08:30:00.000Z";
    const v = silenceValues(form({ reason: "corrected", expiresAt: "2026-11-01T08:30" }), { now: NOW, keep: past });
    expect(v.expiresAt).toBe(past);
    expect(() => silenceValues(form({ reason: "corrected", expiresAt: "2026-11-02T08:30" }), { now: NOW, keep: past })).toThrow(/future/);
  });
});
