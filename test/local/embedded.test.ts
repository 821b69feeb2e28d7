import { TableClient } from "@azure/data-tables";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { azureConfigured, extraCaCertsWithSimulator, SIMULATOR_CA_FILE, withEmbeddedTables } from "../../shared/local/embedded";

describe("embedded Table storage", () => {
  it("changes nothing when storage is configured", async () => {
    const env = { FLEET_TABLES_ENDPOINT: "https://acct.table.core.windows.net" };
    const local = await withEmbeddedTables(env);
    expect(local.env).toBe(env);
    expect(local.notes).toEqual([]);
  });

  it("starts a persistent Azurite and fills in the connection string", async () => {
    const location = fs.mkdtempSync(path.join(os.tmpdir(), "fh-azurite-"));
    const local = await withEmbeddedTables({}, { location });
    try {
      expect(local.notes.join()).toContain(location);
      const table = TableClient.fromConnectionString(local.env.FLEET_TABLES_CONNECTION!, "embeddedsmoke", { allowInsecureConnection: true });
      await table.createTable();
      await table.upsertEntity({ partitionKey: "p", rowKey: "r" });
    } finally {
      await local.stop();
    }
    expect(fs.readdirSync(location).length).toBeGreaterThan(0);
  });
});

describe("simulator trust", () => {
  it("names the simulator CA when nothing is trusted yet, and nothing once it is", () => {
    expect(extraCaCertsWithSimulator({})).toBe(SIMULATOR_CA_FILE);
    expect(extraCaCertsWithSimulator({ NODE_EXTRA_CA_CERTS: SIMULATOR_CA_FILE })).toBeUndefined();
  });

  it("keeps the user's extra CAs next to the simulator's", () => {
    const own = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fh-ca-")), "own.pem");
    fs.writeFileSync(own, "-----BEGIN CERTIFICATE-----\nOWN\n-----END CERTIFICATE-----\n");
    const combined = extraCaCertsWithSimulator({ NODE_EXTRA_CA_CERTS: own })!;
    const text = fs.readFileSync(combined, "utf8");
    expect(text).toContain("OWN");
    expect(text).toContain(fs.readFileSync(SIMULATOR_CA_FILE, "utf8").trim());
    expect(extraCaCertsWithSimulator({ NODE_EXTRA_CA_CERTS: combined })).toBeUndefined();
  });

  it("treats a scope or an ARM endpoint as Azure being configured", () => {
    expect(azureConfigured({})).toBe(false);
    expect(azureConfigured({ FLEET_SCOPE: "/subscriptions/x" })).toBe(true);
    expect(azureConfigured({ FLEET_ARM_ENDPOINT: "https://127.0.0.1:9" })).toBe(true);
  });
});
