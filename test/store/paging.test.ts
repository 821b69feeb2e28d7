import { describe, expect, it } from "vitest";
import type { FleetSnapshot } from "../../shared/core/model";
import { openFleetHistory, type FleetHistory, type FleetHistoryOptions, type PagedList } from "../../shared/store";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { all, cluster, clusterId, firstPage, snapshot } from "./fixtures";

const options = (extra: Partial<FleetHistoryOptions> = {}): FleetHistoryOptions => ({
  connectionString: tablesConnection(),
  tablePrefix: uniquePrefix("paging"),
  ...extra,
});

/** Three clusters whose flux extension flips every 6 hours for three days: transitions over several day partitions, packed early. */
const sweeps: FleetSnapshot[] = Array.from({ length: 12 }, (_, i) =>
  snapshot(
    ["c1", "c2", "c3"].map((n) =>
      cluster(n, { flux: i % 2 ? { state: "failing", reason: "InstallationFailed", catalogId: "ext-install-failed" } : undefined }),
    ),
    { minute: i * 360, sweepId: `s${i}` },
  ),
);

/** Pages read the way the API reads them: each one a fresh `byPage` resumed from the previous page's token. */
async function resumedPages<T>(list: () => PagedList<T>, maxPageSize: number): Promise<T[][]> {
  const pages: T[][] = [];
  let continuationToken: string | undefined;
  do {
    const page = await firstPage(list(), { maxPageSize, ...(continuationToken ? { continuationToken } : {}) });
    pages.push([...page]);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return pages;
}

async function expectPagesMatch<T>(list: () => PagedList<T>): Promise<void> {
  const whole = await all(list());
  expect(whole.length).toBeGreaterThan(3);
  for (const size of [1, 1000]) {
    const pages = await resumedPages(list, size);
    expect(pages.flat()).toEqual(whole);
    expect(pages.slice(0, -1).every((p) => p.length === size)).toBe(true);
    // byPage in one go pages the same items
    const inOneGo: T[] = [];
    for await (const page of list().byPage({ maxPageSize: size })) inOneGo.push(...page);
    expect(inOneGo).toEqual(whole);
  }
}

describe("lists page the Azure SDK way", () => {
  let history: FleetHistory;

  it("every list resumes from its continuation token and reads the same items as iterating it", async () => {
    history = await openFleetHistory(options({ compactAfter: 4 }));
    for (const s of sweeps) await history.recordSweep(s);
    const window = { from: new Date(sweeps[3].startedAt), to: new Date(sweeps[9].startedAt) };

    await expectPagesMatch(() => history.listClusterTransitions(clusterId("c1")));
    await expectPagesMatch(() => history.listClusterTransitions(clusterId("c1"), window));
    await expectPagesMatch(() => history.listTransitions());
    await expectPagesMatch(() => history.listTransitions(window));
    await expectPagesMatch(() => history.listTransitions({ catalogId: "ext-install-failed" }));
    await expectPagesMatch(() => history.listComponents());
    await expectPagesMatch(() => history.listSweeps());
    expect((await all(history.listTransitions())).map((t) => t.at)).toEqual((await all(history.listTransitions())).map((t) => t.at).sort());
  });

  it("refuses a token it did not issue and a page size that is not positive, with typed errors", async () => {
    const transitionToken = (await firstPage(history.listTransitions(), { maxPageSize: 1 })).continuationToken;
    expect(transitionToken).toBeDefined();
    await expect(firstPage(history.listClusterTransitions(clusterId("c1")), { continuationToken: "garbage" })).rejects.toMatchObject({
      name: "FleetHistoryError",
      code: "InvalidContinuationToken",
    });
    await expect(firstPage(history.listClusterTransitions(clusterId("c1")), { continuationToken: transitionToken })).rejects.toMatchObject({
      code: "InvalidContinuationToken",
    });
    await expect(firstPage(history.listTransitions(), { maxPageSize: 0 })).rejects.toMatchObject({ code: "InvalidArgument" });
  });
});

describe("abortSignal", () => {
  it("stops every call; a sweep aborted midway is repaired by the next one like a crashed sweep", async () => {
    const aborted = AbortSignal.abort();
    const controller = new AbortController();
    let armed = false;
    let batches = 0;
    const history = await openFleetHistory(options({ beforeBatch: () => void (armed && ++batches === 2 && controller.abort()) }));
    const truth = await openFleetHistory(options());
    await expect(history.recordSweep(sweeps[0], { abortSignal: aborted })).rejects.toMatchObject({ name: "AbortError" });
    expect(await all(history.listSweeps())).toEqual([]);

    await history.recordSweep(sweeps[0]);
    await truth.recordSweep(sweeps[0]);
    armed = true;
    await expect(history.recordSweep(sweeps[1], { abortSignal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(batches).toBeGreaterThanOrEqual(2);
    await history.recordSweep(sweeps[1]);
    await truth.recordSweep(sweeps[1]);
    expect(await all(history.listComponents({ state: "failing" }))).toEqual(await all(truth.listComponents({ state: "failing" })));
    expect(await all(history.listTransitions())).toEqual(await all(truth.listTransitions()));
    expect(await all(history.listClusterTransitions(clusterId("c2")))).toEqual(await all(truth.listClusterTransitions(clusterId("c2"))));

    for (const call of [
      () => all(history.listComponents({ abortSignal: aborted })),
      () => all(history.listTransitions({ abortSignal: aborted })),
      () => all(history.listClusterTransitions(clusterId("c1"), { abortSignal: aborted })),
      () => all(history.listSweeps({ abortSignal: aborted })),
      () => history.getCluster(clusterId("c1"), { abortSignal: aborted }),
      () => history.lastCompleteSweep({ abortSignal: aborted }),
      () => history.diffSnapshot(sweeps[2], { abortSignal: aborted }),
      () => history.applyRetention({ abortSignal: aborted }),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: "AbortError" });
    }
  });
});
