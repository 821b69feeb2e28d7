import { createHash } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { fitEvidence, truncateText } from "../../shared/store/entities";
import { firstItem, openFleetHistory, type FleetHistory } from "../../shared/store";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { all, cluster, clusterId, snapshot } from "./fixtures";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("what a Table property holds", () => {
  it("keeps evidence larger than one property whole, and truncates past the row budget with a marker and hash", async () => {
    const history: FleetHistory = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("big") });
    // 100k characters of helm output with non-BMP characters straddling the 32K property boundaries.
    const large = Array.from({ length: 25_000 }, (_, i) => (i % 7 === 0 ? "😀" : "ab") + "c").join("");
    const huge = "x".repeat(2_000_000);
    const first = snapshot([
      cluster("c1", { flux: { state: "failing", reason: "HelmFailed", evidence: large, message: large } }),
      cluster("c2", { flux: { state: "failing", reason: "HelmFailed", evidence: huge, message: huge } }),
    ]);
    await history.recordSweep(first);

    const c1 = (await history.getCluster(clusterId("c1")))!.find((c) => c.name === "flux")!;
    expect(c1.evidence[0].value).toBe(large);
    expect(c1.message.length).toBeLessThanOrEqual(8_000);
    expect(c1.message).toContain(`sha256:${sha(large)}`);

    const c2 = (await history.getCluster(clusterId("c2")))!.find((c) => c.name === "flux")!;
    expect(c2.evidence[0].value.length).toBeLessThan(300_000);
    expect(c2.evidence[0].value).toMatch(new RegExp(`…\\[truncated from 2000000 chars; sha256:${sha(huge)}\\]$`));
    // The open-failures copy carries the same evidence.
    const open = (await all(history.listComponents({ state: "failing" }))).find((c) => c.clusterName === "c2")!;
    expect(open.evidence).toEqual(c2.evidence);
    const t = (await all(history.listClusterTransitions(clusterId("c2")))).find((x) => x.event === "new-failure")!;
    expect(t.message).toContain(`sha256:${sha(huge)}`);
  });

  it("round-trips durations beyond Int32 as numbers and dates as ISO strings, and leaks no table metadata", async () => {
    const prefix = uniquePrefix("types");
    const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix });
    await history.recordSweep(snapshot([cluster("c1", { flux: { state: "failing", reason: "X" } })], { minute: 0 }));
    // 60 days later: 5,184,000,000 ms does not fit an Int32.
    const later = snapshot([cluster("c1")], { minute: 60 * 24 * 60 });
    later.finishedAt = new Date(Date.parse(later.startedAt) + 3_000_000_000).toISOString();
    await history.recordSweep(later);

    const recovered = (await all(history.listClusterTransitions(clusterId("c1")))).find((t) => t.event === "recovered")!;
    expect(recovered.previousDurationMs).toBe(5_184_000_000);
    expect(recovered.failureDurationMs).toBe(5_184_000_000);
    expect(typeof recovered.previousDurationMs).toBe("number");
    const sweep = (await firstItem(history.listSweeps()))!;
    expect(sweep.durationMs).toBe(3_000_000_000);

    // Sweep rows keep typed columns: Int64 and DateTime as Table storage stores them.
    const sweeps = TableClient.fromConnectionString(tablesConnection(), `${prefix}sweeps`, { allowInsecureConnection: true });
    const raw = [];
    for await (const e of sweeps.listEntities({ queryOptions: { filter: "RowKey ge 'sweep~' and RowKey lt 'sweep~~'" } })) raw.push(e);
    expect(raw.map((e) => e.durationMs)).toContain(3_000_000_000n);
    expect(raw.every((e) => e.startedAt instanceof Date)).toBe(true);

    const everything = [
      ...(await all(history.listComponents())),
      ...(await all(history.listClusterTransitions(clusterId("c1")))),
      ...(await all(history.listTransitions())),
      ...(await all(history.listSweeps())),
      await history.lastCompleteSweep(),
    ];
    for (const item of everything) {
      expect(Object.keys(item!).filter((k) => k.startsWith("odata") || ["etag", "timestamp", "partitionKey", "rowKey"].includes(k))).toEqual([]);
      expect(() => JSON.stringify(item)).not.toThrow();
      for (const [k, v] of Object.entries(item!)) if (/At$/.test(k)) expect(v).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });
});

describe("text limits", () => {
  it("truncates to the limit with the full length and hash, and never splits a surrogate pair", () => {
    const text = "😀".repeat(10_000);
    const cut = truncateText(text, 1_001);
    expect(cut.length).toBeLessThanOrEqual(1_001);
    expect(cut).toContain(`truncated from 20000 chars; sha256:${sha(text)}`);
    expect(cut.isWellFormed()).toBe(true);
    expect(truncateText("short", 10)).toBe("short");
  });

  it("fits evidence to a budget by cutting the longest values first", () => {
    const evidence = [
      { field: "a", value: "y".repeat(5_000) },
      { field: "b", value: "z".repeat(100), code: "Code" },
    ];
    const fitted = fitEvidence(evidence, 2_000);
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(2_000);
    expect(fitted[1]).toEqual(evidence[1]);
    expect(fitted[0].value).toContain("truncated from 5000 chars");
    expect(evidence[0].value).toHaveLength(5_000);
  });
});
