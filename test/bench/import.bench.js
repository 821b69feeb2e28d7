#!/usr/bin/env node
/**
 * `npm run bench:import`: cold-start cost of the Functions entry point (dist/functions/index.js),
 * measured in fresh Node processes, against a baseline in the same run that eagerly imports every
 * use case module (all of dist/shared except the local tools and the CLI).
 *
 * The Functions host loads the entry point once per worker, whichever function is invoked, so what
 * the import loads is paid by every function's cold start; each handler imports its use case (and
 * that use case's SDKs) on first call.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const DIST = path.join(ROOT, "dist");
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TARGET_MS = 500;
/**
 * SDKs only some functions use: loading one at import time makes every other function's cold start
 * pay for it. (The store's SDKs, @azure/data-tables and @azure/identity with their pipeline, serve
 * every function, so loading them at import costs nothing extra; they are reported, not flagged.)
 */
const FUNCTION_SPECIFIC = [
  "@azure/arm-resourcegraph", // the sweep
  "@azure/arm-kubernetesconfiguration", // the sweep
  "@azure/communication-email", // the digest
];
/** Telemetry export (shared/telemetry/azure-monitor.ts): loaded on first invocation, and only with APPLICATIONINSIGHTS_CONNECTION_STRING. */
const TELEMETRY = ["@opentelemetry/api", "@opentelemetry/sdk-metrics", "@opentelemetry/sdk-trace-base", "@azure/monitor-opentelemetry-exporter"];
const STORE = ["@azure/data-tables", "@azure/identity", "@azure/msal-node", "@azure/core-client", "@azure/core-rest-pipeline"];

/** Runs in the child: times the requires and reports what they loaded. */
const CHILD = `
const started = process.hrtime.bigint();
for (const file of JSON.parse(process.argv[1])) require(file);
const importMs = Number(process.hrtime.bigint() - started) / 1e6;
const files = Object.keys(require.cache);
const packages = {};
for (const file of files) {
  const match = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
  const name = match?.[1].replace("\\\\", "/");
  if (name) packages[name] = (packages[name] ?? 0) + 1;
}
process.stdout.write(JSON.stringify({ importMs, modules: files.length, packages, heapMB: process.memoryUsage().heapUsed / 1048576 }));
`;

function measure(files) {
  const started = process.hrtime.bigint();
  // NODE_ENV=production as the Bicep's app settings set it.
  const child = spawnSync(process.execPath, ["-e", CHILD, JSON.stringify(files)], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`import failed:\n${child.stderr}`);
  return { ...JSON.parse(child.stdout), processMs };
}

function jsFilesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return jsFilesUnder(full);
    return entry.name.endsWith(".js") ? [full] : [];
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

function main() {
  const entry = path.join(DIST, "functions/index.js");
  if (!fs.existsSync(entry)) throw new Error("dist/functions/index.js is missing: run `npm run build`");
  // Local tools (simulator, embedded Azurite, local host) and the CLI never run in Azure.
  const useCases = jsFilesUnder(path.join(DIST, "shared")).filter((file) => !/[\\/]shared[\\/](local|cli)[\\/]/.test(file));
  const scenarios = [
    { name: "floor: @azure/functions alone", files: [require.resolve("@azure/functions", { paths: [ROOT] })] },
    {
      name: "store SDKs alone (@azure/data-tables + @azure/identity)",
      files: ["@azure/data-tables", "@azure/identity"].map((name) => require.resolve(name, { paths: [ROOT] })),
    },
    { name: "entry point (dist/functions/index.js)", files: [entry] },
    { name: "baseline: entry point + every use case eagerly", files: [entry, ...useCases] },
    // Paid once, on the first invocation, only when APPLICATIONINSIGHTS_CONNECTION_STRING is set.
    {
      name: "telemetry export: OpenTelemetry SDK + Azure Monitor exporter",
      files: TELEMETRY.concat("@opentelemetry/resources").map((name) => require.resolve(name, { paths: [ROOT] })),
    },
  ];

  measure([entry]); // warm the file system cache so the first measured run is not an outlier
  const results = scenarios.map(() => []);
  // Interleaved, so machine noise hits both scenarios alike.
  for (let run = 0; run < RUNS; run++) scenarios.forEach((scenario, i) => results[i].push(measure(scenario.files)));

  const load = os.loadavg()[0].toFixed(1);
  console.log(`Cold import, ${RUNS} fresh node processes each (Node ${process.version}, ${process.platform}/${process.arch}, load average ${load})\n`);
  console.log("| scenario | import median | import min–max | process median | modules | heap MB |");
  console.log("|---|---|---|---|---|---|");
  scenarios.forEach((scenario, i) => {
    const runs = results[i];
    const imports = runs.map((r) => r.importMs);
    console.log(
      `| ${scenario.name} | ${fmt(median(imports))} | ${fmt(Math.min(...imports))}–${fmt(Math.max(...imports))} | ${fmt(median(runs.map((r) => r.processMs)))} | ${runs[0].modules} | ${median(runs.map((r) => r.heapMB)).toFixed(1)} |`,
    );
  });

  const [, , entryRuns, baselineRuns, telemetryRuns] = results;
  const entryMedian = median(entryRuns.map((r) => r.importMs));
  const baselineMedian = median(baselineRuns.map((r) => r.importMs));
  const loaded = entryRuns[0].packages;
  const heavyLoaded = [...FUNCTION_SPECIFIC, ...TELEMETRY].filter((name) => loaded[name]);
  console.log(
    `\npackages the entry point loads: ${
      Object.entries(loaded)
        .map(([name, count]) => `${name} (${count})`)
        .join(", ") || "none"
    }`,
  );
  console.log(`function-specific SDKs loaded by the entry point: ${FUNCTION_SPECIFIC.filter((name) => loaded[name]).join(", ") || "none"}`);
  console.log(
    `telemetry packages loaded by the entry point (the OpenTelemetry API, SDK, Azure Monitor exporter): ${TELEMETRY.filter((name) => loaded[name]).join(", ") || "none"}`,
  );
  console.log(`store SDKs loaded by the entry point (every function uses them): ${STORE.filter((name) => loaded[name]).join(", ") || "none"}`);
  console.log(`function-specific SDKs the eager baseline loads: ${FUNCTION_SPECIFIC.filter((name) => baselineRuns[0].packages[name]).join(", ") || "none"}`);
  console.log(`telemetry export, first invocation with a connection string: ${fmt(median(telemetryRuns.map((r) => r.importMs)))} more, not at cold start`);
  console.log(`entry point vs eager baseline: ${fmt(entryMedian)} vs ${fmt(baselineMedian)} (${(baselineMedian / entryMedian).toFixed(1)}x)`);
  // One process per function module, to name the module that pulls an SDK in at import time.
  for (const file of jsFilesUnder(path.join(DIST, "functions")).filter((f) => f !== entry)) {
    const runs = [0, 1, 2].map(() => measure([file]));
    const sdks = [...FUNCTION_SPECIFIC, ...STORE].filter((name) => runs[0].packages[name]);
    console.log(`  ${path.relative(ROOT, file)} alone: ${fmt(median(runs.map((r) => r.importMs)))} (median of 3), loads ${sdks.join(", ") || "no SDK"}`);
  }
  const ok = entryMedian < TARGET_MS && heavyLoaded.length === 0;
  console.log(`target: under ${TARGET_MS} ms, no function-specific SDK and no telemetry package at import -> ${ok ? "met" : "NOT met"}`);
  if (!ok) process.exitCode = 1;
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`bench:import: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}

module.exports = { FUNCTION_SPECIFIC, TELEMETRY };
