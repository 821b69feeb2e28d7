/**
 * The dashboard at the app's root, the failures page's server-side filters and the e-mail digest
 * preview, in a real browser (Debian chromium via playwright-core) against the local host on a small
 * fleet in Azurite.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApp } from "../../dev/host/registrations";
import { startLocalHost, type RunningHost } from "../../dev/host/server";
import { openDigestStore, runDigest } from "../../shared/digest";
import { openFleetHistory } from "../../shared/store";
import { launchChromium, recordedPage, screenshotDir, setEnv } from "../support/browser";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { cluster, FLUX_FAIL, HELM_FAIL, snapshot, SUB_A, SUB_B } from "../store/fixtures";

const KEY = "webroutes-test-key";
const IMAGES = screenshotDir();
let requested: string[];
let cspErrors: string[];
let restoreEnv: () => void = () => undefined;
let host: RunningHost;
let browser: Browser;
let page: Page;
let digestId: string;

beforeAll(async () => {
  execFileSync(process.execPath, ["web/build.mjs", "--no-check"], { stdio: "pipe" });
  const options = { connectionString: tablesConnection(), tablePrefix: uniquePrefix("webroutes") };
  const history = await openFleetHistory(options);
  // alpha (Arc, subscription A): flux fails; bravo (Arc, A): monitoring fails; echo (AKS, subscription B): monitoring fails.
  await history.recordSweep(snapshot([cluster("alpha"), cluster("bravo"), cluster("echo", {}, { sub: SUB_B, kind: "aks" })], { minute: 0, sweepId: "s1" }));
  await history.recordSweep(
    snapshot(
      [cluster("alpha", { flux: FLUX_FAIL }), cluster("bravo", { monitor: HELM_FAIL }), cluster("echo", { monitor: HELM_FAIL }, { sub: SUB_B, kind: "aks" })],
      {
        minute: 15,
        sweepId: "s2",
      },
    ),
  );
  const run = await runDigest({
    history,
    store: await openDigestStore(options),
    send: false,
    targets: [],
    now: new Date("2026-11-01T12:00:00Z"),
    since: 86_400_000,
  });
  digestId = run.stored.id;
  // The functions read their settings from the environment, as in Azure.
  restoreEnv = setEnv({ FLEET_TABLES_CONNECTION: options.connectionString, FLEET_TABLE_PREFIX: options.tablePrefix });
  const registrations = await loadApp(path.resolve("functions/index.ts"), () => import("../../functions/index"));
  host = await startLocalHost({ registrations, apiKey: KEY, timers: false });
  browser = await launchChromium();
  ({ page, requested, cspErrors } = await recordedPage(browser, { apiKey: KEY }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop().catch(() => undefined);
  restoreEnv();
});

const rows = () => page.locator("section.group tbody tr").allInnerTexts();
const filters = () => page.locator("form.filters");

describe("the dashboard at the app's base URL", () => {
  it("opens the overview at /, and an old /api/dashboard link on the same page at the root", async () => {
    await page.goto(`${host.url}/`);
    await page.locator('[data-count="clusters-total"]').waitFor();
    expect(await page.locator('[data-count="clusters-total"]').innerText()).toBe("3");
    await page.goto(`${host.url}/api/dashboard/failures?kind=aks`);
    expect(page.url()).toBe(`${host.url}/failures?kind=aks`);
    await page.getByRole("heading", { name: "Open failures" }).waitFor();
  });

  it("lets the browser open a link to the API as it is (not as a dashboard page), and shows not-found for unknown paths", async () => {
    await page.goto(`${host.url}/catalog`);
    await page.locator("main h1").first().waitFor();
    await page.evaluate(() => {
      const a = document.createElement("a");
      a.href = "/api/health";
      a.textContent = "API health";
      document.querySelector("main")!.append(a);
    });
    await page.getByRole("link", { name: "API health" }).click();
    await page.waitForURL(`${host.url}/api/health`);
    expect(JSON.parse(await page.locator("body").innerText())).toMatchObject({ status: "ok" });
    await page.goto(`${host.url}/no/such/page`);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
  });
});

describe("the failures page", () => {
  it("asks the API for kind, subscription and resource group, and shows what it answers", async () => {
    await page.goto(`${host.url}/failures`);
    await expect.poll(async () => (await rows()).length).toBe(3);
    requested.length = 0;
    await filters().getByLabel("Cluster kind").selectOption("aks");
    await filters().getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/\/failures\?(.+&)?kind=aks$/);
    await expect.poll(async () => (await rows()).join("\n")).toMatch(/^echo/);
    expect(await rows()).toHaveLength(1);
    expect(requested.some((u) => new URL(u).pathname === "/api/failures" && new URL(u).searchParams.get("kind") === "aks")).toBe(true);

    await page.goto(`${host.url}/failures?subscription=${SUB_A}&resourceGroup=RG-FLEET&extensionType=microsoft.flux`);
    await expect.poll(async () => (await rows()).join("\n")).toMatch(/^alpha/);
    expect(await rows()).toHaveLength(1);
    const asked = requested.filter((u) => new URL(u).pathname === "/api/failures").map((u) => new URL(u).searchParams);
    expect(asked.at(-1)?.get("subscription")).toBe(SUB_A);
    expect(asked.at(-1)?.get("resourceGroup")).toBe("RG-FLEET");
    await page.screenshot({ path: path.join(IMAGES, "dashboard-failures-filtered.png") });
  });

  it("shows the API's message for a value it refuses", async () => {
    await page.goto(`${host.url}/failures`);
    await filters().getByLabel("Resource group").fill("rg.");
    await filters().getByRole("button", { name: "Apply" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/resourceGroup: "rg\." is not a resource group name/);
  });
});

describe("the e-mail digest preview", () => {
  it("shows the e-mail as sent in a sandboxed frame, styled, with no script and no CSP violation", async () => {
    cspErrors.length = 0;
    const email = (await (await fetch(`${host.url}/api/digests/${digestId}/email`, { headers: { "x-functions-key": KEY } })).json()) as {
      subject: string;
      html: string;
    };
    await page.goto(`${host.url}/digests/${digestId}`);
    const frame = page.locator("iframe.email");
    await frame.waitFor();
    expect(await page.getByText(email.subject).count()).toBe(1);
    expect(await frame.getAttribute("sandbox")).toBe("allow-popups allow-popups-to-escape-sandbox");
    const inner = page.frameLocator("iframe.email");
    await inner.locator("h2").waitFor();
    // The same headline and links as the e-mail the target sends.
    const headline = /<p>([^<]+)<\/p>/.exec(email.html)![1].replace(/&amp;/g, "&");
    expect(await inner.locator("p").first().innerText()).toBe(headline);
    const links = await inner.locator("a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(email.html).toContain(link.replace(/&/g, "&amp;"));
    // Its inline styles apply (allowed by hash), so it looks as it will in a mail client.
    expect(await inner.locator("body").evaluate((b) => getComputedStyle(b).fontFamily)).toMatch(/Segoe UI/);
    // An opaque origin: the page cannot reach into the frame, nor the frame into the page's storage.
    expect(await frame.evaluate((f) => (f as HTMLIFrameElement).contentDocument)).toBeNull();
    expect(await inner.locator("script").count()).toBe(0);
    expect(cspErrors).toEqual([]);
    await page.screenshot({ path: path.join(IMAGES, "dashboard-digest-email.png") });
  });

  it("opens the e-mail on a page of its own, with a way back", async () => {
    await page.getByRole("link", { name: "Open the e-mail on its own page" }).click();
    await page.waitForURL(`${host.url}/digests/${digestId}/email`);
    await page.getByRole("heading", { level: 1, name: "The e-mail this digest sends" }).waitFor();
    await page.frameLocator("iframe.email.standalone").locator("h2").waitFor();
    await page.reload();
    await page.frameLocator("iframe.email.standalone").locator("h2").waitFor();
    await page.getByRole("link", { name: "Back to the digest" }).click();
    await page.waitForURL(`${host.url}/digests/${digestId}`);
  });
});
