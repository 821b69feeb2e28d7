import { describe, expect, it } from "vitest";
import { renderText } from "../../shared/digest";
import { composeDigest, DEFAULT_LIMITS } from "../../shared/digest/model";
import { composeWithOperations, type DigestOperations } from "../../shared/digest/operations";
import { runDigestFromEnv } from "../../shared/digest/run";
import { openFleetHistory } from "../../shared/store";
import { OperationsStore, type Acknowledgement, type Silence } from "../../shared/store/operations";
import { FLUX_FAIL, seedFleet } from "../api/support";
import { clusterId as storeClusterId } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { clusterId, clusterRecord, failing, input, lookup } from "../digest/fixtures";

const silence = (over: Partial<Silence>): Silence => ({
  id: "s",
  scope: {},
  reason: "r",
  createdBy: "ann",
  createdAt: "2026-11-15T00:00:00.000Z",
  expiresAt: "2026-11-30T00:00:00.000Z",
  ...over,
});

const alpha = failing("alpha");
const bravo = failing("bravo", { name: "azuremonitor", extensionType: "microsoft.azuremonitor.containers", firstSeenFailingAt: "2026-11-21T20:00:00.000Z" });
const charlie = failing("charlie", { catalogId: "flux-extension-install", firstSeenFailingAt: "2026-11-21T10:00:00.000Z" });
const delta = failing("delta", { catalogId: "flux-extension-install", firstSeenFailingAt: "2026-11-21T12:00:00.000Z" });
const echo = failing("echo", { catalogId: null, fingerprint: "unexpected <n>", firstSeenFailingAt: "2026-11-21T12:00:00.000Z" });
const incident = ["f1", "f2", "f3"].map((c) => failing(c, { catalogId: "ext-agent-no-response" }));

const ops: DigestOperations = {
  silences: [
    silence({
      id: "s1",
      catalogId: "helm-timeout-ready",
      scope: { clusterId: clusterId("alpha") },
      reason: "upgrade window",
      createdBy: "ann",
      expiresAt: "2026-11-25T00:00:00.000Z",
    }),
    silence({
      id: "s2",
      catalogId: "helm-timeout-ready",
      scope: { extensionType: "microsoft.azuremonitor.containers" },
      reason: "monitoring migration",
      createdBy: "dan",
    }),
    // Expired before the digest: delta is news again.
    silence({ id: "s3", catalogId: "flux-extension-install", reason: "old", expiresAt: "2026-11-22T06:00:00.000Z" }),
  ],
  acknowledgements: [
    { id: "a1", target: { kind: "failure", clusterId: charlie.clusterId, componentId: charlie.id }, by: "bob", at: "2026-11-21T11:00:00.000Z", note: "INC-7" },
    { id: "a2", target: { kind: "incident", key: "catalog:ext-agent-no-response" }, by: "carol", at: "2026-11-21T00:00:00.000Z" },
    // Made before delta failed: does not cover it.
    { id: "a3", target: { kind: "failure", clusterId: delta.clusterId, componentId: delta.id }, by: "eve", at: "2026-11-21T11:00:00.000Z" },
  ] satisfies Acknowledgement[],
};

