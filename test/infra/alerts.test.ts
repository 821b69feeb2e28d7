/**
 * The alert rules (infra/modules/alerts.bicep): optional in main.bicep, e-mailed through one action
 * group, and their queries ask for metric names, dimensions and values the code really exports
 * (recorded here through the in-memory exporter, as Application Insights would receive them).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { recordFleetGauges, recordSweepRun } from "../../shared/telemetry";
import { inMemoryTelemetry, type Point } from "../telemetry/support";
import { declaration, declarations, loadInfra, moduleBody, objectProperties, objectsUnder, propertyAt, resources, valueOf, type BicepFile } from "./bicep";

let infra: Map<string, BicepFile>;
let exported: Point[];

beforeAll(async () => {
  infra = await loadInfra();
  const telemetry = inMemoryTelemetry();
  recordSweepRun("recorded", true, 1000, { read: 1, judge: 1, confirm: 1, record: 1 });
  recordSweepRun("error", false, 10);
  const labels = {
    state: "failing",
    catalog_entry: "arc-agent-offline",
    category: "connectivity",
    severity: "critical",
    extension_type: "none",
    component_kind: "cluster",
    cluster_kind: "arc",
  };
  recordFleetGauges({ components: [{ labels, value: 1 }], clusters: [], openIncidents: 0, partialScopes: 0 });
  exported = await telemetry.points();
  await telemetry.stop();
});

const alerts = () => infra.get("modules/alerts.bicep")!;

describe("alerts", () => {
  it("are optional: main.bicep calls the module only when e-mail addresses are given", () => {
    const main = infra.get("main.bicep")!;
    for (const name of ["alertEmails", "alertFailingRise"]) expect(valueOf(declaration(main, "param", name)), name).toBeDefined();
    const call = declaration(main, "module", "alerts");
    expect(valueOf(call)?.type).toBe("if_statement");
    expect(valueOf(call)?.text).toMatch(/^if \(!empty\(alertEmails\)\)/);
    expect(objectProperties(moduleBody(call)).get("params")?.text).toContain("monitoring.outputs.applicationInsightsName");
  });

  it("e-mail one action group from four log alert rules on Application Insights", () => {
    const byType = new Map(resources(alerts()).map((r) => [r.type, r]));
    const group = byType.get("Microsoft.Insights/actionGroups")!;
    expect(propertyAt(group.body, "location")?.text).toBe("'Global'");
    expect(propertyAt(group.body, "properties.groupShortName")!.text.length - 2).toBeLessThanOrEqual(12);
    expect(propertyAt(group.body, "properties.emailReceivers")?.text).toMatch(/for \(email, i\) in emails/);
    const rule = byType.get("Microsoft.Insights/scheduledQueryRules")!;
    expect(rule.body.parent?.type).toBe("for_statement");
    expect(propertyAt(rule.body, "kind")?.text).toBe("'LogAlert'");
    expect(propertyAt(rule.body, "properties.scopes")?.text).toBe("[appInsights.id]");
    expect(propertyAt(rule.body, "properties.actions.actionGroups")?.text).toBe("[actionGroup.id]");
    const rules = objectsUnder(valueOf(declaration(alerts(), "var", "rules"))!).filter((o) => objectProperties(o).has("query"));
    expect(rules.map((o) => objectProperties(o).get("name")?.text)).toEqual(["'critical-failing'", "'failing-rise'", "'partial-sweeps'", "'no-sweep'"]);
    const threshold = rules.find((o) => objectProperties(o).get("name")?.text === "'failing-rise'")!;
    expect(objectProperties(threshold).get("threshold")?.text).toBe("failingRiseThreshold");
    expect(
      declarations(alerts())
        .filter((d) => d.kind === "param" && valueOf(d) === undefined)
        .map((d) => d.name)
        .sort(),
    ).toEqual(["applicationInsightsName", "emails", "location", "nameSuffix"]);
  });

  it("query only metric names, dimensions and values the code exports", () => {
    const source = alerts().source;
    const names = [...source.matchAll(/name == "([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(new Set(["fleet.sweeps", "fleet.components"]));
    for (const name of names)
      expect(
        exported.some((p) => p.name === name),
        name,
      ).toBe(true);
    const seen = new Map<string, Set<string>>();
    for (const p of exported) for (const [k, v] of Object.entries(p.attributes)) (seen.get(k) ?? seen.set(k, new Set()).get(k)!).add(v);
    const compared = [...source.matchAll(/customDimensions\.(\w+)\) (?:==|!=) "([^"]+)"/g)];
    expect(compared.length).toBeGreaterThanOrEqual(8);
    for (const [, key, value] of compared) expect(seen.get(key)?.has(value), `${key} == ${value}`).toBe(true);
    for (const [, key] of source.matchAll(/customDimensions\.(\w+)/g)) expect(seen.has(key), key).toBe(true);
  });
});
