/**
 * The cluster page's timeline in a real browser against the local host: a cluster seen once 40 days
 * before a run of sweeps in which its extensions flip, so the default window leaves history out and
 * there are more failure episodes than one page. The page says what it shows, widens on request,
 * and reads more episodes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApp } from "../../dev/host/registrations";
import { startLocalHost, type RunningHost } from "../../dev/host/server";
import { openFleetHistory } from "../../shared/store";
import { clusterId, flappingCluster, snapshot } from "../store/fixtures";
import { launchChromium } from "../support/browser";
import { tablesConnection, uniquePrefix } from "../support/tables";

const COMPONENTS = 14;
const SWEEPS = 12;
let host: RunningHost;
let browser: Browser;
let page: Page;
const saved = { connection: process.env.FLEET_TABLES_CONNECTION, prefix: process.env.FLEET_TABLE_PREFIX };
const id = clusterId("flappy");
/** As in dashboard.test.ts: docs/images only when asked, so a test run leaves a clone unchanged. */
const IMAGES = path.resolve(process.env.UPDATE_SCREENSHOTS === "1" ? "docs/images" : "test-results/screenshots");

beforeAll(async () => {
  const prefix = uniquePrefix("webtimeline");
  const history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix });
  await history.recordSweep(snapshot([flappingCluster("flappy", COMPONENTS, 0)], { minute: 0, sweepId: "early" }));
  for (let s = 1; s <= SWEEPS; s++)
    await history.recordSweep(snapshot([flappingCluster("flappy", COMPONENTS, s)], { minute: 40 * 1440 + s * 15, sweepId: `late-${s}` }));
  process.env.FLEET_TABLES_CONNECTION = tablesConnection();
  process.env.FLEET_TABLE_PREFIX = prefix;
  const registrations = await loadApp(path.resolve("functions/index.ts"), () => import("../../functions/index"));
  host = await startLocalHost({ registrations, timers: false });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop().catch(() => undefined);
  for (const [name, value] of [
    ["FLEET_TABLES_CONNECTION", saved.connection],
    ["FLEET_TABLE_PREFIX", saved.prefix],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const rawHistory = async () =>
  (await (await fetch(`${host.url}/api/clusters${id}/history`)).json()) as { transitions: unknown[]; episodes: Array<{ endedAt: string | null }> };

describe("the cluster page's timeline", () => {
  it("draws the chart, says the window leaves older history out, shows all of it on request, and reads more episodes", async () => {
    await page.goto(`${host.url}/clusters${id}`);
    const section = page.locator('section[aria-labelledby="timeline"]');
    await section.locator("figure.chart canvas").waitFor();
    const notice = section.locator("p.window");
    expect(await notice.getAttribute("data-window")).toBe("partial");
    expect(await notice.innerText()).toMatch(
      /the 30 days up to the cluster's latest change.*Older changes are not shown: the history starts 2026-11-01 00:00 UTC/s,
    );
    expect(await section.locator("figcaption").innerText()).toMatch(/recorded state changes/);

    await section.getByRole("button", { name: "Show the whole history" }).click();
    await expect.poll(() => notice.getAttribute("data-window")).toBe("whole");
    const all = await rawHistory();
    expect(await notice.innerText()).toContain(`Showing ${all.transitions.length} state changes`);
    expect(await notice.innerText()).toContain("whole recorded history");
    const total = all.episodes.length;
    expect(total).toBeGreaterThan(50);
    const episodes = section.locator("table").filter({ has: page.locator("caption", { hasText: "Failure episodes" }) });
    await expect.poll(() => episodes.locator("caption").innerText()).toContain(`(50 of ${total} shown)`);
    expect(await episodes.locator("tbody tr").count()).toBe(50);

    await section.getByRole("button", { name: "Show 50 more" }).click();
    const shown = Math.min(100, total);
    await expect.poll(() => episodes.locator("tbody tr").count()).toBe(shown);
    expect(await episodes.locator("caption").innerText()).toContain(`(${shown} of ${total} shown)`);
    // Newest first across the pages.
    const started = await episodes.locator("tbody tr td:nth-child(3)").allInnerTexts();
    const dated = started.filter((s) => /^\d{4}-/.test(s));
    expect(dated).toEqual([...dated].sort().reverse());
    fs.mkdirSync(IMAGES, { recursive: true });
    await section.screenshot({ path: path.join(IMAGES, "dashboard-timeline.png") });
  });
});
