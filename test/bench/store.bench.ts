/**
 * `npm run bench:store`: the history store on a 10,000-cluster fleet (7 components each) in its own
 * Azurite. Table operations (HTTP requests: a transaction or a result page is one) and wall time of
 * the first sweep, a sweep with no change and a sweep with 1% churn, compared in the same run with
 * writing the full snapshot every sweep; then one cluster's timeline read over 10,000 transitions:
 * as loose rows (one row per transition, as before compaction) and as the store keeps them when sweeps
 * write them (older transitions packed, see shared/store/packs.ts).
 *
 * Options (environment): BENCH_CLUSTERS (10000), BENCH_CHURN (0.01 of components), BENCH_TIMELINE (10000).
 */
import { TableClient, TransactionAction } from "@azure/data-tables";
import type { ClusterHealth, ComponentHealth, FleetSnapshot } from "../../shared/core/model";
import { startAzurite } from "../../dev/azurite";
import { collect, countOperations, openFleetHistory, openTable, type FleetHistoryOptions } from "../../shared/store";
import { componentEntity, transitionEntity } from "../../shared/store/entities";
import * as keys from "../../shared/store/keys";
import type { TransitionRecord } from "../../shared/store/types";
import { cluster, snapshot } from "../store/fixtures";

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 10_000);
const CHURN = Number(process.env.BENCH_CHURN ?? 0.01);
const TIMELINE = Number(process.env.BENCH_TIMELINE ?? 10_000);
const SUBSCRIPTIONS = Array.from({ length: 20 }, (_, i) => `00000000-0000-0000-0000-0000000000${String(i).padStart(2, "0")}`);

/** Cluster, three extensions, a Flux configuration and two of its objects; one cluster in twenty has a failing Flux extension. */
function fleetCluster(i: number): ClusterHealth {
  const c = cluster(
    `c${String(i).padStart(5, "0")}`,
    { flux: i % 20 === 0 ? { state: "failing", reason: "InstallationFailed", catalogId: "flux-extension-install" } : undefined },
    { sub: SUBSCRIPTIONS[i % SUBSCRIPTIONS.length], kind: i % 5 === 4 ? "aks" : "arc" },
  );
  const config = c.components[3];
  const extra = (id: string, kind: ComponentHealth["kind"], name: string, more: Partial<ComponentHealth> = {}): ComponentHealth => ({
    ...config,
    id,
    kind,
    name,
    ...more,
  });
  c.components.push(
    extra(`${c.id}/providers/microsoft.kubernetesconfiguration/extensions/defender`, "extension", "defender", {
      extensionType: "microsoft.azuredefender.kubernetes",
    }),
    extra(`${config.id}/objects/gitrepository/flux-system/repo`, "fluxObject", "repo", { parentId: config.id }),
    extra(`${config.id}/objects/kustomization/flux-system/apps`, "fluxObject", "apps", { parentId: config.id }),
  );
  return c;
}

/** A cluster with `extensions` extensions besides the usual ones, all failing or all healthy: one transition per extension per flip. */
function hotCluster(extensions: number, failing: boolean): ClusterHealth {
  const c = cluster("hot", { flux: failing ? { state: "failing", reason: "InstallationFailed", catalogId: "flux-extension-install" } : undefined });
  const flux = c.components[1];
  for (let i = 0; i < extensions; i++) c.components.push({ ...flux, id: `${flux.id}-${i}`, name: `flux-${i}` });
  return c;
}

/** Flips `count` components spread over the fleet: healthy ones fail, failing ones recover. */
function churn(clusters: ClusterHealth[], count: number): ClusterHealth[] {
  const next = structuredClone(clusters);
  const step = Math.max(1, Math.floor(next.length / count));
  for (let n = 0, i = 1; n < count; n++, i = (i + step) % next.length) {
    const c = next[i];
    const component = c.components[1 + (n % (c.components.length - 1))];
    if (component.state === "healthy") {
      Object.assign(component, {
        state: "failing",
        reason: "ReconciliationFailed",
        message: "kustomize build failed",
        classification: { catalogId: "flux-kustomize-build", confidence: 0.9, fingerprint: "kustomize build failed" },
      });
    } else Object.assign(component, { state: "healthy", reason: "Succeeded", message: "Succeeded", classification: undefined });
  }
  return next;
}

