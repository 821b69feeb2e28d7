import { TableClient } from "@azure/data-tables";
import { beforeEach, describe, expect, it } from "vitest";
import { composeDigest, DEFAULT_LIMITS } from "../../shared/digest/model";
import { DigestStoreError, openDigestStore, type DigestStore } from "../../shared/digest/store";
import { all, firstPage } from "../store/fixtures";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { failing, input, largeFleetInput, lookup } from "./fixtures";
import { exampleDigest } from "./golden";

function digestFor(day: number) {
  const to = new Date(Date.UTC(2026, 10, day, 7));
  const window = { from: new Date(to.getTime() - 86_400_000).toISOString(), to: to.toISOString() };
  return composeDigest(input({ window, now: to }), lookup);
}

describe("digest store (Azurite)", () => {
  let store: DigestStore;
  let prefix: string;
  beforeEach(async () => {
    prefix = uniquePrefix("dg");
    store = await openDigestStore({ connectionString: tablesConnection(), tablePrefix: prefix });
  });

  it("stores a digest once per window and returns the first content on a second save", async () => {
    const digest = exampleDigest();
    const first = await store.save(digest);
    expect(first.created).toBe(true);
    expect(first.stored.digest).toEqual(digest);
    const again = await store.save({ ...digest, generatedAt: "2026-11-22T07:05:00.000Z" });
    expect(again.created).toBe(false);
    expect(again.stored.generatedAt).toBe(digest.generatedAt);
    expect(await store.get(digest.id)).toMatchObject({
      id: digest.id,
      window: digest.window,
      totals: digest.totals,
      gaps: digest.coverage.gaps,
      deliveries: [],
    });
  });

  it("keeps a large fleet's digest (bounded lists, gzip'd into binary properties)", async () => {
    const big = composeDigest(largeFleetInput(), lookup, DEFAULT_LIMITS);
    await store.save(big);
    const back = await store.get(big.id);
    expect(back?.digest.stillFailing).toHaveLength(DEFAULT_LIMITS.maxItems);
    expect(back?.digest.omitted.stillFailing).toBe(big.omitted.stillFailing);
    expect(big.omitted.stillFailing).toBe(890);
  });

  it("lists the newest window first, in pages with an opaque continuation token", async () => {
    for (const day of [18, 20, 19, 21, 22]) await store.save(digestFor(day));
    const first = await firstPage(store.list(), { maxPageSize: 2 });
    expect(first.map((d) => d.window.to.slice(0, 10))).toEqual(["2026-11-22", "2026-11-21"]);
    expect(first[0]).not.toHaveProperty("digest");
    const second = await firstPage(store.list(), { maxPageSize: 2, continuationToken: first.continuationToken });
    expect(second.map((d) => d.window.to.slice(0, 10))).toEqual(["2026-11-20", "2026-11-19"]);
    const last = await firstPage(store.list(), { maxPageSize: 2, continuationToken: second.continuationToken });
    expect(last.map((d) => d.window.to.slice(0, 10))).toEqual(["2026-11-18"]);
    expect(last.continuationToken).toBeUndefined();
    expect((await all(store.list())).map((d) => d.window.to.slice(0, 10))).toEqual(["2026-11-22", "2026-11-21", "2026-11-20", "2026-11-19", "2026-11-18"]);
  });

  it("rejects bad ids, tokens and limits with typed errors", async () => {
    await expect(store.get("../x")).rejects.toMatchObject({ code: "InvalidDigestId" });
    await expect(firstPage(store.list(), { continuationToken: "garbage" })).rejects.toBeInstanceOf(DigestStoreError);
    await expect(firstPage(store.list(), { continuationToken: Buffer.from('{"after":"x\' or 1"}').toString("base64url") })).rejects.toMatchObject({
      code: "InvalidContinuationToken",
    });
    await expect(firstPage(store.list(), { maxPageSize: 0 })).rejects.toMatchObject({ code: "InvalidLimit" });
    expect(await store.get("20261121T070000Z_20261122T070000Z")).toBeUndefined();
  });

  it("lets exactly one of several concurrent runs claim a delivery", async () => {
    const digest = exampleDigest();
    await store.save(digest);
    await store.addDeliveries(digest.id, ["teams", "slack"], "pending");
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimDelivery(digest.id, "teams")));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const claim = claims.find(Boolean)!;
    expect(await store.completeDelivery(claim, { ok: true, httpStatus: 202 })).toBe(true);
    expect(await store.claimDelivery(digest.id, "teams")).toBeUndefined();
    const stored = await store.get(digest.id);
    expect(stored?.deliveries).toEqual([
      { target: "slack", status: "pending", attempts: 0 },
      expect.objectContaining({ target: "teams", status: "delivered", attempts: 1, httpStatus: 202, deliveredAt: expect.any(String) }),
    ]);
  });

  it("keeps a failure visible and open for the next run; an expired lease can be taken over", async () => {
    const digest = exampleDigest();
    await store.save(digest);
    await store.addDeliveries(digest.id, ["webhook", "email"], "pending");
    const claim = (await store.claimDelivery(digest.id, "webhook"))!;
    await store.completeDelivery(claim, { ok: false, httpStatus: 503, error: { code: "HttpError", message: "answered 503" } });
    expect((await store.get(digest.id))?.deliveries.find((d) => d.target === "webhook")).toMatchObject({
      status: "failed",
      attempts: 1,
      httpStatus: 503,
      error: { code: "HttpError" },
    });
    const now = new Date();
    // email: claimed by a run that died mid-send.
    expect(await store.claimDelivery(digest.id, "email", { now, leaseMs: 60_000 })).toBeDefined();
    expect(await store.claimDelivery(digest.id, "email", { now })).toBeUndefined();
    const since = new Date(Date.parse(digest.window.to) - 86_400_000);
    expect(await store.undelivered({ since, now })).toEqual([{ digestId: digest.id, target: "webhook" }]);
    const later = new Date(now.getTime() + 61_000);
    expect((await store.undelivered({ since, now: later })).map((d) => d.target).sort()).toEqual(["email", "webhook"]);
    const takeover = await store.claimDelivery(digest.id, "email", { now: later });
    expect(takeover?.attempts).toBe(2);
    // Digests whose window ended before `since` are not retried any more.
    expect(await store.undelivered({ since: new Date(Date.parse(digest.window.to) + 1000), now: later })).toEqual([]);
  });

  it("records skipped deliveries and never claims them", async () => {
    const digest = exampleDigest();
    await store.save(digest);
    await store.addDeliveries(digest.id, ["slack"], "skipped");
    await store.addDeliveries(digest.id, ["slack"], "pending");
    expect(await store.claimDelivery(digest.id, "slack")).toBeUndefined();
    expect((await store.get(digest.id))?.deliveries).toEqual([{ target: "slack", status: "skipped", attempts: 0 }]);
  });

  it("stops every call on an aborted signal, writing nothing", async () => {
    const abortSignal = AbortSignal.abort();
    const digest = exampleDigest();
    await expect(store.save(digest, { abortSignal })).rejects.toMatchObject({ name: "AbortError" });
    expect(await all(store.list())).toEqual([]);
    await store.save(digest);
    for (const call of [
      () => store.get(digest.id, { abortSignal }),
      () => all(store.list({ abortSignal })),
      () => store.addDeliveries(digest.id, ["teams"], "pending", { abortSignal }),
      () => store.claimDelivery(digest.id, "teams", { abortSignal }),
      () => store.undelivered({ since: new Date(0), abortSignal }),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: "AbortError" });
    }
    expect((await store.get(digest.id))?.deliveries).toEqual([]);
  });

  it("lives in its own table under the configured prefix", async () => {
    await store.save(failingDigest());
    const table = TableClient.fromConnectionString(tablesConnection(), `${prefix}digests`, { allowInsecureConnection: true });
    const rows = [];
    for await (const row of table.listEntities()) rows.push(row);
    expect(rows).toHaveLength(1);
    expect(rows[0].rowKey).toMatch(/^\d{13}_\d{8}T\d{6}Z_\d{8}T\d{6}Z$/);
  });
});

function failingDigest() {
  return composeDigest(input({ openFailures: [failing("arc-01")] }), lookup);
}