describe("a digest with silenced and acknowledged failures", () => {
  const digestInput = input({ openFailures: [alpha, bravo, charlie, delta, echo, ...incident] });
  const plain = composeDigest(digestInput, lookup, DEFAULT_LIMITS);
  const digest = composeWithOperations(digestInput, ops, lookup, DEFAULT_LIMITS);
  const names = (items: Array<{ clusterName: string }>) => items.map((f) => f.clusterName);

  it("leaves silenced failures out of the headlines and lists them apart with the reason and who", () => {
    expect(names(plain.newFailures).sort()).toEqual(["bravo", "charlie", "delta", "echo"]);
    expect(names(digest.newFailures)).toEqual(["delta", "echo"]);
    expect(names(digest.stillFailing)).toEqual([]);
    expect(digest.totals).toMatchObject({ newFailures: 2, stillFailing: 3, failingClusters: 6 });
    expect(plain.totals.failingClusters).toBe(8);
    expect(digest.operations?.silenced.map((f) => [f.clusterName, f.silenced])).toEqual([
      ["alpha", { reason: "upgrade window", by: "ann", until: "2026-11-25T00:00:00.000Z" }],
      ["bravo", { reason: "monitoring migration", by: "dan", until: "2026-11-30T00:00:00.000Z" }],
    ]);
  });

  it("lists silenced failures that began in the silence's last day", () => {
    expect(digest.operations?.recentUnderSilence.map((f) => [f.clusterName, f.silenced?.reason])).toEqual([["bravo", "monitoring migration"]]);
  });

  it("shows acknowledged failures with who and since instead of as news; an acknowledged incident is marked", () => {
    expect(digest.operations?.acknowledged.map((f) => [f.clusterName, f.acknowledged])).toEqual([
      ["charlie", { by: "bob", since: "2026-11-21T11:00:00.000Z", note: "INC-7" }],
    ]);
    expect(digest.incidents).toHaveLength(1);
    expect(digest.incidents[0]).toMatchObject({ key: "catalog:ext-agent-no-response", acknowledged: { by: "carol", since: "2026-11-21T00:00:00.000Z" } });
    expect(plain.incidents[0].acknowledged).toBeUndefined();
  });

  it("renders the markers in every channel's layout", () => {
    const text = renderText(digest, { apiBaseUrl: "https://fleet.example/api" });
    expect(text).toContain(
      "2 components started failing, 3 failing since before the window, 0 recovered, 1 acknowledged, 2 silenced, on 6 clusters of 20 seen",
    );
    expect(text).toContain("acknowledged by carol since 2026-11-21 00:00 UTC");
    expect(text).toMatch(/Acknowledged \(1\)\n {2}- charlie \/ flux: .*acknowledged by bob since 2026-11-21 11:00 UTC \(INC-7\)/);
    expect(text).toMatch(/Silenced \(2\)\n {2}- alpha \/ flux: .*silenced by ann until 2026-11-25 00:00 UTC: upgrade window/);
    expect(text).toMatch(/New under a silence in its last day: check for regressions \(1\)\n {2}- bravo \/ azuremonitor/);
    const newSection = text.slice(text.indexOf("New failures"), text.indexOf("New under a silence"));
    expect(newSection).not.toContain("alpha");
    expect(newSection).not.toContain("charlie");
  });
});

describe("a tag-scoped silence in the digest", () => {
  it("matches the failures of clusters whose cluster record carries the tag", () => {
    const tagged = input({
      openFailures: [failing("prod-1"), failing("dev-1")],
      clusters: [clusterRecord("prod-1", { tags: { env: "prod" } }), clusterRecord("dev-1", { tags: { env: "dev" } })],
    });
    const d = composeWithOperations(
      tagged,
      { silences: [silence({ catalogId: "helm-timeout-ready", scope: { tag: { key: "ENV", value: "prod" } } })], acknowledgements: [] },
      lookup,
      DEFAULT_LIMITS,
    );
    expect(d.operations?.silenced.map((f) => f.clusterName)).toEqual(["prod-1"]);
    expect(d.stillFailing.map((f) => f.clusterName)).toEqual(["dev-1"]);
  });
});

describe("the digest run reads the operators' silences from Table storage", () => {
  it("a silence stored through the operations store keeps its failure out of the stored digest's headlines", async () => {
    const prefix = uniquePrefix("opdig");
    const options = { connectionString: tablesConnection(), tablePrefix: prefix };
    await seedFleet(await openFleetHistory(options));
    const store = await OperationsStore.open(options);
    const now = new Date("2026-11-01T12:00:00.000Z");
    await store.create(
      "silence",
      silence({
        id: "s-bravo",
        catalogId: FLUX_FAIL.catalogId,
        scope: { clusterId: storeClusterId("bravo") },
        reason: "bravo is being rebuilt",
        createdAt: "2026-10-31T00:00:00.000Z",
        expiresAt: "2026-11-05T00:00:00.000Z",
      }),
      "ann",
    );
    const { stored } = await runDigestFromEnv({
      env: { FLEET_TABLES_CONNECTION: tablesConnection(), FLEET_TABLE_PREFIX: prefix },
      send: false,
      now,
      since: 86_400_000,
    });
    const d = stored.digest;
    expect(d.operations?.silenced.map((f) => f.clusterName)).toEqual(["bravo"]);
    expect([...d.newFailures, ...d.stillFailing].map((f) => f.clusterName)).toEqual(["alpha"]);
  });
});
