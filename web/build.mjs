#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`): bundles the dashboard (web/main.ts, web/style.css) with esbuild into
 * dist/web, the files functions/dashboard.ts serves. Everything is bundled: nothing loads from a CDN.
 * Type-checks web/ first (`--no-check` skips it: the browser tests rebuild the bundle before they run).
 * Prints the shipped size gzipped and fails above the budget.
 */
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "dist", "web");
/** Budget of JavaScript shipped, gzipped (issue 11). */
const JS_BUDGET_BYTES = 150 * 1024;

if (!process.argv.includes("--no-check"))
  execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "web", "tsconfig.json")], { stdio: "inherit" });
await build({
  entryPoints: { app: join(ROOT, "web", "main.ts"), style: join(ROOT, "web", "style.css") },
  outdir: OUT,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2022"],
  legalComments: "linked",
  logLevel: "warning",
});
const sizes = ["app.js", "style.css"].map((f) => {
  const bytes = readFileSync(join(OUT, f));
  return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
for (const s of sizes) console.log(`dashboard ${s.file}: ${(s.raw / 1024).toFixed(1)} KB, ${(s.gzip / 1024).toFixed(1)} KB gzip`);
const js = sizes.find((s) => s.file === "app.js");
if (js.gzip > JS_BUDGET_BYTES) {
  console.error(`dashboard JavaScript is ${(js.gzip / 1024).toFixed(1)} KB gzip, over the ${JS_BUDGET_BYTES / 1024} KB budget`);
  process.exit(1);
}
