import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { boolSetting, ConfigError, intSetting, parseScopes, setting, settingOrDefault, SETTINGS } from "../../shared/core/config";

const SUB = "00000000-0000-0000-0000-000000000001";

describe("parseScopes", () => {
  it("reads subscriptions and management groups, case-insensitively", () => {
    expect(parseScopes(` /subscriptions/${SUB.toUpperCase()} , /providers/microsoft.management/managementGroups/platform-mg`)).toEqual([
      { kind: "subscription", id: SUB, scope: `/subscriptions/${SUB.toUpperCase()}` },
      { kind: "managementGroup", id: "platform-mg", scope: "/providers/microsoft.management/managementGroups/platform-mg" },
    ]);
  });

  it("treats an empty value as everything the identity can read", () => {
    expect(parseScopes(undefined)).toEqual([]);
    expect(parseScopes("  ")).toEqual([]);
  });

  it("names the variable and the bad scope", () => {
    expect(() => parseScopes("/subscriptions/not-a-guid")).toThrow(ConfigError);
    expect(() => parseScopes("/subscriptions/not-a-guid")).toThrow(/FLEET_SCOPE: "\/subscriptions\/not-a-guid"/);
  });
});

describe("settings", () => {
  it("falls back to the documented default and ignores blanks", () => {
    expect(settingOrDefault("tablePrefix", {})).toBe("fleet");
    expect(settingOrDefault("tablePrefix", { FLEET_TABLE_PREFIX: "  " })).toBe("fleet");
    expect(setting("armToken", {})).toBeUndefined();
    expect(settingOrDefault("armEndpoint", { FLEET_ARM_ENDPOINT: "https://127.0.0.1:8443" })).toBe("https://127.0.0.1:8443");
  });

  it("rejects malformed numbers and booleans with the variable's name", () => {
    expect(intSetting("retentionDays", {})).toBe(400);
    expect(() => intSetting("retentionDays", { FLEET_RETENTION_DAYS: "-3" })).toThrow(/FLEET_RETENTION_DAYS/);
    expect(boolSetting("digestSkipEmpty", { FLEET_DIGEST_SKIP_EMPTY: "TRUE" })).toBe(true);
    expect(() => boolSetting("digestSkipEmpty", { FLEET_DIGEST_SKIP_EMPTY: "maybe" })).toThrow(/FLEET_DIGEST_SKIP_EMPTY/);
  });

  it("are all documented in the README", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const spec of Object.values(SETTINGS)) expect(readme, spec.name).toContain(`\`${spec.name}\``);
  });

  it("keep the contract's variables and defaults", () => {
    expect(SETTINGS.scope.name).toBe("FLEET_SCOPE");
    expect(SETTINGS.armEndpoint.default).toBe("https://management.azure.com");
    expect(SETTINGS.tablePrefix.default).toBe("fleet");
    expect(SETTINGS.port.default).toBe("7071");
    for (const name of ["FLEET_ARM_TOKEN", "FLEET_TABLES_CONNECTION", "FLEET_TABLES_ENDPOINT"]) {
      expect(Object.values(SETTINGS).map((s) => s.name)).toContain(name);
    }
  });
});
