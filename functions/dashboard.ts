/**
 * The dashboard (issue 11): one HTML page for every path under /api/dashboard (the browser routes by
 * path) and the bundle esbuild wrote to dist/web (`npm run build`). Anonymous like the HTML of any
 * site: it holds no data; the API calls it makes need the key (and in Azure, Easy Auth guards both).
 * Strict CSP: scripts and styles from this origin only, no inline script, no CDN.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { app, type HttpRequest, type HttpResponseInit } from "@azure/functions";

export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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

/** `/api/dashboard` as the request spelled it, so links and assets keep the host's prefix. */
export function dashboardBase(pathname: string): string {
  return /^(.*?\/dashboard)(?:\/|$)/i.exec(pathname)?.[1] ?? "/api/dashboard";
}

const escapeAttr = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export function dashboardHtml(base: string): string {
  const b = escapeAttr(base);
  const version = (name: string) => asset(name)?.etag.slice(1, 9) ?? "missing";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="fleet-base" content="${b}"><title>fleet health</title>
<link rel="stylesheet" href="${b}/assets/style.css?v=${version("style.css")}"><script src="${b}/assets/app.js?v=${version("app.js")}" defer></script></head>
<body><div id="app"><noscript>The fleet-health dashboard needs JavaScript. The same data is in the API under /api (see /api/openapi.json).</noscript></div></body></html>`;
}

async function servePage(req: HttpRequest): Promise<HttpResponseInit> {
  if (!["GET", "HEAD"].includes(req.method)) return { status: 405, headers: { allow: "GET, HEAD" } };
  if (!asset("app.js"))
    return {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: "The dashboard is not built: run `npm run build` (dist/web/app.js is missing).",
    };
  return {
    status: 200,
    headers: { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    body: dashboardHtml(dashboardBase(new URL(req.url).pathname)),
  };
}

async function serveAsset(req: HttpRequest): Promise<HttpResponseInit> {
  if (!["GET", "HEAD"].includes(req.method)) return { status: 405, headers: { allow: "GET, HEAD" } };
  const name = req.params.file ?? "";
  const found = asset(name);
  if (!found) return { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: `no dashboard asset ${name.slice(0, 60)}` };
  const headers = { ...SECURITY_HEADERS, "content-type": TYPES[path.extname(name)], etag: found.etag, "cache-control": "no-cache" };
  if (req.headers.get("if-none-match") === found.etag) return { status: 304, headers };
  return { status: 200, headers, body: req.method === "HEAD" ? undefined : found.body };
}

app.http("dashboardAsset", { route: "dashboard/assets/{file}", methods: ["GET", "HEAD", "POST"], authLevel: "anonymous", handler: serveAsset });
app.http("dashboard", { route: "dashboard/{*path}", methods: ["GET", "HEAD", "POST"], authLevel: "anonymous", handler: servePage });
