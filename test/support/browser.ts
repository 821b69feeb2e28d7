/**
 * A real browser for the dashboard tests and benchmark: Debian's chromium (`.ci/run` installs it)
 * driven by playwright-core. CHROMIUM_PATH points elsewhere (e.g. a Chrome on macOS).
 */
import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (Debian), or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** Where browser tests write screenshots: git-ignored test-results/, or docs/images/ with UPDATE_SCREENSHOTS=1. */
export function screenshotDir(): string {
  const dir = path.resolve(process.env.UPDATE_SCREENSHOTS === "1" ? "docs/images" : "test-results/screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Sets environment variables for a test file's host and returns what puts the previous values back. */
export function setEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

export interface RecordedPage {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested, in order. */
  requested: string[];
  /** Console errors that report a Content-Security-Policy violation. */
  cspErrors: string[];
}

/** A 1280x900 page that records its requests and CSP violations; with `apiKey`, every tab starts with the key stored. */
export async function recordedPage(browser: Browser, options: { apiKey?: string } = {}): Promise<RecordedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (options.apiKey) await context.addInitScript((key) => sessionStorage.setItem("fleet-health.api-key", key), options.apiKey);
  const page = await context.newPage();
  const requested: string[] = [];
  const cspErrors: string[] = [];
  page.on("request", (r) => requested.push(r.url()));
  page.on("console", (m) => m.type() === "error" && /Content Security Policy/i.test(m.text()) && cspErrors.push(m.text()));
  return { context, page, requested, cspErrors };
}
