import { beforeAll, describe, expect, it } from "vitest";
import { applyOperationsRetention } from "../../shared/operate";
import { openFleetHistory } from "../../shared/store";
import { OperationsError, OperationsStore, type Silence } from "../../shared/store/operations";
import { collect } from "../../shared/store/paging";
import { cluster, snapshot } from "../store/fixtures";
import { FLUX_FAIL } from "../api/support";
import { tablesConnection, uniquePrefix } from "../support/tables";

const options = () => ({ connectionString: tablesConnection(), tablePrefix: uniquePrefix("ops") });
const silence = (id: string, over: Partial<Silence> = {}): Silence => ({
  id,
  catalogId: "flux-extension-install",
  scope: {},
  reason: "maintenance",
  createdBy: "ann",
  createdAt: "2026-12-01T00:00:00.000Z",
  expiresAt: "2026-12-08T00:00:00.000Z",
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<OperationsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OperationsError);
  return err as OperationsError;
}

describe("operations store (Azurite)", () => {
  let store: OperationsStore;
  beforeAll(async () => {
    store = await OperationsStore.open(options());
  });

  it("creates, lists, changes on the current ETag only, and deletes", async () => {
    const created = await store.create("silence", silence("a"), "ann");
    expect(created).toMatchObject({ id: "a", reason: "maintenance", etag: expect.any(String) });
    expect((await collect(store.list("silence"))).map((s) => s.id)).toEqual(["a"]);
    expect(await collect(store.list("ack"))).toEqual([]);

    // Two operators read the same version; the first change wins, the second gets PreconditionFailed.
    const first = await store.update("silence", { ...created, reason: "longer maintenance" }, created.etag, "bob");
    expect(first.etag).not.toBe(created.etag);
    expect((await rejection(store.update("silence", { ...created, reason: "other" }, created.etag, "cy"))).code).toBe("PreconditionFailed");
    expect((await store.get("silence", "a"))?.reason).toBe("longer maintenance");
    // ... and can retry on the new version.
    const retried = await store.update("silence", { ...first, reason: "other" }, first.etag, "cy");
    expect(retried.reason).toBe("other");

    expect((await rejection(store.remove("silence", "a", first.etag, "dan"))).code).toBe("PreconditionFailed");
    expect(await store.get("silence", "a")).toBeDefined();
    await store.remove("silence", "a", retried.etag, "dan");
    expect(await store.get("silence", "a")).toBeUndefined();
    expect(await collect(store.list("silence"))).toEqual([]);
    expect((await rejection(store.update("silence", silence("a"), retried.etag, "eve"))).code).toBe("NotFound");
    expect((await rejection(store.create("silence", silence("b"), "ann").then(() => store.create("silence", silence("b"), "ann")))).code).toBe("AlreadyExists");
  });

  it("records who changed what and when, before and after, newest first; a refused change leaves no entry", async () => {
    const s = await OperationsStore.open(options());
    const t0 = new Date("2026-12-01T08:00:00.000Z");
    const created = await s.create("silence", silence("x"), "ann", t0);
    const changed = await s.update("silence", { ...created, reason: "changed" }, created.etag, "bob", new Date(t0.getTime() + 1000));
    await rejection(s.update("silence", { ...created, reason: "stale" }, created.etag, "mallory", new Date(t0.getTime() + 1500)));
    await s.remove("silence", "x", changed.etag, "cy", new Date(t0.getTime() + 2000));
    const items = await collect(s.listAudit());
    expect(items.map((e) => [e.action, e.actor, e.at])).toEqual([
      ["delete", "cy", "2026-12-01T08:00:02.000Z"],
      ["update", "bob", "2026-12-01T08:00:01.000Z"],
      ["create", "ann", "2026-12-01T08:00:00.000Z"],
    ]);
    expect(items[1]).toMatchObject({ kind: "silence", targetId: "x", before: { reason: "maintenance" }, after: { reason: "changed" } });
    expect(items[0].after).toBeUndefined();
    expect((items[2] as { before?: unknown }).before).toBeUndefined();
    const { value: paged } = await s.listAudit().byPage({ maxPageSize: 2 }).next();
    expect(paged).toHaveLength(2);
    const { value: rest } = await s.listAudit().byPage({ maxPageSize: 2, continuationToken: paged.continuationToken }).next();
    expect(rest.map((e: { action: string }) => e.action)).toEqual(["create"]);
    expect(await collect(s.listAudit({ targetId: "other" }))).toEqual([]);
    expect((await collect(s.listAudit({ from: new Date(t0.getTime() + 1000) }))).map((e) => e.action)).toEqual(["delete", "update"]);
  });

  it("retention removes silences expired before the cutoff, acknowledgements of resolved failures, old notes and audit entries", async () => {
    const opts = options();
    const s = await OperationsStore.open(opts);
    const history = await openFleetHistory(opts);
    const { transitions } = await history.recordSweep(snapshot([cluster("alpha", { flux: FLUX_FAIL }), cluster("bravo")], { minute: 0, sweepId: "s1" }));
    const openFlux = transitions.find((t) => t.event === "new-failure")!;
    const old = new Date("2026-01-01T00:00:00.000Z");
    await s.create("silence", silence("expired-long-ago", { expiresAt: "2026-01-02T00:00:00.000Z" }), "ann", old);
    await s.create("silence", silence("recent", { expiresAt: "2099-01-01T00:00:00.000Z" }), "ann", old);
    await s.create(
      "ack",
      { id: "open", target: { kind: "failure", clusterId: openFlux.clusterId, componentId: openFlux.componentId }, by: "ann", at: "2099-01-01T00:00:00.000Z" },
      "ann",
      old,
    );
    await s.create(
      "ack",
      { id: "resolved", target: { kind: "failure", clusterId: openFlux.clusterId, componentId: "/gone" }, by: "ann", at: "2026-01-01T00:00:00.000Z" },
      "ann",
      old,
    );
    await s.create("note", { id: "old-note", clusterId: openFlux.clusterId, by: "ann", at: "2026-01-01T00:00:00.000Z", text: "looked" }, "ann", old);
    const deleted = await applyOperationsRetention(s, history, { days: 30, now: new Date("2026-12-01T00:00:00.000Z") });
    expect(deleted).toBe(3 + 5);
    expect((await collect(s.list("silence"))).map((x) => x.id)).toEqual(["recent"]);
    expect((await collect(s.list("ack"))).map((x) => x.id)).toEqual(["open"]);
    expect(await collect(s.list("note"))).toEqual([]);
    expect(await collect(s.listAudit())).toEqual([]);
  });
});
