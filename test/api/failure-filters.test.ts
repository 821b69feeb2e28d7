/** The failures route's scope filters (kind, subscription, resource group, extension type) over a fleet in Azurite. */
import { beforeAll, describe, expect, it } from "vitest";
import { openApiServices } from "../../shared/api/services";
import { openFleetHistory } from "../../shared/store";
import { cluster, FLUX_FAIL, HELM_FAIL, snapshot, SUB_A, SUB_B } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { apiClient } from "./support";

let api: ReturnType<typeof apiClient>;
const names = async (path: string): Promise<string[]> => {
  const res = await api("GET", path);
  expect(res.status, path).toBe(200);
  return (res.json.items as Array<{ clusterName: string }>).map((f) => f.clusterName).sort();
};
const MONITOR = "microsoft.azuremonitor.containers";

/**
 * echo (AKS, subscription B) fails first, so it leads the open list; alpha (Arc flux) and bravo (Arc
 * monitoring) fail 15 minutes later; all three recover at minute 30 and fail again at minute 45.
 */
beforeAll(async () => {
  const options = { connectionString: tablesConnection(), tablePrefix: uniquePrefix("failfilter") };
  const history = await openFleetHistory(options);
  const echo = (failing: boolean) => cluster("echo", failing ? { monitor: HELM_FAIL } : {}, { sub: SUB_B, kind: "aks" });
  const arc = (failing: boolean) => [cluster("alpha", failing ? { flux: FLUX_FAIL } : {}), cluster("bravo", failing ? { monitor: HELM_FAIL } : {})];
  await history.recordSweep(snapshot([echo(true), ...arc(false)], { minute: 0, sweepId: "s1" }));
  await history.recordSweep(snapshot([echo(true), ...arc(true)], { minute: 15, sweepId: "s2" }));
  await history.recordSweep(snapshot([echo(false), ...arc(false)], { minute: 30, sweepId: "s3" }));
  await history.recordSweep(snapshot([echo(true), ...arc(true)], { minute: 45, sweepId: "s4" }));
  api = apiClient(await openApiServices(options, { refreshMs: 0 }));
});

describe("GET /api/failures filtered by where the failure is", () => {
  it("filters open failures by cluster kind, subscription, resource group and extension type, case-insensitively", async () => {
    expect(await names("/api/failures")).toEqual(["alpha", "bravo", "echo"]);
    expect(await names("/api/failures?kind=aks")).toEqual(["echo"]);
    expect(await names("/api/failures?kind=arc")).toEqual(["alpha", "bravo"]);
    expect(await names(`/api/failures?subscription=${SUB_B.toUpperCase()}`)).toEqual(["echo"]);
    expect(await names(`/api/failures?subscription=${SUB_A}&extensionType=${MONITOR}`)).toEqual(["bravo"]);
    expect(await names("/api/failures?extensionType=Microsoft.AzureMonitor.Containers")).toEqual(["bravo", "echo"]);
    expect(await names("/api/failures?resourceGroup=RG-Fleet")).toEqual(["alpha", "bravo", "echo"]);
    expect(await names("/api/failures?resourceGroup=rg-other")).toEqual([]);
    expect(await names("/api/failures?kind=aks&subscription=" + SUB_A)).toEqual([]);
  });

  it("filters before paging: a filtered page is full, and its token carries on with the same filter", async () => {
    // echo leads the whole list; filtered out, the first page of one still holds an Arc failure.
    const first = await api("GET", "/api/failures?kind=arc&limit=1");
    expect(first.json.items).toHaveLength(1);
    expect(first.json.items[0].clusterName).not.toBe("echo");
    const second = await api("GET", `/api/failures?kind=arc&limit=1&continuationToken=${encodeURIComponent(first.json.continuationToken)}`);
    expect(second.json.items).toHaveLength(1);
    expect(second.json.continuationToken).toBeUndefined();
    expect([first.json.items[0].clusterName, second.json.items[0].clusterName].sort()).toEqual(["alpha", "bravo"]);
    // A token is bound to its filters: reused with others it is refused, not read against the wrong list.
    const other = await api("GET", `/api/failures?kind=aks&limit=1&continuationToken=${encodeURIComponent(first.json.continuationToken)}`);
    expect(other.status).toBe(400);
  });

  it("filters resolved failures the same way", async () => {
    const since = "&since=2026-10-01";
    expect(await names(`/api/failures?status=resolved${since}`)).toEqual(["alpha", "bravo", "echo"]);
    expect(await names(`/api/failures?status=resolved&kind=aks${since}`)).toEqual(["echo"]);
    expect(await names(`/api/failures?status=resolved&subscription=${SUB_A}&extensionType=microsoft.flux${since}`)).toEqual(["alpha"]);
    expect(await names(`/api/failures?status=resolved&resourceGroup=elsewhere${since}`)).toEqual([]);
    const page = await api("GET", `/api/failures?status=resolved&kind=arc&limit=1${since}`);
    expect(page.json.items).toHaveLength(1);
    expect(page.json.continuationToken).toEqual(expect.any(String));
  });

  it("answers a bad value with a 400 that names the parameter and the form it takes", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["kind=connectedClusters", "kind", /not one of arc, aks/],
      ["subscription=not-a-guid", "subscription", /is not a subscription id \(GUID\)/],
      ["resourceGroup=rg.", "resourceGroup", /is not a resource group name/],
      ["resourceGroup=a/b", "resourceGroup", /is not a resource group name/],
      [`resourceGroup=${"r".repeat(91)}`, "resourceGroup", /longer than 90 characters/],
      ["extensionType=flux%3Bdrop", "extensionType", /is not an extension type/],
      ["kind=", "kind", /not one of/],
    ];
    for (const [query, parameter, message] of cases) {
      for (const status of ["open", "resolved"]) {
        const res = await api("GET", `/api/failures?status=${status}&${query}`);
        expect(res.status, query).toBe(400);
        expect(res.json.error.parameter, query).toBe(parameter);
        expect(res.json.error.message, query).toMatch(message);
      }
    }
  });
});
