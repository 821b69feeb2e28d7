#!/usr/bin/env node
/**
 * `npm run package` (after `npm run build`): stages what the Functions host needs into dist/deploy
 * (compiled functions and shared code, host.json, a trimmed package.json and the production
 * node_modules) and zips it to dist/fleet-health.zip for Flex Consumption one-deploy (`az
 * functionapp deployment source config-zip`). azd runs this as its prepackage hook and zips the
 * staged folder itself (azure.yaml `dist`, `remoteBuild: false`; test/infra/azd.test.ts).
 *
 * The production packages are the package-lock entries not marked `dev`: exactly what
 * `npm ci --omit=dev` installs, copied from the local node_modules, so packaging needs no network.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

/** Relative to the project root; azure.yaml `dist` points here. */
const STAGING_DIR = "dist/deploy";
const ZIP_FILE = "dist/fleet-health.zip";
/** What tsc and web/build.mjs emit for the app; anything else under dist/ is not deployed. */
const COMPILED_DIRS = ["dist/functions", "dist/shared", "dist/web"];

/**
 * Install paths (`node_modules/...`) of the packages a production install holds.
 * @param {{ packages?: Record<string, { dev?: boolean, link?: boolean, optional?: boolean }> }} lock package-lock.json (v2 or v3)
 * @returns {string[]}
 */
function productionPackages(lock) {
  if (!lock.packages) throw new Error("package-lock.json has no `packages` map: lockfileVersion 2 or newer is required (npm 7+)");
  return Object.entries(lock.packages)
    .filter(([where, entry]) => where.startsWith("node_modules/") && !entry.dev && !entry.link)
    .map(([where]) => where)
    .sort();
}

/**
 * The package.json the host reads: entry point and runtime dependencies, no scripts (nothing runs
 * npm on the server) and no devDependencies.
 * @param {Record<string, unknown>} pkg
 */
function deployedPackageJson(pkg) {
  const { name, version, description, license, main, engines, dependencies } = pkg;
  return { name, version, description, license, main, engines, dependencies };
}

/**
 * Dependencies that would not resolve inside the staged tree (Node's lookup: the package's own
 * node_modules, then each parent's, up to the staging root). Optional dependencies may be absent.
 * @param {string} stagingDir
 * @param {string[]} packages install paths relative to stagingDir
 * @returns {string[]} `<package path> -> <dependency>`
 */
function unresolvedDependencies(stagingDir, packages) {
  const missing = [];
  const requirers = ["", ...packages];
  for (const where of requirers) {
    const manifest = JSON.parse(fs.readFileSync(path.join(stagingDir, where, "package.json"), "utf8"));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (manifest.optionalDependencies?.[dependency]) continue;
      let dir = where;
      let found = false;
      for (;;) {
        if (fs.existsSync(path.join(stagingDir, dir, "node_modules", dependency, "package.json"))) {
          found = true;
          break;
        }
        if (!dir) break;
        // Up one install level: node_modules/a/node_modules/b -> node_modules/a -> "".
        const cut = dir.lastIndexOf("/node_modules/");
        dir = cut >= 0 ? dir.slice(0, cut) : "";
      }
      if (!found) missing.push(`${where || "package.json"} -> ${dependency}`);
    }
  }
  return missing;
}

/** TypeScript sources, type declarations and source maps: nothing loads them at run time, and they are a third of the size. */
const NOT_RUNTIME = /\.([cm]?ts|map)$/;

/** Copies one installed package without its nested node_modules (those are lock entries of their own). */
function copyPackage(root, stagingDir, where) {
  const from = path.join(root, where);
  if (!fs.existsSync(from)) return false;
  const nested = path.join(from, "node_modules");
  const keep = (source) => source !== nested && !source.startsWith(nested + path.sep) && !NOT_RUNTIME.test(source);
  fs.cpSync(from, path.join(stagingDir, where), { recursive: true, filter: keep });
  return true;
}

/**
 * @param {string} root project root
 * @returns {{ stagingDir: string, packages: string[] }}
 */
