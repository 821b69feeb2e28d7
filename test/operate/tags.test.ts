import { beforeAll, describe, expect, it } from "vitest";
import { openApiServices } from "../../shared/api/services";
import { DEFAULT_JUDGE_OPTIONS, judgeCluster } from "../../shared/health/cluster";
import { openFleetHistory } from "../../shared/store";
import { apiClient, FLUX_FAIL } from "../api/support";
import { arcRow, NOW } from "../health/fixtures";
import { cluster, clusterId, snapshot } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";

describe("cluster tags reach the history", () => {
  it("the judged cluster keeps its string tags; none when Azure sends none", () => {
    const judged = judgeCluster({ ...arcRow(), tags: { Env: "prod", owner: "team-a", count: 3 } }, { ...DEFAULT_JUDGE_OPTIONS, now: NOW });
    expect(judged.tags).toEqual({ Env: "prod", owner: "team-a" });
    expect(judgeCluster({ ...arcRow(), tags: null }, { ...DEFAULT_JUDGE_OPTIONS, now: NOW }).tags).toBeUndefined();
  });
});

describe("a tag-scoped silence over the API (Azurite)", () => {
  let api: ReturnType<typeof apiClient>;
  const headers = { "x-fleet-operator-key": "k", "content-type": "application/json" };

  beforeAll(async () => {
    const options = { connectionString: tablesConnection(), tablePrefix: uniquePrefix("optag") };
    const history = await openFleetHistory(options);
    await history.recordSweep(
      snapshot(
        [
          { ...cluster("prod-1", { flux: FLUX_FAIL }), tags: { Env: "prod" } },
          { ...cluster("dev-1", { flux: FLUX_FAIL }), tags: { Env: "dev" } },
          cluster("untagged", { flux: FLUX_FAIL }),
        ],
        { minute: 0, sweepId: "s1" },
      ),
    );
    api = apiClient(await openApiServices(options, { refreshMs: 0, auth: { easyAuth: false, operatorKey: "k" } }));
  });

  it("silences the failures of clusters with the tag only; clusters show their tags", async () => {
    const res = await api("POST", "/api/silences", {
      headers,
      body: JSON.stringify({
        catalogId: FLUX_FAIL.catalogId,
        scope: { tag: "env=prod" },
        reason: "prod freeze",
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(res.status).toBe(201);
    expect(res.json.matchingFailures).toBe(1);
    const failures = (await api("GET", "/api/failures")).json.items as Array<{ clusterName: string; silenced?: { reason: string } }>;
    expect(failures.map((f) => [f.clusterName, f.silenced?.reason ?? null]).sort()).toEqual([
      ["dev-1", null],
      ["prod-1", "prod freeze"],
      ["untagged", null],
    ]);
    const rows = (await api("GET", "/api/clusters")).json.items as Array<{ id: string; tags?: Record<string, string> }>;
    expect(rows.find((r) => r.id === clusterId("prod-1"))?.tags).toEqual({ Env: "prod" });
  });
});
