import { describe, expect, it } from "vitest";
import { fleetHistoryOptionsFromEnv, openFleetHistory, openTable } from "../../shared/store";
import { clusterContentHash } from "../../shared/store/manifest";
import { clusterView, inScope, isGone, notFullyRead } from "../../shared/store/diff";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { cluster, SUB_A, SUB_B } from "./fixtures";

describe("connecting", () => {
  it("reads its options from the environment through the settings", () => {
    expect(fleetHistoryOptionsFromEnv({})).toEqual({ tablePrefix: "fleet", retentionDays: 400 });
    expect(
      fleetHistoryOptionsFromEnv({
        FLEET_TABLES_CONNECTION: " UseDevelopmentStorage=true ",
        FLEET_TABLES_ENDPOINT: "https://a.table.core.windows.net",
        FLEET_TABLE_PREFIX: "dev1",
        FLEET_RETENTION_DAYS: "30",
      }),
    ).toEqual({
      connectionString: "UseDevelopmentStorage=true",
      tablePrefix: "dev1",
      retentionDays: 30,
    });
    expect(fleetHistoryOptionsFromEnv({ FLEET_TABLES_ENDPOINT: "https://a.table.core.windows.net" })).toMatchObject({
      endpoint: "https://a.table.core.windows.net",
    });
    expect(() => fleetHistoryOptionsFromEnv({ FLEET_RETENTION_DAYS: "forever" })).toThrow(/FLEET_RETENTION_DAYS/);
  });

  it("fails with a typed error when no storage is configured or the prefix cannot name a table", async () => {
    await expect(openFleetHistory({})).rejects.toMatchObject({ code: "StoreNotConfigured", message: expect.stringContaining("FLEET_TABLES_CONNECTION") });
    await expect(openFleetHistory({ connectionString: tablesConnection(), tablePrefix: "bad-prefix" })).rejects.toMatchObject({ code: "InvalidConfiguration" });
  });

  it("opens a table of its own with the prefix, idempotently", async () => {
    const prefix = uniquePrefix("own");
    const table = await openTable({ connectionString: tablesConnection(), tablePrefix: prefix }, "digests");
    expect(table.tableName).toBe(`${prefix}digests`);
    await table.upsertEntity({ partitionKey: "p", rowKey: "r", n: 1 });
    const again = await openTable({ connectionString: tablesConnection(), tablePrefix: prefix }, "digests");
    expect((await again.getEntity<{ n: number }>("p", "r")).n).toBe(1);
  });
});

describe("what counts as read, gone and changed", () => {
  const failed = (scope: string) => ({ partialScopes: [{ scope, code: "Forbidden", message: "" }] });

  it("treats a failed subscription scope as covering only that subscription, any other failed scope as covering all", () => {
    expect(notFullyRead(SUB_A, failed(`/subscriptions/${SUB_A.toUpperCase()}`))).toBe(true);
    expect(notFullyRead(SUB_B, failed(`/subscriptions/${SUB_A}`))).toBe(false);
    expect(notFullyRead(SUB_B, failed("/providers/Microsoft.Management/managementGroups/mg"))).toBe(true);
    expect(inScope(SUB_B, { scopes: [`/subscriptions/${SUB_A}`] })).toBe(false);
    expect(inScope(SUB_B, { scopes: ["/providers/Microsoft.Management/managementGroups/mg"] })).toBe(true);
    expect(isGone(SUB_A, { scopes: [], partialScopes: [] })).toBe(true);
    expect(isGone(SUB_A, { scopes: [], ...failed(`/subscriptions/${SUB_A}`) })).toBe(false);
  });

  it("sees an Arc cluster that stopped reporting as dark, and a cluster with unread parts as partial", () => {
    expect(clusterView(cluster("a", { cluster: { state: "failing", reason: "Offline" } }), { partialScopes: [] })).toBe("dark");
    expect(clusterView(cluster("a", { cluster: { state: "degraded", reason: "StaleHeartbeat" } }), { partialScopes: [] })).toBe("dark");
    expect(clusterView(cluster("a", { cluster: { state: "failing", reason: "Offline" } }, { kind: "aks" }), { partialScopes: [] })).toBe("read");
    expect(clusterView(cluster("a", { flux: { state: "unknown", reason: "NotRead" } }), { partialScopes: [] })).toBe("partial");
    expect(clusterView(cluster("a"), failed(`/subscriptions/${SUB_A}`))).toBe("partial");
  });

  it("hashes what the store keeps, not evidence text, message digits or time facts", () => {
    const hash = (c: ReturnType<typeof cluster>) => clusterContentHash(c, "read");
    const base = cluster("a", {
      monitor: {
        state: "degraded",
        reason: "StaleData",
        catalogId: null,
        message: "no data since 10:02",
        facts: { version: "1.2", lastConnectivityTime: "10:00" },
      },
    });
    const later = cluster("a", {
      monitor: {
        state: "degraded",
        reason: "StaleData",
        catalogId: null,
        message: "no data since 10:17",
        evidence: "other text",
        facts: { lastConnectivityTime: "10:15", version: "1.2" },
      },
    });
    // Classified failures compare by fingerprint; drop it to compare unclassified messages.
    for (const c of [base, later]) delete c.components[2].classification;
    expect(hash(later)).toBe(hash(base));
    const upgraded = structuredClone(base);
    upgraded.components[2].facts!.version = "1.3";
    expect(hash(upgraded)).not.toBe(hash(base));
    expect(hash(cluster("a", { monitor: { state: "failing", reason: "StaleData" } }))).not.toBe(hash(base));
    expect(clusterContentHash(base, "partial")).not.toBe(hash(base));
  });
});
