import { TableClient } from "@azure/data-tables";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { azureConfigured, withEmbeddedTables } from "../../dev/embedded";

describe("embedded Table storage", () => {
  it("changes nothing when storage is configured", async () => {
    const env = { FLEET_TABLES_ENDPOINT: "https://acct.table.core.windows.net" };
    const local = await withEmbeddedTables(env);
    expect(local.env).toBe(env);
    expect(local.notes).toEqual([]);
  });

  it("starts a persistent Azurite that keeps every write across a restart", async () => {
    const location = fs.mkdtempSync(path.join(os.tmpdir(), "fh-azurite-"));
    const table = (env: Record<string, string | undefined>) =>
      TableClient.fromConnectionString(env.FLEET_TABLES_CONNECTION!, "embeddedsmoke", { allowInsecureConnection: true });
    const first = await withEmbeddedTables({}, { location });
    try {
      expect(first.notes.join()).toContain(location);
      await table(first.env).createTable();
      // Written just before the stop: lost if Azurite is not allowed to flush.
      for (let i = 0; i < 50; i++) await table(first.env).upsertEntity({ partitionKey: "p", rowKey: `r${i}` });
    } finally {
      await first.stop();
    }
    const second = await withEmbeddedTables({}, { location });
    try {
      let rows = 0;
      for await (const _ of table(second.env).listEntities()) rows++;
      expect(rows).toBe(50);
    } finally {
      await second.stop();
    }
  });
});

describe("Azure configuration", () => {
  it("treats a scope or an ARM endpoint as Azure being configured", () => {
    expect(azureConfigured({})).toBe(false);
    expect(azureConfigured({ FLEET_SCOPE: "/subscriptions/x" })).toBe(true);
    expect(azureConfigured({ FLEET_ARM_ENDPOINT: "https://127.0.0.1:9" })).toBe(true);
  });
});
