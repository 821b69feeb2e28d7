import { odata } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import type { ClusterHealth, FleetSnapshot } from "../../shared/core/model";
import { openFleetHistory, openTable, type FleetHistory, type FleetHistoryOptions } from "../../shared/store";
import { transitionEntity, transitionFromEntity } from "../../shared/store/entities";
import * as keys from "../../shared/store/keys";
import { packRows, unpack } from "../../shared/store/packs";
import type { TransitionRecord } from "../../shared/store/types";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { all, cluster, clusterId, snapshot, type ComponentSpec } from "./fixtures";

const DAY = 24 * 60;
const options = (prefix: string, extra: Partial<FleetHistoryOptions> = {}): FleetHistoryOptions => ({
  connectionString: tablesConnection(),
  tablePrefix: prefix,
  ...extra,
});
/** Never compacts: the reference every compacted store must read the same as. */
const LOOSE = { compactAfter: Number.MAX_SAFE_INTEGER };

/** A cluster with `extensions` more extensions like flux, all failing or all healthy: each flip is one transition per extension. */
function wide(name: string, extensions: number, failing: boolean, monitor?: ComponentSpec): ClusterHealth {
  const c = cluster(name, { flux: failing ? { state: "failing", reason: "InstallationFailed", catalogId: "ext-install-failed" } : undefined, monitor });
  const flux = c.components[1];
  for (let i = 0; i < extensions; i++) c.components.push({ ...flux, id: `${flux.id}-${i}`, name: `ext-${i}` });
  return c;
}

/** Sweeps a day apart flipping `wide` clusters `count` times; `monitors` gives a cluster's monitor extension a fixed state. */
function flaps(names: string[], count: number, { extensions = 3, monitors = {} as Record<string, ComponentSpec> } = {}): FleetSnapshot[] {
  return Array.from({ length: count }, (_, i) =>
    snapshot(
      names.map((n) => wide(n, extensions, i % 2 === 1, monitors[n])),
      { minute: i * DAY, sweepId: `s${i}` },
    ),
  );
}

async function record(history: FleetHistory, sweeps: FleetSnapshot[]): Promise<void> {
  for (const s of sweeps) await history.recordSweep(s);
}

/** Row keys of one kind (`t~` loose, `p~` packs) in a cluster's partition, read from the table itself. */
async function rowKeys(prefix: string, name: string, kind: string): Promise<string[]> {
  const table = await openTable(options(prefix), keys.TABLES.clusters);
  const filter = odata`PartitionKey eq ${keys.clusterKey(clusterId(name))} and RowKey ge ${kind} and RowKey lt ${keys.prefixEnd(kind)}`;
  const found: string[] = [];
  for await (const e of table.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) found.push(e.rowKey as string);
  return found;
}

const windows = (sweeps: FleetSnapshot[]): Array<{ from?: Date; to?: Date }> => {
  const at = (i: number) => new Date(sweeps[i].startedAt);
  const n = sweeps.length;
  return [
    {},
    { from: at(0) },
    { to: at(n - 1) },
    { from: at(3), to: at(7) },
    { from: new Date(at(4).getTime() + 1), to: new Date(at(9).getTime() + 1) },
    { from: at(n - 3) },
    { to: at(1) },
    { from: at(5), to: at(5) },
  ];
};