interface Measured {
  operations: number;
  transactions: number;
  seconds: number;
  partitions: Map<string, { transactions: number; writes: number }>;
  transitions?: number;
}

/** Transactions by table and partition, from the client itself. */
const submitted: Array<{ table: string; partitionKey: string; actions: number }> = [];
const submit = TableClient.prototype.submitTransaction;
TableClient.prototype.submitTransaction = function (this: TableClient, actions: TransactionAction[], ...rest) {
  submitted.push({ table: this.tableName, partitionKey: actions[0][1].partitionKey, actions: actions.length });
  return submit.call(this, actions, ...rest);
};

async function measure(fn: () => Promise<number | void>): Promise<Measured> {
  submitted.length = 0;
  const t0 = performance.now();
  const { result, operations } = await countOperations(fn);
  const seconds = (performance.now() - t0) / 1000;
  const partitions = new Map<string, { transactions: number; writes: number }>();
  for (const s of submitted) {
    const key = `${s.table}/${s.partitionKey}`;
    const p = partitions.get(key) ?? { transactions: 0, writes: 0 };
    p.transactions++;
    p.writes += s.actions;
    partitions.set(key, p);
  }
  return { operations, transactions: submitted.length, seconds, partitions, ...(typeof result === "number" ? { transitions: result } : {}) };
}

