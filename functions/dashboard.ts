/**
 * The dashboard (issue 11) at the app's base URL: one HTML page for every path the API and the host
 * do not own (the browser routes by path), and the bundle esbuild wrote to dist/web (`npm run build`).
 * Anonymous like the HTML of any site: it holds no data; the API calls it makes need the key (and in
 * Azure, Easy Auth guards both). Strict CSP: scripts and styles from this origin only, no inline
 * script, no CDN. Links to the old place below /api/dashboard are redirected.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { app, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { notFound } from "../shared/api/errors";
import { ALL_METHODS } from "../shared/api/http";
import { API_PREFIX } from "../shared/api/routes";
import { EMAIL_INLINE_STYLES } from "../shared/digest/render/email";

/**
 * The e-mail preview (a sandboxed srcdoc frame on the digest page) inherits this policy, so the
 * e-mail's own inline styles are allowed by their hashes: exactly those, nothing else inline.
 */
const EMAIL_STYLE_HASHES = EMAIL_INLINE_STYLES.map((style) => `'sha256-${createHash("sha256").update(style).digest("base64")}'`).join(" ");

export const DASHBOARD_CSP = `default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-hashes' ${EMAIL_STYLE_HASHES}; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

const SECURITY_HEADERS = { "content-security-policy": DASHBOARD_CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

/** The app root (where host.json is): the source tree under tests, wwwroot in Azure. */
function appRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "host.json"))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}

const assets = new Map<string, { body: Buffer; etag: string }>();

function asset(name: string): { body: Buffer; etag: string } | undefined {
  if (!/^[a-z0-9-]+\.(js|css)$/.test(name)) return undefined;
  let cached = assets.get(name);
  if (!cached) {
    const file = path.join(appRoot(), "dist", "web", name);
    if (!existsSync(file)) return undefined;
    const body = readFileSync(file);
    assets.set(name, (cached = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` }));
  }
  return cached;
}

/** The API's path: the page names it so nothing is inferred from the script. */
const API_BASE = `/${API_PREFIX}`;
/** Where the dashboard lived before it took the root; links to it (digests already sent) still work. */
const OLD_DASHBOARD_BASE = `${API_BASE}/dashboard`;
/** Paths the Functions host keeps for itself when the route prefix is empty (admin API, extension webhooks). */
const HOST_PATHS = /^\/(admin|runtime)(\/|$)/i;
const API_PATHS = new RegExp(`^${API_BASE}(/|$)`, "i");

export function dashboardHtml(): string {
  const version = (name: string) => asset(name)?.etag.slice(1, 9) ?? "missing";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="fleet-base" content=""><meta name="fleet-api" content="${API_BASE}"><title>fleet health</title>
<link rel="stylesheet" href="/assets/style.css?v=${version("style.css")}"><script src="/assets/app.js?v=${version("app.js")}" defer></script></head>
<body><div id="app"><noscript>The fleet-health dashboard needs JavaScript. The same data is in the API under ${API_BASE} (see ${API_BASE}/openapi.json).</noscript></div></body></html>`;
}

const onlyGet = (req: HttpRequest): HttpResponseInit | undefined =>
  ["GET", "HEAD"].includes(req.method) ? undefined : { status: 405, headers: { allow: "GET, HEAD" } };

async function servePage(req: HttpRequest): Promise<HttpResponseInit> {
  const { pathname } = new URL(req.url);
  // An unknown API path is the API's 404, never a page: clients reading JSON must not get HTML.
  if (API_PATHS.test(pathname))
    return {
      status: 404,
      jsonBody: notFound(`no API route ${pathname.slice(0, 200)}; see ${API_BASE}/openapi.json`).toBody(),
      headers: { "cache-control": "no-store" },
    };
  if (HOST_PATHS.test(pathname)) return { status: 404 };
  const wrongMethod = onlyGet(req);
  if (wrongMethod) return wrongMethod;
  if (!asset("app.js"))
    return {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: "The dashboard is not built: run `npm run build` (dist/web/app.js is missing).",
    };
  return {
    status: 200,
    headers: { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    body: dashboardHtml(),
  };
}

/** `/api/dashboard/<page>?<query>` moved to `/<page>?<query>`: a permanent redirect, same query. */
export function movedLocation(url: string): string {
  const { pathname, search } = new URL(url);
  // One leading slash only: `//host` would be a protocol-relative redirect to another site.
  return `/${pathname.slice(OLD_DASHBOARD_BASE.length).replace(/^\/+/, "")}${search}`;
}

async function redirectMoved(req: HttpRequest): Promise<HttpResponseInit> {
  return onlyGet(req) ?? { status: 301, headers: { location: movedLocation(req.url), "cache-control": "no-cache" } };
}

async function serveAsset(req: HttpRequest): Promise<HttpResponseInit> {
  const wrongMethod = onlyGet(req);
  if (wrongMethod) return wrongMethod;
  const name = req.params.file ?? "";
  const found = asset(name);
  if (!found) return { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: `no dashboard asset ${name.slice(0, 60)}` };
  const headers = { ...SECURITY_HEADERS, "content-type": TYPES[path.extname(name)], etag: found.etag, "cache-control": "no-cache" };
  if (req.headers.get("if-none-match") === found.etag) return { status: 304, headers };
  return { status: 200, headers, body: req.method === "HEAD" ? undefined : found.body };
}

app.http("dashboardAsset", { route: "assets/{file}", methods: ALL_METHODS, authLevel: "anonymous", handler: serveAsset });
app.http("dashboardMoved", { route: `${OLD_DASHBOARD_BASE.slice(1)}/{*path}`, methods: ALL_METHODS, authLevel: "anonymous", handler: redirectMoved });
/**
 * The catch-all `{*path}` (it also matches `/`). The local host tries literal segments first, as
 * ASP.NET Core does; some Functions host versions try routes in the order of their function names
 * instead (azure-functions-host#9876, azure-functions-nodejs-library#300), so this name sorts after
 * every other function's (test/host/local-host.test.ts checks).
 */
export const CATCH_ALL_FUNCTION = "zzDashboardPages";
app.http(CATCH_ALL_FUNCTION, { route: "{*path}", methods: ALL_METHODS, authLevel: "anonymous", handler: servePage });
