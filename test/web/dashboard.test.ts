/**
 * The dashboard in a real browser (Debian chromium via playwright-core) against the local host, on a
 * simulated fleet swept into Azurite: the numbers match the API, a failure can be followed to its
 * fix, digest links land on the right page, failures are told plainly, and axe-core finds no serious
 * or critical violation. Writes a screenshot of each page to test-results/screenshots/ (git-ignored), or
 * to docs/images/ with UPDATE_SCREENSHOTS=1, so a test run never changes committed files.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FleetSummary } from "../../shared/api/fleet-view";
import { loadApp } from "../../dev/host/registrations";
import { startLocalHost, type RunningHost } from "../../dev/host/server";
import type { ArmSimulator } from "../../dev/simulator";
import { buildDigest, renderText } from "../../shared/digest";
import { openFleetHistory } from "../../shared/store";
import { openOperationsStore } from "../../shared/store/operations";
import type { FleetHistory } from "../../shared/store/types";
import { runSweep } from "../../shared/sweep";
import { simulator, sweepOptions } from "../azure/simulator";
import { launchChromium, recordedPage, screenshotDir } from "../support/browser";
import { tablesConnection, uniquePrefix } from "../support/tables";

const KEY = "dashboard-test-key";
const OPERATOR_KEY = "dashboard-operator-key";
const SOURCE_AUTH_ERROR = "failed to checkout and determine revision: unable to clone 'https://github.com/contoso/fleet-config.git': authentication required";
const IMAGES = screenshotDir();
let sim: ArmSimulator;
let history: FleetHistory;
let host: RunningHost;
let browser: Browser;
let page: Page;
let sweep: () => Promise<unknown>;
let requested: string[];
let cspErrors: string[];
const saved = { connection: process.env.FLEET_TABLES_CONNECTION, prefix: process.env.FLEET_TABLE_PREFIX, operatorKey: process.env.FLEET_OPERATOR_KEY };

const dash = (p = "") => `${host.url}/${p}`;
const apiJson = async <T>(p: string): Promise<T> => (await (await fetch(`${host.url}/api/${p}`, { headers: { "x-functions-key": KEY } })).json()) as T;

beforeAll(async () => {
  execFileSync(process.execPath, ["web/build.mjs", "--no-check"], { stdio: "pipe" });
  const started = await simulator({
    fleet: { clusters: 24, subscriptions: 2, extensionsPerCluster: 3, fluxPerCluster: 1, sourceControlRatio: 0, failureRate: 0.3, seed: 1103 },
  });
  sim = started.sim;
  const prefix = uniquePrefix("web");
  history = await openFleetHistory({ connectionString: tablesConnection(), tablePrefix: prefix });
  sweep = () =>
    runSweep({
      ...sweepOptions(started.connection, history),
    });
  await sweep();
  sim.fleet.churn(0.2, 7);
  await sweep();
  process.env.FLEET_TABLES_CONNECTION = tablesConnection();
  process.env.FLEET_TABLE_PREFIX = prefix;
  process.env.FLEET_OPERATOR_KEY = OPERATOR_KEY;
  const registrations = await loadApp(path.resolve("functions/index.ts"), () => import("../../functions/index"));
  host = await startLocalHost({ registrations, apiKey: KEY, timers: false });
  browser = await launchChromium();
  ({ page, requested, cspErrors } = await recordedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop().catch(() => undefined);
  await sim?.stop();
  for (const [name, value] of [
    ["FLEET_TABLES_CONNECTION", saved.connection],
    ["FLEET_TABLE_PREFIX", saved.prefix],
    ["FLEET_OPERATOR_KEY", saved.operatorKey],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(IMAGES, `dashboard-${name}.png`), fullPage: false });
}

/** axe-core in a context that lets the script in (the page's own CSP forbids inline script). */
async function axeViolations(url: string, prepare?: (p: Page) => Promise<void>): Promise<string[]> {
  const ctx = await browser.newContext({ bypassCSP: true });
  try {
    const p = await ctx.newPage();
    await p.addInitScript((key) => sessionStorage.setItem("fleet-health.api-key", key), KEY);
    await p.goto(url);
    await p.locator("main h1").first().waitFor();
    await p.waitForFunction(() => !document.querySelector('[role="status"].loading'));
    await prepare?.(p);
    await p.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
    const result = (await p.evaluate(() => (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as {
      violations: Array<{ id: string; impact: string; nodes: unknown[] }>;
    };
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
  } finally {
    await ctx.close();
  }
}

/** From the keyboard: open the Acknowledge disclosure, type the note (and ticket link), submit with Enter. */
async function acknowledgeFromKeyboard(where: Locator, summary: string, note: string, ticketUrl?: string): Promise<void> {
  await where.locator("summary", { hasText: summary }).focus();
  await page.keyboard.press("Enter");
  await where.getByLabel("Note (optional)").fill(note);
  if (ticketUrl) await where.getByLabel("Ticket link (optional)").fill(ticketUrl);
  await where.getByLabel("Note (optional)").press("Enter");
}

describe("the dashboard in a browser", () => {
  it("asks for the key once, keeps it out of every URL, and shows the same numbers as /api/summary", async () => {
    const html = await fetch(dash());
    // Not imported from functions/dashboard: importing it before loadApp would register it outside the app.
    expect(html.headers.get("content-security-policy")).toMatch(/^default-src 'none'; script-src 'self';/);
    expect(await html.text()).not.toMatch(/<script>|https?:\/\/(?!127\.0\.0\.1)/);
    await page.goto(dash());
    await page.getByRole("heading", { name: "API key needed" }).waitFor();
    await shot("key");
    await page.getByLabel("API key (FLEET_API_KEY)").fill(KEY);
    await page.getByRole("button", { name: "Use this key" }).click();
    await page.locator('[data-count="clusters-total"]').waitFor();
    const summary = await apiJson<FleetSummary>("summary");
    const count = async (name: string) => Number((await page.locator(`[data-count="${name}"]`).first().innerText()).replace(/,/g, ""));
    expect(summary.clusters.total).toBe(24);
    expect(await count("clusters-total")).toBe(summary.clusters.total);
    expect(await count("components-total")).toBe(summary.components.total);
    expect(await count("failures-open")).toBe(summary.failures.open);
    expect(await count("failures-unclassified")).toBe(summary.failures.unclassified);
    expect(await count("clusters-dark")).toBe(summary.clusters.dark);
    for (const state of ["failing", "degraded", "unknown", "pending", "healthy"] as const) {
      expect(await count(`clusters-${state}`), state).toBe(summary.clusters.byState[state]);
      expect(await count(`components-${state}`), state).toBe(summary.components.byState[state]);
    }
    expect(summary.failures.open).toBeGreaterThan(0);
    await page.getByRole("heading", { name: "Last 30 days" }).waitFor();
    await page.locator("figure.chart canvas").first().waitFor();
    await shot("overview");
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((u) => u.includes(KEY))).toEqual([]);
    expect(cspErrors).toEqual([]);
  });

  it("follows a failing catalog entry, then a cluster, to that cluster's failure and its fix", async () => {
    await page.goto(dash());
    const entry = page.locator('section[aria-labelledby="open"] tbody a').first();
    const entryHref = await entry.getAttribute("href");
    const catalogId = new URL(entryHref!, host.url).searchParams.get("catalogId")!;
    await entry.click();
    await page.waitForURL(/\/failures\?catalogId=/);
    await page.locator("section.group").first().waitFor();
    await expect.poll(() => page.locator("section.group h2").first().innerText()).toBeTruthy();
    await shot("failures");
    const clusterLink = page.locator("section.group tbody a").first();
    const clusterName = await clusterLink.innerText();
    await clusterLink.click();
    await page.waitForURL(/\/clusters\/subscriptions\//);
    await page.getByRole("heading", { name: new RegExp(`Cluster ${clusterName}`) }).waitFor();
    const failures = page.locator('section[aria-labelledby="open-failures"]');
    await failures.waitFor();
    const detail = await apiJson<{ openFailures: Array<{ catalogId: string; entry: { title: string; cause: string } }> }>(
      new URL(page.url()).pathname.replace(/^\//, ""),
    );
    const failure = detail.openFailures.find((f) => f.catalogId === catalogId)!;
    expect(failure).toBeDefined();
    await expect.poll(() => failures.innerText()).toContain(failure.entry.title);
    expect(await failures.innerText()).toContain(failure.entry.cause);
    // The links and the ARM id come from the API (its casing, not the store's lower-case key).
    expect(await page.locator('a[href^="https://portal.azure.com/#@/resource/subscriptions/"]').count()).toBe(1);
    expect(await page.locator('a[href^="https://portal.azure.com/#view/HubsExtension/ArgQueryBlade"]').count()).toBe(1);
    expect(await page.locator("dl.facts code").innerText()).toMatch(
      /\/providers\/Microsoft\.(Kubernetes\/connectedClusters|ContainerService\/managedClusters)\//,
    );
    await page.locator("figure.chart canvas").waitFor();
    await shot("cluster");
  });

  it("opens the page a digest links to", async () => {
    const digest = await buildDigest({ history, since: 86_400_000 });
    const text = renderText(digest, { apiBaseUrl: `${host.url}/api` });
    const links = [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]).filter((u) => u.startsWith(host.url));
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((u) => u.startsWith(`${host.url}/`) && !u.startsWith(`${host.url}/api/`))).toBe(true);
    const clusterLink = links.find((u) => u.startsWith(`${host.url}/clusters/`));
    expect(clusterLink).toBeDefined();
    await page.goto(clusterLink!);
    await page.getByRole("heading", { name: /^Cluster / }).waitFor();
    const failuresLink = links.find((u) => u.startsWith(`${host.url}/failures?`))!;
    await page.goto(failuresLink);
    await page.getByRole("heading", { name: "Open failures" }).waitFor();
  });

  it("says plainly when a page does not exist, and when the API is down", async () => {
    await page.goto(dash("no/such/page"));
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await shot("not-found");
    await page.goto(
      dash("clusters/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/ghost"),
    );
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    expect(await page.locator("main").innerText()).toContain("no cluster");
  });

  it("has no serious or critical axe-core violations on any page", async () => {
    const pages: Array<[string, ((p: Page) => Promise<void>)?]> = [
      [dash()],
      [dash("failures")],
      [dash("clusters?state=failing")],
      [dash("catalog")],
      [
        dash("classify"),
        async (p) => {
          await p.getByLabel(/Error message/).fill(SOURCE_AUTH_ERROR);
          await p.getByRole("button", { name: "Classify" }).click();
          await p.locator("section.result h2").waitFor();
        },
      ],
      [dash("no-such-page")],
    ];
    const cluster = (await apiJson<{ items: Array<{ id: string }> }>("clusters?state=failing&limit=1")).items[0];
    // With the operator forms open, as an operator sees them.
    const openForms = async (p: Page) => {
      for (const summary of await p.locator("article.failure summary").all()) await summary.click();
    };
    pages.push([`${host.url}/clusters${cluster.id}`, openForms], [dash("silences")]);
    for (const [url, prepare] of pages) expect(await axeViolations(url, prepare), url).toEqual([]);
  }, 120_000);

  it("catalog and classify work from the keyboard", async () => {
    await page.goto(dash("catalog"));
    await page.getByLabel("Search entries").fill("flux");
    await expect.poll(() => page.getByRole("status").innerText()).toMatch(/^\d+ of \d+ entries\.$/);
    await shot("catalog");
    await page.goto(dash("classify"));
    await page.getByLabel(/Error message/).focus();
    await page.keyboard.type(SOURCE_AUTH_ERROR);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.locator("section.result h2").waitFor();
    expect(await page.locator("section.result h2").innerText()).toBe("Flux cannot authenticate to the Git repository");
    expect(await page.locator("section.result").innerText()).toContain("Cause:");
    await shot("classify");
  });

  it("asks for the operator key when acknowledging without it, changes nothing until then, and shows the acknowledgement after a reload", async () => {
    const cluster = (await apiJson<{ items: Array<{ id: string }> }>("clusters?state=failing&limit=1")).items[0];
    const acks = async () => (await apiJson<{ items: unknown[] }>(`acknowledgements?clusterId=${encodeURIComponent(cluster.id)}`)).items.length;
    await page.goto(`${host.url}/clusters${cluster.id}`);
    const failure = page.locator("article.failure").first();
    await failure.waitFor();
    expect(await failure.innerText()).not.toContain("Acknowledged by");
    await acknowledgeFromKeyboard(failure, "Acknowledge", "on it, see ticket", "https://tickets.example.com/FH-14");
    await failure.getByText("Operator key needed").waitFor();
    expect(await failure.getByRole("alert").innerText()).toContain("operator key");
    expect(await acks()).toBe(0);
    await failure.getByLabel("Operator key (FLEET_OPERATOR_KEY)").fill(OPERATOR_KEY);
    await failure.getByLabel(/Your name/).fill("ann");
    await failure.getByRole("button", { name: "Acknowledge" }).click();
    await expect.poll(() => page.locator("article.failure").first().innerText()).toContain("Acknowledged by ann (operator key) since");
    expect(await acks()).toBe(1);
    await page.reload();
    await page.locator("article.failure").first().waitFor();
    const text = await page.locator("article.failure").first().innerText();
    expect(text).toContain("Acknowledged by ann (operator key) since");
    expect(text).toContain("on it, see ticket");
    // The key is kept for the tab: a note goes in without asking again, and stays on the cluster's timeline.
    await page.getByLabel("Note", { exact: true }).fill("rotated the Git credentials");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="notes"]').innerText()).toContain("ann (operator key), ");
    expect(await page.locator('section[aria-labelledby="notes"]').innerText()).toContain("rotated the Git credentials");
    expect(requested.filter((u) => u.includes(OPERATOR_KEY))).toEqual([]);
  });

  it("silences a problem from the failures page: the failure shows silenced, the Silences page lists it and deletes it with its version", async () => {
    await page.goto(dash("failures"));
    const row = page
      .locator("section.group tbody tr")
      .filter({ has: page.locator("summary", { hasText: "Silence this problem" }) })
      .first();
    await row.waitFor();
    const clusterName = await row.locator("td a").first().innerText();
    await row.locator("summary", { hasText: "Silence this problem" }).click();
    await row.getByLabel("this cluster").check();
    // The form's own check names the field and sends nothing.
    await row.getByLabel(/^Reason/).fill("   ");
    await row.getByRole("button", { name: "Silence" }).click();
    await expect.poll(() => row.getByRole("alert").innerText()).toMatch(/^Reason: .*required/);
    expect(await row.getByLabel(/^Reason/).evaluate((e) => e === document.activeElement)).toBe(true);
    expect((await apiJson<{ items: unknown[] }>("silences")).items).toEqual([]);
    await row.getByLabel(/^Reason/).fill("maintenance window FH-14");
    await row.getByLabel(/^Expires at/).fill(new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16));
    await row.getByRole("button", { name: "Silence" }).click();
    const silenced = page.locator("section.group tbody tr").filter({ hasText: "maintenance window FH-14" });
    await expect.poll(() => silenced.count()).toBeGreaterThan(0);
    expect(await silenced.first().innerText()).toContain("Silenced by ann (operator key) until");
    expect(await silenced.first().locator("td a").first().innerText()).toBe(clusterName);
    await page.getByRole("link", { name: "Silences" }).click();
    const listed = page.locator("tbody tr").filter({ hasText: "maintenance window FH-14" });
    await listed.waitFor();
    expect(await listed.innerText()).toContain(`cluster ${clusterName}`);
    // Someone else changes it first: the listed version is stale, the delete gets 412 and the list is read again.
    const [silence] = (await apiJson<{ items: Array<{ id: string; etag: string; reason: string }> }>("silences")).items.filter(
      (x) => x.reason === "maintenance window FH-14",
    );
    const changed = await fetch(`${host.url}/api/silences/${silence.id}`, {
      method: "PATCH",
      headers: { "x-functions-key": KEY, "x-fleet-operator-key": OPERATOR_KEY, "if-match": silence.etag, "content-type": "application/json" },
      body: JSON.stringify({ reason: "maintenance window FH-14, extended" }),
    });
    expect(changed.status).toBe(200);
    // Delete asks first (focus on the confirmation), Cancel keeps it.
    await listed.getByRole("button", { name: /^Delete silence/ }).click();
    expect(await listed.getByRole("button", { name: "Yes, delete" }).evaluate((e) => e === document.activeElement)).toBe(true);
    await listed.getByRole("button", { name: "Cancel" }).click();
    await listed.getByRole("button", { name: /^Delete silence/ }).click();
    await listed.getByRole("button", { name: "Yes, delete" }).click();
    await expect.poll(() => page.getByRole("alert").first().innerText()).toContain("Someone else changed this silence");
    const reread = page.locator("tbody tr").filter({ hasText: "maintenance window FH-14, extended" });
    await reread.waitFor();
    await reread.getByRole("button", { name: /^Delete silence/ }).click();
    await reread.getByRole("button", { name: "Yes, delete" }).click();
    await expect.poll(() => page.getByRole("alert").first().innerText()).toContain("deleted");
    await expect.poll(() => page.locator("tbody tr").filter({ hasText: "maintenance window FH-14" }).count()).toBe(0);
    expect((await apiJson<{ items: unknown[] }>("silences")).items.filter((x) => JSON.stringify(x).includes("FH-14"))).toEqual([]);
  });

  it("acknowledges a fleet-wide incident from the overview, and the failures group shows it acknowledged", async () => {
    const incident = (
      await apiJson<{ items: Array<{ key: string; title: string; catalogId: string | null; acknowledged?: unknown }> }>("incidents")
    ).items.find((i) => i.key.startsWith("catalog:") && !i.acknowledged)!;
    expect(incident).toBeDefined();
    await page.goto(dash());
    const row = page.locator('section[aria-labelledby="incidents"] tbody tr').filter({ hasText: incident.title });
    await row.waitFor();
    expect(await row.innerText()).not.toContain("Acknowledged by");
    await acknowledgeFromKeyboard(row, "Acknowledge this incident", "fleet-wide: rolling back the Flux upgrade");
    await expect.poll(() => row.innerText()).toContain("Acknowledged by ann (operator key) since");
    expect(await row.innerText()).toMatch(
      /Acknowledged by ann \(operator key\) since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: fleet-wide: rolling back the Flux upgrade/,
    );
    const after = (await apiJson<{ items: Array<{ key: string; acknowledged?: { by: string; note?: string } }> }>("incidents")).items.find(
      (i) => i.key === incident.key,
    );
    expect(after?.acknowledged).toMatchObject({ by: "ann (operator key)", note: "fleet-wide: rolling back the Flux upgrade" });
    await page.goto(dash(`failures?catalogId=${incident.catalogId}`));
    const group = page.locator("section.group").first();
    await expect.poll(() => group.locator(".incident").innerText()).toContain("Acknowledged by ann (operator key) since");
    expect(await group.locator(".incident").innerText()).toContain("Fleet-wide incident");
    await group.locator(".incident").scrollIntoViewIfNeeded();
    await shot("incident-ack");
    expect(
      await axeViolations(dash(), async (p) => {
        for (const summary of await p.locator('section[aria-labelledby="incidents"] summary').all()) await summary.click();
      }),
    ).toEqual([]);
  });

  it("creates a tag-scoped silence on the Silences page, after the form's and the API's checks", async () => {
    const failing = (await apiJson<{ items: Array<{ catalogId: string | null; clusterId: string }> }>("failures?limit=1000")).items.filter((f) => f.catalogId);
    const clusters = (await apiJson<{ items: Array<{ id: string; tags?: Record<string, string> }> }>("clusters?limit=1000")).items;
    const tagged = failing.find((f) => clusters.find((c) => c.id.toLowerCase() === f.clusterId.toLowerCase())?.tags?.environment)!;
    const environment = clusters.find((c) => c.id.toLowerCase() === tagged.clusterId.toLowerCase())!.tags!.environment;
    const silences = async () => (await apiJson<{ items: Array<{ reason: string }> }>("silences")).items.filter((x) => x.reason.includes("FH-14-tag"));
    await page.goto(dash("silences"));
    await page.locator("summary", { hasText: "Silence a problem" }).click();
    const form = page.getByRole("form", { name: "New silence" });
    await form.getByLabel("Catalog entry").selectOption(tagged.catalogId!);
    await form.getByLabel("Cluster tag (key=value)").fill("environment");
    await form.getByLabel(/^Reason/).fill("staging freeze FH-14-tag");
    const expires = form.getByLabel(/^Expires at/);
    expect(await expires.getAttribute("aria-describedby")).toBeTruthy();
    // The form's checks: the tag's form, then the 90-day bound (explained), each focusing its field; nothing is sent.
    await form.getByRole("button", { name: "Create silence" }).click();
    await expect.poll(() => form.getByRole("alert").innerText()).toContain("key=value");
    expect(await form.getByLabel("Cluster tag (key=value)").evaluate((e) => e === document.activeElement)).toBe(true);
    await form.getByLabel("Cluster tag (key=value)").fill(`environment=${environment}`);
    await expires.fill(new Date(Date.now() + 100 * 86_400_000).toISOString().slice(0, 16));
    await form.getByRole("button", { name: "Create silence" }).click();
    await expect.poll(() => form.getByRole("alert").innerText()).toMatch(/at most 90 days ahead, so the latest is \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(await expires.evaluate((e) => e === document.activeElement)).toBe(true);
    await expires.fill(new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 16));
    // The API's own 400 is shown as it says it, and the field it names gets the focus.
    await form.getByLabel("Extension type").fill("not a type!");
    await form.getByRole("button", { name: "Create silence" }).click();
    await expect.poll(() => form.getByRole("alert").innerText()).toContain("scope.extensionType");
    expect(await form.getByLabel("Extension type").evaluate((e) => e === document.activeElement)).toBe(true);
    expect(await silences()).toEqual([]);
    await form.getByLabel("Extension type").fill("");
    await form.getByRole("button", { name: "Create silence" }).click();
    const listed = page.locator('section[aria-labelledby="in-force"] tbody tr').filter({ hasText: "staging freeze FH-14-tag" });
    await listed.waitFor();
    expect(await listed.innerText()).toContain(`tag environment=${environment}`);
    const [stored] = (await apiJson<{ items: Array<{ reason: string; scope: unknown; matchingFailures: number }> }>("silences")).items.filter((x) =>
      x.reason.includes("FH-14-tag"),
    );
    expect(stored.scope).toEqual({ tag: { key: "environment", value: environment } });
    expect(stored.matchingFailures).toBeGreaterThan(0);
  });

  it("edits a silence and an acknowledgement; a concurrent edit gets 412 and is applied again to the current version", async () => {
    const [silence] = (await apiJson<{ items: Array<{ id: string; etag: string; reason: string; expiresAt: string }> }>("silences")).items.filter((x) =>
      x.reason.includes("FH-14-tag"),
    );
    await page.goto(dash("silences"));
    const row = page.locator('section[aria-labelledby="in-force"] tbody tr').filter({ hasText: "staging freeze FH-14-tag" });
    await row.locator("summary", { hasText: "Edit" }).click();
    const form = row.getByRole("form", { name: /^Edit silence/ });
    await form.getByLabel(/^Reason/).fill("staging freeze FH-14-tag, until the release");
    // Someone else extends it over the API while this form is open.
    const theirExpiry = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const theirs = await fetch(`${host.url}/api/silences/${silence.id}`, {
      method: "PATCH",
      headers: {
        "x-functions-key": KEY,
        "x-fleet-operator-key": OPERATOR_KEY,
        "x-fleet-operator": "bob",
        "if-match": silence.etag,
        "content-type": "application/json",
      },
      body: JSON.stringify({ expiresAt: theirExpiry }),
    });
    expect(theirs.status).toBe(200);
    await form.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => form.getByRole("alert").innerText())
      .toContain("Someone else changed this silence after you opened it, so your changes were not saved");
    expect((await apiJson<{ reason: string }>(`silences/${silence.id}`)).reason).toBe("staging freeze FH-14-tag");
    await form.getByRole("button", { name: "Reload and apply my changes again" }).click();
    await expect.poll(() => page.getByRole("alert").first().innerText()).toContain("was saved");
    const now = await apiJson<{ reason: string; expiresAt: string; updatedBy: string }>(`silences/${silence.id}`);
    // Mine (the reason) applied on top of theirs (the expiry), not over it.
    expect(now).toMatchObject({ reason: "staging freeze FH-14-tag, until the release", expiresAt: theirExpiry, updatedBy: "ann (operator key)" });
    await expect.poll(() => page.locator("tbody tr").filter({ hasText: "until the release" }).count()).toBe(1);
    // The acknowledgement of the incident: its note edited, its ticket link added.
    const ack = page.locator('section[aria-labelledby="acks"] tbody tr').filter({ hasText: "rolling back the Flux upgrade" });
    await ack.locator("summary", { hasText: "Edit" }).click();
    await ack.getByLabel("Note (optional)").fill("rolled back, watching");
    await ack.getByLabel("Ticket link (optional)").fill("https://tickets.example.com/FH-15");
    await ack.getByRole("button", { name: "Save" }).click();
    const edited = page.locator('section[aria-labelledby="acks"] tbody tr').filter({ hasText: "rolled back, watching" });
    await edited.waitFor();
    expect(await edited.getByRole("link", { name: "ticket" }).getAttribute("href")).toBe("https://tickets.example.com/FH-15");
    const acks = (await apiJson<{ items: Array<{ note?: string; ticketUrl?: string; target: { kind: string } }> }>("acknowledgements")).items;
    expect(acks.find((a) => a.target.kind === "incident")).toMatchObject({ note: "rolled back, watching", ticketUrl: "https://tickets.example.com/FH-15" });
    await shot("silences");
    // With every form open, as an operator sees them.
    expect(
      await axeViolations(dash("silences"), async (p) => {
        for (const summary of await p.locator("main summary").all()) await summary.click();
        await p
          .getByRole("button", { name: /^Delete silence/ })
          .first()
          .click();
      }),
    ).toEqual([]);
    expect(requested.filter((u) => u.includes(OPERATOR_KEY))).toEqual([]);
  });

  it("lists on the Silences page the new failures a silence would have matched in its last day", async () => {
    const catalog = (await apiJson<{ items: Array<{ id: string }> }>("catalog")).items;
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    for (const { id } of catalog) {
      const made = await fetch(`${host.url}/api/silences`, {
        method: "POST",
        headers: { "x-functions-key": KEY, "x-fleet-operator-key": OPERATOR_KEY, "content-type": "application/json" },
        body: JSON.stringify({ catalogId: id, reason: `regression watch [${id}]`, expiresAt }),
      });
      expect(made.status).toBe(201);
    }
    // New failures after the silences were set: what a silence would hide as "known".
    sim.fleet.churn(0.5, 11);
    await sweep();
    type Listed = { catalogId?: string; reason: string; recentMatches: Array<{ clusterName?: string; since: string }> };
    const watchedNow = async () =>
      (await apiJson<{ items: Listed[] }>("silences")).items.filter((x) => x.reason.startsWith("regression watch") && x.recentMatches.length);
    // The API reads the new sweep once its cached fleet view is refreshed (VIEW_REFRESH_MS): wait for that, not for a time.
    await expect.poll(async () => (await watchedNow()).length, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    const watched = await watchedNow();
    await page.goto(dash("silences"));
    const row = page.locator('section[aria-labelledby="in-force"] tbody tr').filter({ hasText: `regression watch [${watched[0].catalogId}]` });
    await row.waitFor();
    const cell = row.locator("td").nth(6);
    await expect.poll(() => cell.locator("li").count()).toBe(watched[0].recentMatches.length);
    expect(await cell.innerText()).toContain(`${watched[0].recentMatches[0].clusterName}`);
  });

  it("shows an expired silence as expired, and its reason can still be corrected without touching its expiry", async () => {
    // An expired silence cannot be made over the API (its expiry must be in the future): stored as it would be after its time.
    const operations = await openOperationsStore({ connectionString: tablesConnection(), tablePrefix: process.env.FLEET_TABLE_PREFIX! });
    const expiresAt = new Date(Date.now() - 86_400_000).toISOString();
    const id = randomUUID();
    await operations.create(
      "silence",
      {
        id,
        catalogId: "flux-extension-install",
        scope: {},
        reason: "last week's freeze FH-14",
        createdBy: "carl",
        createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
        expiresAt,
      },
      "carl",
    );
    await page.goto(dash("silences"));
    const row = page.locator('section[aria-labelledby="expired"] tbody tr').filter({ hasText: "last week's freeze FH-14" });
    await row.waitFor();
    expect(await row.innerText()).toContain("(expired)");
    expect(await page.locator('section[aria-labelledby="in-force"]').innerText()).not.toContain("last week's freeze FH-14");
    await row.locator("summary", { hasText: "Edit" }).click();
    await row.getByLabel(/^Reason/).fill("last week's freeze FH-14 (done)");
    await row.getByRole("button", { name: "Save" }).click();
    await page.locator('section[aria-labelledby="expired"] tbody tr').filter({ hasText: "(done)" }).waitFor();
    expect(await apiJson<{ reason: string; expiresAt: string; status: string }>(`silences/${id}`)).toMatchObject({
      reason: "last week's freeze FH-14 (done)",
      expiresAt,
      status: "expired",
    });
  });

  it("tells the user when the API stops answering", async () => {
    await page.goto(dash());
    await page.locator('[data-count="clusters-total"]').waitFor();
    await host.stop();
    await page.getByRole("link", { name: "Failures" }).click();
    await page.getByRole("heading", { name: "The API is not answering" }).waitFor();
    expect(await page.getByRole("alert").first().innerText()).toContain("could not be reached");
    await shot("api-down");
  });
});
