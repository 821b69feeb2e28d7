/**
 * host.json as the Flex Consumption host reads it, and its agreement with the Bicep: the API's path is
 * the one FLEET_API_BASE_URL ends with, the home page is off where the dashboard takes the root, and
 * the function timeout fits the plan.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { API_PREFIX } from "../../shared/api/routes";

const root = resolve(__dirname, "../..");
const host = JSON.parse(readFileSync(resolve(root, "host.json"), "utf8")) as {
  version: string;
  functionTimeout?: string;
  extensions?: { http?: { routePrefix?: string } };
  extensionBundle?: { id: string; version: string };
};

describe("host.json", () => {
  it("is a v2 host with the v4 extension bundle (HTTP and timer triggers are built in)", () => {
    expect(host.version).toBe("2.0");
    expect(host.extensionBundle).toEqual({ id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" });
  });

  it("sets a function timeout the sweep and digest can finish in, and that Flex Consumption allows", () => {
    const match = /^(\d{2}):(\d{2}):(\d{2})$/.exec(host.functionTimeout ?? "");
    expect(match).not.toBeNull();
    const minutes = Number(match![1]) * 60 + Number(match![2]) + Number(match![3]) / 60;
    expect(minutes).toBeGreaterThanOrEqual(5);
    // Flex Consumption has no upper bound, but an HTTP response must come back within 230 s anyway;
    // a runaway timer should still end within the hour.
    expect(minutes).toBeLessThanOrEqual(60);
  });

  const appSettings = readFileSync(resolve(root, "infra/modules/app-settings.bicep"), "utf8");
  const prefix = host.extensions?.http?.routePrefix ?? "api";

  it("serves the API under the path the Bicep puts in FLEET_API_BASE_URL", () => {
    const apiPath = [prefix, API_PREFIX].filter(Boolean).join("/");
    expect(apiPath).toBe("api");
    expect(appSettings).toContain(`FLEET_API_BASE_URL: 'https://\${app.properties.defaultHostName}/${apiPath}'`);
  });

  it("leaves the root to the dashboard: no route prefix, and the host's home page off in the Bicep", () => {
    // With the home page on, the host answers / itself where no function matches (azure-functions-host#1102).
    expect(prefix).toBe("");
    expect(appSettings).toMatch(/^\s*AzureWebJobsDisableHomepage: 'true'$/m);
  });
});