function stage(root) {
  const stagingDir = path.join(root, STAGING_DIR);
  fs.rmSync(stagingDir, { recursive: true, force: true });
  for (const dir of COMPILED_DIRS) {
    if (!fs.existsSync(path.join(root, dir))) throw new Error(`${dir} is missing: run \`npm run build\` first`);
    fs.cpSync(path.join(root, dir), path.join(stagingDir, dir), { recursive: true, filter: (source) => !NOT_RUNTIME.test(source) });
  }
  fs.copyFileSync(path.join(root, "host.json"), path.join(stagingDir, "host.json"));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  fs.writeFileSync(path.join(stagingDir, "package.json"), JSON.stringify(deployedPackageJson(pkg), null, 2) + "\n");
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  // Optional packages for other platforms are in the lock but not installed here.
  const packages = productionPackages(lock).filter((where) => copyPackage(root, stagingDir, where));
  return { stagingDir, packages };
}

function filesUnder(dir, prefix = "") {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return filesUnder(dir, rel);
      return entry.isFile() ? [rel] : [];
    });
}

/** Fixed timestamps, so the same input gives the same bytes. */
const ZIP_MTIME = new Date(1980, 0, 1);

/**
 * Zips a folder with fflate (deflate level 9, UTF-8 names, Unix modes in the external attributes).
 * @param {string} sourceDir
 * @param {string} zipPath
 * @returns {{ files: number, bytes: number, uncompressedBytes: number }}
 */
function writeZip(sourceDir, zipPath) {
  const { zipSync } = require("fflate");
  const entries = {};
  let uncompressedBytes = 0;
  const files = filesUnder(sourceDir);
  for (const rel of files) {
    const full = path.join(sourceDir, rel);
    const data = fs.readFileSync(full);
    uncompressedBytes += data.length;
    // os 3 (Unix): the high 16 bits of attrs are the file mode, which unzip restores.
    entries[rel] = [data, { os: 3, attrs: (((fs.statSync(full).mode & 0o777) | 0o100000) << 16) >>> 0 }];
  }
  const zip = zipSync(entries, { level: 9, mtime: ZIP_MTIME });
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  fs.writeFileSync(zipPath, zip);
  return { files: files.length, bytes: zip.length, uncompressedBytes };
}

/**
 * Loads the staged entry point with module lookup confined to the staged tree: Node would otherwise
 * fall back to the project's own node_modules above it and hide a missing package. (Outside the
 * Functions host, @azure/functions switches to test mode, which is fine for a load check.)
 */
const LOAD_CHECK = `
const Module = require("node:module");
const path = require("node:path");
const root = process.argv[1];
const lookup = Module._nodeModulePaths;
Module._nodeModulePaths = (from) => lookup(from).filter((dir) => dir.startsWith(root + path.sep));
require(path.join(root, "dist/functions/index.js"));
`;

/** @returns {string | undefined} the child's stderr when dist/functions/index.js fails to load from stagingDir alone */
function entryLoadError(stagingDir) {
  const load = spawnSync(process.execPath, ["-e", LOAD_CHECK, stagingDir], { cwd: stagingDir, encoding: "utf8" });
  return load.status === 0 ? undefined : load.stderr || `exit code ${load.status}`;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function main() {
  const root = path.resolve(__dirname, "..");
  const started = Date.now();
  const { stagingDir, packages } = stage(root);
  const missing = unresolvedDependencies(stagingDir, packages);
  if (missing.length) throw new Error(`production dependencies missing from the package:\n  ${missing.join("\n  ")}`);
  const loadError = entryLoadError(stagingDir);
  if (loadError) throw new Error(`the staged entry point does not load:\n${loadError}`);
  const zip = writeZip(stagingDir, path.join(root, ZIP_FILE));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`staged ${STAGING_DIR}: ${packages.length} production packages, ${zip.files} files, ${mb(zip.uncompressedBytes)}`);
  console.log(`wrote ${ZIP_FILE}: ${mb(zip.bytes)} (${zip.bytes} bytes) in ${seconds} s`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`package: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}

module.exports = { STAGING_DIR, ZIP_FILE, productionPackages, deployedPackageJson, unresolvedDependencies, entryLoadError, writeZip };