describe("timeline compaction", () => {
  it("packs older transitions and reads the same timeline, whole and in windows across pack boundaries", async () => {
    const loosePrefix = uniquePrefix("loose");
    const packedPrefix = uniquePrefix("packed");
    const loose = await openFleetHistory(options(loosePrefix, LOOSE));
    const packed = await openFleetHistory(options(packedPrefix, { compactAfter: 10 }));
    const sweeps = flaps(["c1", "c2"], 14);
    await record(loose, sweeps);
    await record(packed, sweeps);

    const packs = await rowKeys(packedPrefix, "c1", keys.PACK_PREFIX);
    const looseRows = await rowKeys(packedPrefix, "c1", keys.TRANSITION_PREFIX);
    expect(packs.length).toBeGreaterThan(3);
    expect(looseRows.length).toBeLessThan(14);
    expect(await rowKeys(loosePrefix, "c1", keys.PACK_PREFIX)).toEqual([]);

    for (const name of ["c1", "c2"]) {
      const whole = await all(loose.listClusterTransitions(clusterId(name)));
      expect(whole).toHaveLength(7 + 13 * 4);
      for (const window of windows(sweeps)) {
        const expected = await all(loose.listClusterTransitions(clusterId(name), window));
        expect(await all(packed.listClusterTransitions(clusterId(name), window)), JSON.stringify(window)).toEqual(expected);
      }
    }
    // Packs leave the fleet-wide indexes and the current state alone.
    expect(await all(packed.listTransitions())).toEqual(await all(loose.listTransitions()));
    expect(await all(packed.listComponents())).toEqual(await all(loose.listComponents()));
  });

  it("loses and doubles nothing when the writer dies before or between the packs of a compaction", async () => {
    // 7 sweeps of a cluster with 20 components, 17 flipping: 122 loose rows, 105 of them before the last sweep.
    const sweeps = flaps(["c1"], 9, { extensions: 16 });
    const truth = await openFleetHistory(options(uniquePrefix("ctruth"), LOOSE));
    await record(truth, sweeps);
    const expected = await all(truth.listClusterTransitions(clusterId("c1")));

    class Crash extends Error {}
    const crashAt = async (call: number) => {
      const prefix = uniquePrefix(`pcrash${call}`);
      await record(await openFleetHistory(options(prefix, LOOSE)), sweeps.slice(0, 7));
      let calls = 0;
      const dying = await openFleetHistory(
        options(prefix, {
          compactAfter: 10,
          concurrency: 1,
          beforeBatch: ({ table }) => {
            if (table.endsWith("clusters") && calls++ === call) throw new Crash();
          },
        }),
      );
      // Batch 0 writes the cluster's rows; then pack 1 (99 rows) and pack 2 (6 rows).
      await expect(dying.recordSweep(sweeps[7])).rejects.toBeInstanceOf(Crash);
      const interrupted = await rowKeys(prefix, "c1", keys.PACK_PREFIX);
      expect(interrupted).toHaveLength(call - 1);
      // Readable as it stands: the rows or their pack, never both or neither.
      expect(await all(dying.listClusterTransitions(clusterId("c1")))).toEqual(expected.filter((t) => t.at <= sweeps[7].startedAt));

      const rerun = await openFleetHistory(options(prefix, { compactAfter: 10 }));
      await rerun.recordSweep(sweeps[7]);
      await rerun.recordSweep(sweeps[8]);
      expect(await all(rerun.listClusterTransitions(clusterId("c1")))).toEqual(expected);
      expect(await all(rerun.listTransitions())).toEqual(await all(truth.listTransitions()));
      expect((await rowKeys(prefix, "c1", keys.PACK_PREFIX)).length).toBeGreaterThanOrEqual(2);
    };
    await Promise.all([1, 2].map(crashAt));
  });

  it("retention deletes packs of closed episodes only, never one holding an open failure", async () => {
    const prefix = uniquePrefix("pret");
    const history = await openFleetHistory(options(prefix, { compactAfter: 10 }));
    // c2's monitor fails from the first sweep on and never recovers; c1 and c2 flip their extensions daily.
    const sweeps = flaps(["c1", "c2"], 12, { monitors: { c2: { state: "failing", reason: "AgentCrash", catalogId: "monitor-crash" } } });
    await record(history, sweeps);
    const packsBefore = { c1: await rowKeys(prefix, "c1", keys.PACK_PREFIX), c2: await rowKeys(prefix, "c2", keys.PACK_PREFIX) };
    expect(packsBefore.c1.length).toBeGreaterThan(1);
    expect(packsBefore.c2.length).toBeGreaterThan(1);
    const firstC2 = (await all(history.listClusterTransitions(clusterId("c2"))))[0];

    // Cut-off at the 8th sweep: the packs of sweeps 1-7 end before it (sweep 12 packs sweep 10's rows).
    const now = new Date(Date.parse(sweeps[11].startedAt) + DAY * 60_000);
    const cutoff = new Date(now.getTime() - 5 * DAY * 60_000).toISOString();
    await history.applyRetention({ days: 5, now });
    const after = { c1: await rowKeys(prefix, "c1", keys.PACK_PREFIX), c2: await rowKeys(prefix, "c2", keys.PACK_PREFIX) };
    const packEnd = (rowKey: string) => rowKey.split("~")[1];
    // c1: only packs reaching past the cut-off remain; c2: the pack holding the open failure's start stays.
    expect(after.c1).toEqual(packsBefore.c1.filter((k) => packEnd(k) >= cutoff));
    expect(after.c1.length).toBeLessThan(packsBefore.c1.length);
    expect(after.c2).toContain(packsBefore.c2[0]);
    expect(after.c2.length).toBeLessThan(packsBefore.c2.length);
    const c2 = await all(history.listClusterTransitions(clusterId("c2")));
    expect(c2[0]).toEqual(firstC2);
    expect(c2.filter((t) => t.componentName === "azuremonitor-containers").map((t) => t.event)).toEqual(["new-failure"]);
    expect((await all(history.listClusterTransitions(clusterId("c1")))).every((t) => t.at >= cutoff)).toBe(true);
  });

  it("keeps packs inside the property and entity limits, even with incompressible 8,000-character messages", async () => {
    const table = await openTable(options(uniquePrefix("psize")), keys.TABLES.clusters);
    const pk = keys.clusterKey(clusterId("big"));
    // Random CJK text: ~3 bytes per character that gzip cannot shrink much.
    const noise = (seed: number) => Array.from({ length: 9_000 }, (_, i) => String.fromCharCode(0x4e00 + ((seed * 7919 + i * 104729) % 20_000))).join("");
    const rows = Array.from({ length: 99 }, (_, n) => {
      const at = new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString();
      const t: TransitionRecord = {
        id: `t${n}`,
        at,
        sweepId: `s${n}`,
        event: "changed-failure",
        componentId: "c",
        componentKind: "extension",
        componentName: "flux",
        clusterId: clusterId("big"),
        clusterName: "big",
        subscriptionId: "s",
        from: "failing",
        to: "failing",
        reason: "Failed",
        message: noise(n),
        catalogId: null,
      };
      return transitionEntity(pk, keys.transitionRowKey(at, "comp", `e${n}`), t);
    });
    for (let i = 0; i < rows.length; i += 10) await table.submitTransaction(rows.slice(i, i + 10).map((r) => ["upsert", r, "Replace"]));
    const packs = packRows(pk, rows);
    expect(packs.length).toBeGreaterThan(1);
    expect(packs.flatMap((p) => p.rows.map((r) => r.rowKey))).toEqual(rows.map((r) => r.rowKey));
    for (const pack of packs) {
      const binary = Object.values(pack.entity).filter((v): v is Uint8Array => v instanceof Uint8Array);
      expect(Object.keys(pack.entity).length).toBeLessThanOrEqual(252);
      expect(Math.max(...binary.map((b) => b.length))).toBeLessThanOrEqual(64 * 1024);
      expect(binary.reduce((n, b) => n + b.length, 0)).toBeLessThan(1_000_000);
      await table.submitTransaction([
        ["upsert", pack.entity, "Replace"],
        ...pack.rows.map((r): ["delete", { partitionKey: string; rowKey: string }] => ["delete", { partitionKey: pk, rowKey: r.rowKey }]),
      ]);
    }
    const read: Array<[string, TransitionRecord]> = [];
    for await (const e of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk}` } })) read.push(...unpack(e));
    expect(read).toEqual(rows.map((r) => [r.rowKey, transitionFromEntity(r)]));
  });
});