/** The naive store: every component of every cluster written every sweep, one transaction per cluster, plus a sweep row. */
async function fullSnapshotWriter(options: FleetHistoryOptions) {
  const table = await openTable(options, "fullsnapshot");
  return async (snap: FleetSnapshot) => {
    await mapLimit(snap.clusters, 8, async (c) => {
      const pk = keys.clusterKey(c.id);
      const actions: TransactionAction[] = c.components.map((h) => [
        "upsert",
        componentEntity(pk, keys.currentRowKey(keys.componentKey(h.id)), {
          id: h.id,
          clusterId: c.id,
          clusterName: c.name,
          clusterKind: c.kind,
          subscriptionId: c.subscriptionId,
          resourceGroup: c.resourceGroup,
          kind: h.kind,
          name: h.name,
          state: h.state,
          reason: h.reason,
          message: h.message,
          evidence: h.evidence,
          catalogId: h.classification?.catalogId ?? null,
          lastTransitionAt: snap.startedAt,
        }),
        "Replace",
      ]);
      await table.submitTransaction(actions);
    });
    await table.upsertEntity({ partitionKey: "sweeps", rowKey: snap.sweepId, startedAt: new Date(snap.startedAt) });
  };
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Transactions above ceil(writes/100) in any partition: 0 means every partition was written in the fewest transactions. */
function excessTransactions(m: Measured): number {
  let excess = 0;
  for (const p of m.partitions.values()) excess += Math.max(0, p.transactions - Math.ceil(p.writes / 100));
  return excess;
}

const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
const secs = (s: number) => `${s.toFixed(2)} s`;

async function main() {
  const azurite = await startAzurite();
  const options: FleetHistoryOptions = { connectionString: azurite.connectionString, tablePrefix: "bench" };
  try {
    console.log(`store benchmark: ${CLUSTERS} clusters × 7 components, ${(CHURN * 100).toFixed(1)}% churn, Azurite in memory on 127.0.0.1:${azurite.port}`);
    const fleet = Array.from({ length: CLUSTERS }, (_, i) => fleetCluster(i));
    const components = fleet.reduce((n, c) => n + c.components.length, 0);
    const changes = Math.round(components * CHURN);
    const sweeps = [
      snapshot(fleet, { minute: 0, sweepId: "first" }),
      snapshot(fleet, { minute: 15, sweepId: "nochange" }),
      snapshot(churn(fleet, changes), { minute: 30, sweepId: "churn" }),
    ];

    const history = await openFleetHistory(options);
    const changeOnly: Measured[] = [];
    for (const s of sweeps) {
      changeOnly.push(await measure(async () => (await history.recordSweep(s)).transitions.length));
      const m = changeOnly[changeOnly.length - 1];
      console.log(`  change-only ${s.sweepId}: ${m.operations} operations, ${m.transitions} transitions, ${secs(m.seconds)}`);
    }
    const write = await fullSnapshotWriter(options);
    const full: Measured[] = [];
    for (const s of sweeps) {
      full.push(await measure(() => write(s)));
      console.log(`  full-snapshot ${s.sweepId}: ${full[full.length - 1].operations} operations, ${secs(full[full.length - 1].seconds)}`);
    }

    // Timeline: a cluster whose partition holds TIMELINE transitions (written as the store writes them).
    const hot = fleet[CLUSTERS - 1];
    const hotKey = keys.clusterKey(hot.id);
    const clusters = await openTable(options, keys.TABLES.clusters);
    const seedStart = performance.now();
    const own = hot.components[1];
    const units: TransactionAction[] = [];
    for (let n = 0; n < TIMELINE; n++) {
      const at = new Date(Date.parse("2025-01-01T00:00:00Z") + n * 60_000).toISOString();
      const t: TransitionRecord = {
        id: keys.eventRowKey(at, hotKey, keys.componentKey(own.id), n % 2 ? "recovered" : "new-failure"),
        at,
        sweepId: `seed-${n}`,
        event: n % 2 ? "recovered" : "new-failure",
        componentId: own.id,
        componentKind: own.kind,
        componentName: own.name,
        clusterId: hot.id,
        clusterName: hot.name,
        subscriptionId: hot.subscriptionId,
        from: n % 2 ? "failing" : "healthy",
        to: n % 2 ? "healthy" : "failing",
        reason: "InstallationFailed",
        message: "flux install failed",
        catalogId: "flux-extension-install",
        previousDurationMs: 60_000,
      };
      units.push(["upsert", transitionEntity(hotKey, keys.transitionRowKey(at, keys.componentKey(own.id), t.event), t), "Replace"]);
    }
    for (let i = 0; i < units.length; i += 100) await clusters.submitTransaction(units.slice(i, i + 100));
    console.log(`  seeded ${TIMELINE} transitions in one cluster's partition in ${secs((performance.now() - seedStart) / 1000)}`);
    const timeline = async (label: string, read: () => Promise<number>) => {
      await read(); // warm
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        rows = await read();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { label, rows, median: times[2], best: times[0] };
    };
    const total = changeOnly.reduce((n, m) => n + (m.transitions ?? 0), 0) + TIMELINE;
    const reads = [
      await timeline(
        `a typical cluster (fleet history holds ${total} transitions)`,
        async () => (await collect(history.listClusterTransitions(fleet[20].id))).length,
      ),
      await timeline(
        `${TIMELINE} transitions as loose rows, last 24 h`,
        async () =>
          (await collect(history.listClusterTransitions(hot.id, { from: new Date(Date.parse("2025-01-01T00:00:00Z") + (TIMELINE - 1440) * 60_000) }))).length,
      ),
      await timeline(`${TIMELINE} transitions as loose rows, all of them`, async () => (await collect(history.listClusterTransitions(hot.id))).length),
    ];

    // The same number of transitions written by sweeps (48 extensions flip every 30 minutes), so the store packs them.
    const packed = await openFleetHistory({ ...options, tablePrefix: "benchpacked" });
    const flipping = hotCluster(47, false).components.length - 3;
    const flips = Math.ceil((TIMELINE - flipping - 3) / flipping) + 1;
    const sweepAt = (n: number) => Date.parse("2025-01-01T00:00:00Z") + n * 30 * 60_000;
    const compacting = await measure(async () => {
      for (let n = 0; n < flips; n++)
        await packed.recordSweep({
          ...snapshot([hotCluster(47, n % 2 === 1)], { sweepId: `hot-${n}` }),
          startedAt: new Date(sweepAt(n)).toISOString(),
          finishedAt: new Date(sweepAt(n) + 20_000).toISOString(),
        });
    });
    const clusterRows = await openTable({ ...options, tablePrefix: "benchpacked" }, keys.TABLES.clusters);
    const kinds = { packs: 0, loose: 0 };
    for await (const e of clusterRows.listEntities({ queryOptions: { select: ["RowKey"] } })) {
      if (String(e.rowKey).startsWith(keys.PACK_PREFIX)) kinds.packs++;
      else if (String(e.rowKey).startsWith(keys.TRANSITION_PREFIX)) kinds.loose++;
    }
    const hotId = hotCluster(0, false).id;
    const stored = (await collect(packed.listClusterTransitions(hotId))).length;
    console.log(
      `  ${flips} sweeps wrote ${stored} transitions of one cluster in ${secs(compacting.seconds)} (${compacting.operations} operations); stored as ${kinds.packs} packs and ${kinds.loose} loose rows`,
    );
    const perSweep = Math.ceil(1440 / flipping);
    reads.push(
      await timeline(
        `${stored} transitions written by sweeps (${kinds.packs} packs + ${kinds.loose} loose rows), last ${perSweep} sweeps`,
        async () => (await collect(packed.listClusterTransitions(hotId, { from: new Date(sweepAt(flips - perSweep)) }))).length,
      ),
      await timeline(
        `${stored} transitions written by sweeps (${kinds.packs} packs + ${kinds.loose} loose rows), all of them`,
        async () => (await collect(packed.listClusterTransitions(hotId))).length,
      ),
    );

    console.log("");
    console.log(`Fleet: ${CLUSTERS} clusters, ${components} components; churn sweep changes ${changes} components (${(CHURN * 100).toFixed(1)}%).`);
    console.log("");
    console.log(row(["sweep", "change-only: operations", "transactions", "other requests", "wall time", "full snapshot: operations", "wall time"]));
    console.log(row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]));
    for (const [i, s] of sweeps.entries()) {
      const c = changeOnly[i];
      console.log(row([s.sweepId, c.operations, c.transactions, c.operations - c.transactions, secs(c.seconds), full[i].operations, secs(full[i].seconds)]));
    }
    const [, noChange, churned] = changeOnly;
    const touched = churned.partitions.size;
    console.log("");
    console.log(`no-change sweep: ${noChange.operations} table operations (target ≤ 4): ${noChange.operations <= 4 ? "met" : "MISSED"}`);
    console.log(
      `churn sweep: ${churned.transactions} transactions over ${touched} partitions touched, ${excessTransactions(churned)} above ceil(writes/100) per partition: ${excessTransactions(churned) === 0 ? "met" : "MISSED"}; ${churned.operations - churned.transactions} other requests (meta read, lease, one read per changed cluster)`,
    );
    console.log("");
    console.log(row(["timeline read", "rows", "median", "best"]));
    console.log(row(["---", "---:", "---:", "---:"]));
    for (const r of reads) console.log(row([r.label, r.rows, `${r.median.toFixed(1)} ms`, `${r.best.toFixed(1)} ms`]));
    const target = reads[reads.length - 1];
    console.log(
      `\ntimeline of one cluster over ${target.rows} transitions: median ${target.median.toFixed(1)} ms (target < 100 ms): ${target.median < 100 ? "met" : "MISSED"}`,
    );
    console.log(`\nheap used: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
  } finally {
    await azurite.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
