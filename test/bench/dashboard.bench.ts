/**
 * `npm run bench:dashboard`: the dashboard in a real browser (Debian chromium) against the local host
 * on a 10,000-cluster fleet in its own Azurite. Measures, from navigation start:
 * - overview: until the fleet's numbers are on screen;
 * - cluster page: until the timeline chart and its episodes are drawn, for a cluster with 10,000
 *   recorded transitions;
 * each against a baseline in the same run: the browser loading the raw JSON the page is built from
 * (`/api/summary`, the cluster's `/history`). Target (issue 11): <= 1 s each. Also prints the first
 * `/api/summary` after a start (the summary stored per sweep) against building the read model, the
 * API's own time for `/timeline` (what the page reads) against `/history` (the raw transitions), and
 * the shipped JavaScript, gzipped (budget 150 KB).
 *
 * Options (environment): BENCH_CLUSTERS (10000), BENCH_TIMELINE (10000 transitions), BENCH_RUNS (7),
 * BENCH_AZURITE_DIR (keep the seeded Azurite there and reuse it: seeding takes minutes).
 */
import { readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { startAzurite } from "../../dev/azurite";
import { loadApp } from "../../dev/host/registrations";
import { startLocalHost } from "../../dev/host/server";
import { FleetViewCache } from "../../shared/api/fleet-view";
import { openApiServices } from "../../shared/api/services";
import { firstItem, openFleetHistory } from "../../shared/store";
import type { FleetHistory } from "../../shared/store/types";
import { storeSweepSummary } from "../../shared/sweep/summary";
import { apiClient } from "../api/client";
import { launchChromium } from "../support/browser";
import { cluster, flappingCluster, snapshot, BENCH_SUBSCRIPTIONS as SUBSCRIPTIONS, FLUX_FAIL, HELM_FAIL } from "../store/fixtures";

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 10_000);
const TIMELINE = Number(process.env.BENCH_TIMELINE ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TIMELINE_SUB = "00000000-0000-0000-0000-0000000000ff";
const TIMELINE_CLUSTER = `/subscriptions/${TIMELINE_SUB}/resourcegroups/rg-fleet/providers/microsoft.kubernetes/connectedclusters/timeline`;
/** Components of the timeline cluster; all but four flip every sweep. */
const TIMELINE_COMPONENTS = 100;

async function seed(history: FleetHistory): Promise<void> {
  const latest = await firstItem(history.listSweeps());
  if (latest?.sweepId === "fleet-0") return console.log("  store already seeded: reusing it");
  const t0 = Date.now();
  // The first sweep observes every component; each later one flips all but the fixture's own four.
  const sweeps = 1 + Math.ceil((TIMELINE - TIMELINE_COMPONENTS) / (TIMELINE_COMPONENTS - 4));
  // A run stopped while seeding the fleet resumes there.
  if (latest?.sweepId !== `timeline-${sweeps - 1}`)
    for (let s = 0; s < sweeps; s++)
      await history.recordSweep(
        snapshot([flappingCluster("timeline", TIMELINE_COMPONENTS, s, { sub: TIMELINE_SUB })], {
          minute: s * 15,
          sweepId: `timeline-${s}`,
          scopes: [`/subscriptions/${TIMELINE_SUB}`],
        }),
      );
  console.log(`  timeline cluster: ${sweeps} sweeps x ${TIMELINE_COMPONENTS} components in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const t1 = Date.now();
  const fleet = Array.from({ length: CLUSTERS }, (_, i) =>
    cluster(
      `c${String(i).padStart(5, "0")}`,
      { flux: i % 5 === 0 ? FLUX_FAIL : undefined, monitor: i % 7 === 2 ? HELM_FAIL : undefined },
      { sub: SUBSCRIPTIONS[i % SUBSCRIPTIONS.length], kind: i % 5 === 4 ? "aks" : "arc" },
    ),
  );
  await history.recordSweep(snapshot(fleet, { minute: sweeps * 15, sweepId: "fleet-0", scopes: SUBSCRIPTIONS.map((s) => `/subscriptions/${s}`) }));
  console.log(`  fleet: ${CLUSTERS} clusters in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
}

const episodeRows = (p: Page) => p.locator('section[aria-labelledby="timeline"] table:has(caption:text("Failure episodes")) tbody tr');

/** A JSON answer, or an error that says what the API said. */
async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as T;
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** ms from navigation start until `ready` holds, measured by the page's own clock. */
async function timeTo(page: Page, url: string, ready: (p: Page) => Promise<unknown>): Promise<number> {
  await page.goto("about:blank");
  await page.goto(url, { waitUntil: "commit" });
  await ready(page);
  return page.evaluate(() => performance.now());
}

async function main(): Promise<void> {
  console.log(
    `bench:dashboard on ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const dir = process.env.BENCH_AZURITE_DIR;
  const azurite = await startAzurite(dir ? { location: path.resolve(dir) } : {});
  const prefix = `benchdash${CLUSTERS}x${TIMELINE}`;
  const browser = await launchChromium();
  try {
    const store = await openFleetHistory({ connectionString: azurite.connectionString, tablePrefix: prefix });
    await seed(store);
    // Baseline: what the first /api/summary after a start cost before (building the read model from every
    // component). The sweep now stores the summary once recorded: its cost, added to the sweep, is the second figure.
    const tb = performance.now();
    const built = await new FleetViewCache(store, { refreshMs: 0 }).get();
    const buildMs = performance.now() - tb;
    console.log(`  read model built from the store (${built.summary.components.total} components): ${Math.round(buildMs)} ms`);
    const stored = await storeSweepSummary(store, built.sweepId ?? "");
    if (!stored.stored) throw new Error(`summary not stored: ${String(stored.error)}`);
    console.log(`  summary stored as a sweep stores it (one read of every component): ${Math.round(stored.ms)} ms added to the sweep`);
    // The cluster detail in a fresh process (in-process routing): it used to wait for the read model build.
    const detail = apiClient(await openApiServices({ connectionString: azurite.connectionString, tablePrefix: prefix }));
    const td = performance.now();
    const answer = await detail("GET", `/api/clusters${TIMELINE_CLUSTER}`);
    if (answer.status !== 200) throw new Error(`cluster detail: ${answer.status} ${answer.text.slice(0, 300)}`);
    console.log(
      `  first cluster detail in a fresh process (no read model): ${Math.round(performance.now() - td)} ms (baseline, building it: ${Math.round(buildMs)} ms)`,
    );
    process.env.FLEET_TABLES_CONNECTION = azurite.connectionString;
    process.env.FLEET_TABLE_PREFIX = prefix;
    const registrations = await loadApp(path.resolve(__dirname, "../../functions/index.ts"), () => require("../../functions/index"));
    const host = await startLocalHost({ registrations, timers: false });
    try {
      const timeline = TIMELINE_CLUSTER;
      const t0 = performance.now();
      const summary = await getJson<{ clusters: { total: number } }>(`${host.url}/api/summary`);
      const firstMs = performance.now() - t0;
      console.log(
        `  first /api/summary after the start (the stored summary): ${Math.round(firstMs)} ms; ${summary.clusters.total} clusters (baseline, building it: ${Math.round(buildMs)} ms)`,
      );
      // The view the other routes need is built in the background meanwhile: wait for it, so it does not run under the page timings.
      await getJson(`${host.url}/api/clusters?limit=1`);
      const history = await getJson<{ transitions: unknown[]; episodes: unknown[] }>(`${host.url}/api/clusters${timeline}/history`);
      console.log(`  timeline cluster: ${history.transitions.length} transitions, ${history.episodes.length} episodes`);
      for (const route of ["history", "timeline"]) {
        const ms: number[] = [];
        let bytes = 0;
        for (let run = 0; run < RUNS; run++) {
          const t = performance.now();
          bytes = (await (await fetch(`${host.url}/api/clusters${timeline}/${route}`)).arrayBuffer()).byteLength;
          ms.push(performance.now() - t);
        }
        console.log(`  /${route} answered by the API (Node fetch, no browser): median ${Math.round(median(ms))} ms, ${(bytes / 1024).toFixed(0)} KB`);
      }
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      const rows: Array<[string, number[]]> = [
        ["overview: numbers on screen", []],
        ["  baseline: /api/summary JSON loaded", []],
        ["cluster: timeline chart and episodes drawn", []],
        ["  baseline: /history JSON loaded", []],
      ];
      let rendered = 0;
      for (let run = 0; run < RUNS; run++) {
        rows[0][1].push(await timeTo(page, `${host.url}/`, (p) => p.locator('[data-count="clusters-total"]').waitFor()));
        rows[1][1].push(await timeTo(page, `${host.url}/api/summary`, (p) => p.waitForLoadState("load")));
        rows[2][1].push(
          await timeTo(page, `${host.url}/clusters${timeline}`, (p) =>
            p
              .locator('section[aria-labelledby="timeline"] figure.chart canvas')
              .waitFor({ timeout: 60_000 })
              .then(() => episodeRows(p).first().waitFor()),
          ),
        );
        rendered = await episodeRows(page).count();
        rows[3][1].push(await timeTo(page, `${host.url}/api/clusters${timeline}/history`, (p) => p.waitForLoadState("load")));
      }
      console.log(`\n${RUNS} runs each, ms from navigation start (median, min, max):`);
      for (const [label, values] of rows)
        console.log(
          `  ${label.padEnd(46)} ${String(Math.round(median(values))).padStart(6)} ${String(Math.round(Math.min(...values))).padStart(6)} ${String(Math.round(Math.max(...values))).padStart(6)}`,
        );
      console.log(`  episode rows rendered on the cluster page: ${rendered} of ${history.episodes.length} in the window (50 per "show more")`);
      for (const [label, i] of [
        ["overview", 0],
        ["cluster page", 2],
      ] as const)
        console.log(`  target <= 1000 ms, ${label}: ${median(rows[i][1]) <= 1000 ? "met" : "NOT met"}`);
      const js = readFileSync(path.resolve(__dirname, "../../dist/web/app.js"));
      console.log(
        `  JavaScript shipped: ${(js.length / 1024).toFixed(1)} KB, ${(gzipSync(js, { level: 9 }).length / 1024).toFixed(1)} KB gzip (budget 150 KB gzip)`,
      );
    } finally {
      await host.stop();
    }
  } finally {
    await browser.close();
    await azurite.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
