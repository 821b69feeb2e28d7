import { describe, expect, it } from "vitest";
import { KqlError, matches, parseQuery } from "../../dev/simulator/kql";

const row = { type: "microsoft.kubernetes/connectedclusters", subscriptionId: "sub-a", resourceGroup: "rg-1", name: "arc-1", id: "/subscriptions/sub-a/x" };

describe("the simulator's KQL subset", () => {
  it("parses the collector's fleet query", () => {
    const q = parseQuery(
      "resources | where type =~ 'Microsoft.Kubernetes/connectedClusters' or type =~ 'microsoft.containerservice/managedclusters' | project id, name, type, kind, location, subscriptionId, resourceGroup, tags, properties | order by id asc",
    );
    expect(q.table).toBe("resources");
    expect(q.where).toEqual([
      [
        { field: "type", caseSensitive: false, values: ["Microsoft.Kubernetes/connectedClusters"] },
        { field: "type", caseSensitive: false, values: ["microsoft.containerservice/managedclusters"] },
      ],
    ]);
    expect(q.project).toEqual(["id", "name", "type", "kind", "location", "subscriptionId", "resourceGroup", "tags", "properties"]);
    expect(q.descending).toBe(false);
    expect(matches(q, row)).toBe(true);
  });

  it("accepts in~ lists, parentheses, several where stages, sort by id desc and any keyword case", () => {
    const q = parseQuery(
      `KubernetesConfigurationResources | WHERE (type in~ ("a", 'Microsoft.Kubernetes/connectedClusters')) | where subscriptionId == 'sub-a' | sort by id desc`,
    );
    expect(q.table).toBe("kubernetesconfigurationresources");
    expect(q.project).toBeUndefined();
    expect(q.descending).toBe(true);
    expect(matches(q, row)).toBe(true);
    expect(matches(q, { ...row, subscriptionId: "SUB-A" })).toBe(false);
  });

  it("compares == and in case-sensitively, =~ and in~ not", () => {
    expect(matches(parseQuery("resources | where name == 'ARC-1'"), row)).toBe(false);
    expect(matches(parseQuery("resources | where name =~ 'ARC-1'"), row)).toBe(true);
    expect(matches(parseQuery("resources | where name in ('ARC-1')"), row)).toBe(false);
    expect(matches(parseQuery("resources | where name in~ ('ARC-1')"), row)).toBe(true);
  });

  it("parses the planner's count per subscription", () => {
    expect(parseQuery("resources | where type in~ ('a') | summarize count() by subscriptionId")).toMatchObject({
      summarize: "subscriptionId",
      where: [[{ field: "type", values: ["a"] }]],
    });
  });

  it.each([
    ["an unknown table", "securityresources | project id", "securityresources"],
    ["an unsupported operator", "resources | distinct id", "distinct"],
    ["a count by another column", "resources | summarize count() by type", "type"],
    ["an unknown column", "resources | project id, bogus", "bogus"],
    ["a filter on properties", "resources | where properties.provisioningState =~ 'Failed'", "properties.provisioningState"],
    ["a missing value", "resources | where type =~", "<EOF>"],
    ["ordering by another column", "resources | order by name asc", "name"],
    ["a negated comparison", "resources | where type !~ 'x'", "!~"],
  ])("rejects %s with the offending token", (_, query, token) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KqlError);
    expect((error as KqlError).code).toBe("InvalidQuery");
    expect((error as KqlError).token).toBe(token);
  });
});
