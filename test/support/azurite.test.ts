import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { tablesConnection, uniquePrefix } from "./tables";

describe("test Azurite", () => {
  it("accepts writes and reads them back", async () => {
    const table = TableClient.fromConnectionString(tablesConnection(), uniquePrefix("smoke"), { allowInsecureConnection: true });
    await table.createTable();
    await table.upsertEntity({ partitionKey: "p", rowKey: "r", value: 42 });
    expect((await table.getEntity<{ value: number }>("p", "r")).value).toBe(42);
  });
});
